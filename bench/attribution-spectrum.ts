/**
 * Spectral tools for the sample-efficiency benchmark (bench/attribution.bench.ts): a game's full
 * value table, its Fourier energy by interaction order, and the oracle estimate — the Gaussian
 * posterior mean of φ given v on KernelSHAP's coalitions, under a prior matched to the game's own
 * energy per order.
 */
import type {Game} from "../src/attribution/game.js";
import {stratifiedPairedDesign} from "../src/attribution/kernel-design.js";
import {createRandom} from "../src/attribution/random.js";

export function maskOf(coalition: Uint8Array): number {
    let mask = 0;
    coalition.forEach((kept, index) => {
        if (kept === 1) mask |= 1 << index;
    });
    return mask;
}

function popcount(mask: number): number {
    let count = 0;
    for (let m = mask; m !== 0; m &= m - 1) count++;
    return count;
}

export async function valueTable(game: Game): Promise<Float64Array> {
    const n = game.playerCount;
    const coalitions = Array.from({length: 2 ** n}, (_, mask) => Uint8Array.from({length: n}, (_, i) => (mask >>> i) & 1));
    return Float64Array.from((await game.evaluate(coalitions)).map((outcome) => outcome.value));
}

/**
 * Energy of the game by interaction order: Σ_{|T| = k} f̂(T)² for the Fourier (parity)
 * coefficients f̂(T) = 2^−n Σ_S v(S) Π_{i∈T} (2[i ∈ S] − 1), k = 0…n.
 */
export function fourierEnergyByOrder(n: number, table: Float64Array): {energy: number[]; oddHighOrder: number[]} {
    const coefficients = Float64Array.from(table);
    for (let i = 0; i < n; i++) {
        const bit = 1 << i;
        for (let mask = 0; mask < 2 ** n; mask++) {
            if ((mask & bit) === 0) continue;
            const without = coefficients[mask ^ bit] as number;
            const withBit = coefficients[mask] as number;
            coefficients[mask ^ bit] = without + withBit;
            coefficients[mask] = withBit - without;
        }
    }
    const energy = new Array<number>(n + 1).fill(0);
    const oddHighOrder: number[] = [];
    for (let mask = 0; mask < 2 ** n; mask++) {
        const order = popcount(mask);
        const squared = ((coefficients[mask] as number) / 2 ** n) ** 2;
        energy[order] = (energy[order] as number) + squared;
        if (order >= 3 && order % 2 === 1) oddHighOrder.push(squared);
    }
    return {energy, oddHighOrder: oddHighOrder.sort((a, b) => b - a)};
}

/** How many of the largest squared coefficients hold `fraction` of their total. */
export function coefficientsHolding(sortedSquares: readonly number[], fraction: number): number {
    const total = sortedSquares.reduce((sum, value) => sum + value, 0);
    let running = 0;
    for (let index = 0; index < sortedSquares.length; index++) {
        running += sortedSquares[index] as number;
        if (running >= fraction * total) return index + 1;
    }
    return sortedSquares.length;
}

/**
 * The oracle: posterior mean of φ given v on KernelSHAP's coalitions (plus ∅ and N), under the
 * prior f̂(T) ~ N(0, E_|T| / C(n, |T|)) with E_k the game's own energy of order k. The Shapley
 * value of the parity χ_T is 2/|T| for each member when |T| is odd and 0 otherwise.
 */
export function oracleEstimate(n: number, table: Float64Array, energy: readonly number[], budget: number, seed: number): number[] {
    const binomial = (k: number): number => {
        let value = 1;
        for (let j = 0; j < k; j++) value = (value * (n - j)) / (j + 1);
        return value;
    };
    const variance = energy.map((value, order) => (order === 0 ? 1e6 : Math.max(value, 1e-12) / binomial(order)));
    const design = stratifiedPairedDesign(n, Math.min(budget, 2 ** n) - 2, createRandom(seed));
    const points = [2 ** n - 1, 0, ...design.coalitions.map(maskOf)];
    const m = points.length;
    const kernel = Array.from({length: m}, () => new Float64Array(m));
    const covariance = Array.from({length: n}, () => new Float64Array(m));
    const signs = new Float64Array(m);
    for (let parity = 0; parity < 2 ** n; parity++) {
        const order = popcount(parity);
        const prior = variance[order] as number;
        points.forEach((point, a) => {
            signs[a] = (popcount(parity & ~point) & 1) === 1 ? -1 : 1;
        });
        for (let a = 0; a < m; a++) {
            const row = kernel[a] as Float64Array;
            const scaled = prior * (signs[a] as number);
            for (let b = a; b < m; b++) row[b] = (row[b] as number) + scaled * (signs[b] as number);
        }
        if (order % 2 === 0) continue;
        for (let i = 0; i < n; i++) {
            if ((parity & (1 << i)) === 0) continue;
            const row = covariance[i] as Float64Array;
            for (let a = 0; a < m; a++) row[a] = (row[a] as number) + (2 / order) * prior * (signs[a] as number);
        }
    }
    for (let a = 0; a < m; a++) {
        const row = kernel[a] as Float64Array;
        row[a] = (row[a] as number) * (1 + 1e-10);
        for (let b = 0; b < a; b++) row[b] = (kernel[b] as Float64Array)[a] as number;
    }
    const weights = choleskySolve(
        kernel,
        points.map((point) => table[point] as number),
    );
    return covariance.map((row) => row.reduce((total, value, a) => total + value * (weights[a] as number), 0));
}

function choleskySolve(matrix: Float64Array[], rhs: number[]): number[] {
    const size = matrix.length;
    const lower = Array.from({length: size}, () => new Float64Array(size));
    for (let i = 0; i < size; i++) {
        for (let j = 0; j <= i; j++) {
            let total = (matrix[i] as Float64Array)[j] as number;
            for (let k = 0; k < j; k++) total -= ((lower[i] as Float64Array)[k] as number) * ((lower[j] as Float64Array)[k] as number);
            (lower[i] as Float64Array)[j] = i === j ? Math.sqrt(Math.max(total, 1e-300)) : total / ((lower[j] as Float64Array)[j] as number);
        }
    }
    const forward = new Array<number>(size).fill(0);
    for (let i = 0; i < size; i++) {
        let total = rhs[i] as number;
        for (let k = 0; k < i; k++) total -= ((lower[i] as Float64Array)[k] as number) * (forward[k] as number);
        forward[i] = total / ((lower[i] as Float64Array)[i] as number);
    }
    const solution = new Array<number>(size).fill(0);
    for (let i = size - 1; i >= 0; i--) {
        let total = forward[i] as number;
        for (let k = i + 1; k < size; k++) total -= ((lower[k] as Float64Array)[i] as number) * (solution[k] as number);
        solution[i] = total / ((lower[i] as Float64Array)[i] as number);
    }
    return solution;
}
