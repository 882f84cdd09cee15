/**
 * KernelSHAP (Lundberg & Lee 2017): Shapley values as the solution of a weighted least-squares
 * problem over coalitions z with the Shapley kernel
 *   π(z) = (n − 1) / (C(n, |z|) · |z| · (n − |z|)),
 * subject to Σφ = v(N) − v(∅), which is imposed exactly by eliminating the last player's value.
 *
 * Two designs choose the coalitions (option `design`):
 * - "stratified" (default): size-stratified paired sampling without replacement
 *   (kernel-design.ts): complement pairs, a number of distinct pairs per size proportional to the
 *   size's kernel mass, each size weighted by exactly its mass. Exact on games whose interactions
 *   have order ≤ 2.
 * - "shap": shap's KernelExplainer. Subset sizes are taken in pairs (s, n − s) from the outside
 *   in, and a pair of sizes is enumerated completely whenever the remaining budget covers its
 *   share of kernel weight; the other sizes are drawn i.i.d. with complement sampling (the
 *   middle size unpaired) and weighted by how often each coalition was drawn.
 * With a budget of 2^n both enumerate every size and the result is the exact Shapley value.
 */

import {ArgumentError} from "../errors.js";
import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache, coalitionKey, complementOf} from "./coalitions.js";
import type {Coalition, Game} from "./game.js";
import {binomial, forEachCombination, solveSymmetric, weightedNormalEquations} from "./linear-algebra.js";
import {assembleResult, componentColumns, withEndPoints} from "./method-support.js";
import {createRandom, randomSubsetOfSize, validateSeed, type RandomSource} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";
import {stratifiedPairedDesign} from "./kernel-design.js";

export const kernelShapDesigns = ["stratified", "shap"] as const;
export type KernelShapDesign = (typeof kernelShapDesigns)[number];

export interface KernelShapOptions extends AttributionOptions {
    /** How coalitions are chosen (default "stratified"; "shap" is shap's KernelExplainer sampling). */
    design?: KernelShapDesign;
}

export function kernelShapMinimumBudget(playerCount: number): number {
    return playerCount <= 1 ? 2 : playerCount + 2;
}

export function kernelShapDefaultBudget(playerCount: number): number {
    return Math.max(kernelShapMinimumBudget(playerCount), Math.min(2 ** Math.min(playerCount, 30), 8 * (playerCount + 1)));
}

interface WeightedCoalitions {
    coalitions: Coalition[];
    weights: number[];
    enumeratedSizes: number[];
}

/** Chooses the coalitions (excluding ∅ and N) and their kernel weights, as shap does. */
export function kernelShapDesign(playerCount: number, sampleCount: number, random: RandomSource): WeightedCoalitions {
    const n = playerCount;
    const coalitions: Coalition[] = [];
    const weights: number[] = [];
    const enumeratedSizes: number[] = [];
    if (n < 2) return {coalitions, weights, enumeratedSizes};
    const sizeCount = Math.ceil((n - 1) / 2);
    const pairedSizeCount = Math.floor((n - 1) / 2);
    // Kernel mass of each size s (1-based index s − 1), the paired sizes carrying s and n − s.
    const sizeWeights = Array.from({length: sizeCount}, (_, index) => {
        const s = index + 1;
        return ((n - 1) / (s * (n - s))) * (s <= pairedSizeCount ? 2 : 1);
    });
    const totalWeight = sizeWeights.reduce((sum, weight) => sum + weight, 0);
    for (let i = 0; i < sizeCount; i++) sizeWeights[i] = (sizeWeights[i] as number) / totalWeight;

    let samplesLeft = sampleCount;
    const remaining = [...sizeWeights];
    let fullSizes = 0;
    for (let s = 1; s <= sizeCount; s++) {
        const paired = s <= pairedSizeCount;
        const subsetCount = binomial(n, s) * (paired ? 2 : 1);
        if (!((samplesLeft * (remaining[s - 1] as number)) / subsetCount >= 1 - 1e-8)) break;
        fullSizes++;
        samplesLeft -= subsetCount;
        const share = remaining[s - 1] as number;
        if (share < 1) for (let i = 0; i < sizeCount; i++) remaining[i] = (remaining[i] as number) / (1 - share);
        const weight = (sizeWeights[s - 1] as number) / subsetCount;
        enumeratedSizes.push(s);
        if (paired) enumeratedSizes.push(n - s);
        forEachCombination(n, s, (indices) => {
            const coalition = new Uint8Array(n);
            for (const index of indices) coalition[index] = 1;
            coalitions.push(coalition);
            weights.push(weight);
            if (paired) {
                coalitions.push(complementOf(coalition));
                weights.push(weight);
            }
        });
    }
    if (fullSizes === sizeCount || samplesLeft <= 0) return {coalitions, weights, enumeratedSizes: enumeratedSizes.sort((a, b) => a - b)};

    // Sample the other sizes: a size from the leftover kernel mass (paired sizes halved, since a
    // draw adds the coalition and its complement), then a uniform coalition of that size.
    const drawWeights = sizeWeights.map((weight, index) => (index + 1 <= pairedSizeCount ? weight / 2 : weight)).slice(fullSizes);
    const drawTotal = drawWeights.reduce((sum, weight) => sum + weight, 0);
    const cumulative: number[] = [];
    let running = 0;
    for (const weight of drawWeights) cumulative.push((running += weight / drawTotal));
    const fixedRows = coalitions.length;
    const rowOf = new Map<string, number>();
    const addOrCount = (coalition: Coalition): boolean => {
        const key = coalitionKey(coalition);
        const row = rowOf.get(key);
        if (row !== undefined) {
            weights[row] = (weights[row] as number) + 1;
            return false;
        }
        rowOf.set(key, coalitions.length);
        coalitions.push(coalition);
        weights.push(1);
        return true;
    };
    let attempts = 4 * samplesLeft + 16;
    while (samplesLeft > 0 && attempts-- > 0) {
        const draw = random.next();
        let index = cumulative.findIndex((edge) => draw < edge);
        if (index < 0) index = cumulative.length - 1;
        const size = index + fullSizes + 1;
        const coalition = randomSubsetOfSize(n, size, random);
        if (addOrCount(coalition)) samplesLeft--;
        if (samplesLeft > 0 && size <= pairedSizeCount) {
            if (addOrCount(complementOf(coalition))) samplesLeft--;
        }
    }
    // The sampled rows share the kernel mass of the sizes not enumerated, in proportion to their counts.
    const leftoverMass = sizeWeights.slice(fullSizes).reduce((sum, weight) => sum + weight, 0);
    let sampledCount = 0;
    for (let row = fixedRows; row < weights.length; row++) sampledCount += weights[row] as number;
    for (let row = fixedRows; row < weights.length; row++) weights[row] = ((weights[row] as number) * leftoverMass) / sampledCount;
    return {coalitions, weights, enumeratedSizes: enumeratedSizes.sort((a, b) => a - b)};
}

/**
 * Solves the efficiency-constrained weighted least squares for each target series. Row r has
 * coalition z_r, weight w_r and (per series) value y_r; v0 = v(∅), total = v(N) − v(∅).
 */
export function constrainedSolve(
    coalitions: readonly Coalition[],
    weights: readonly number[],
    series: readonly {rows: readonly number[]; empty: number; full: number}[],
    n: number,
): number[][] {
    if (n === 1) return series.map((target) => [target.full - target.empty]);
    const last = n - 1;
    const design = coalitions.map((coalition) => {
        const row = new Float64Array(last);
        const lastKept = coalition[last] as number;
        for (let j = 0; j < last; j++) row[j] = (coalition[j] as number) - lastKept;
        return row;
    });
    const targets = series.map((target) => {
        const total = target.full - target.empty;
        return coalitions.map((coalition, r) => (target.rows[r] as number) - target.empty - (coalition[last] as number) * total);
    });
    const {gram, moments} = weightedNormalEquations(design, weights, targets, last);
    const {solutions} = solveSymmetric(gram, moments);
    return solutions.map((solution, t) => {
        const target = series[t] as {empty: number; full: number};
        const values = Array.from(solution);
        const rest = values.reduce((sum, value) => sum + value, 0);
        values.push(target.full - target.empty - rest);
        return values;
    });
}

export async function kernelShap(game: Game, options: KernelShapOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("kernelshap", n);
    const seed = validateSeed(options.seed);
    const budget = resolveBudget("kernelshap", n, options.budget, kernelShapMinimumBudget(n), kernelShapDefaultBudget(n));
    const random = createRandom(seed);
    const properSubsets = n >= 31 ? Infinity : 2 ** n - 2;
    const designName = options.design ?? "stratified";
    if (!kernelShapDesigns.includes(designName)) {
        throw new ArgumentError(`unknown KernelSHAP design "${String(designName)}"`, {
            expected: `one of ${kernelShapDesigns.join(", ")}`,
            received: String(designName),
        });
    }
    const design =
        designName === "shap"
            ? kernelShapDesign(n, Math.min(budget - 2, properSubsets), random)
            : stratifiedPairedDesign(n, Math.min(budget - 2, properSubsets), random);
    const cache = new CoalitionCache(game);
    const outcomes = await cache.evaluate(withEndPoints(n, design.coalitions));
    const full = outcomes[0]!;
    const empty = outcomes[1]!;
    const rows = outcomes.slice(2);
    const columns = [{rows: rows.map((outcome) => outcome.value), empty: empty.value, full: full.value}];
    const components = componentColumns(outcomes);
    if (components !== undefined) {
        for (const column of components) columns.push({rows: column.slice(2), empty: column[1] as number, full: column[0] as number});
    }
    const solved = constrainedSolve(design.coalitions, design.weights, columns, n);
    const values = solved[0] as number[];
    const series = components === undefined ? {values} : {values, componentValues: solved.slice(1)};
    const efficiencyGap = values.reduce((sum, value) => sum + value, 0) - (full.value - empty.value);
    return assembleResult({
        method: "kernelshap",
        game,
        cache,
        budget,
        seed,
        series,
        full,
        empty,
        diagnostics: {
            constraint: "efficiency-exact",
            design: designName,
            efficiencyGap,
            enumeratedSizes: design.enumeratedSizes,
            regressionRows: design.coalitions.length,
        },
    });
}
