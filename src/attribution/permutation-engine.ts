/**
 * The machinery of permutation sampling, shared by Shapley sampling and the hierarchical method.
 * A sample is a context (base players always present) plus an order of units (each unit a set of
 * base players); its chain is context, context ∪ u₁, context ∪ u₁ ∪ u₂, …, and the marginal of
 * unit u_k is v(chain_k) − v(chain_{k−1}). Samples come in antithetic pairs (the reversed order
 * with the same context), and a pair's mean is one draw for the standard error.
 */

import {coalitionKey} from "./coalitions.js";
import type {Coalition, GameOutcome} from "./game.js";
import {randomPermutation, type RandomSource} from "./random.js";

export interface UnitSample {
    context: Coalition;
    order: number[];
}

/** The m + 1 coalitions of a sample's chain. */
export function sampleChain(units: readonly (readonly number[])[], sample: UnitSample): Coalition[] {
    const chain: Coalition[] = [];
    let current = Uint8Array.from(sample.context);
    chain.push(current);
    for (const unit of sample.order) {
        current = Uint8Array.from(current);
        for (const player of units[unit] as readonly number[]) current[player] = 1;
        chain.push(current);
    }
    return chain;
}

/**
 * Draws antithetic pairs of samples until the next pair would bring the distinct coalitions
 * (counting `known`) past `newCoalitionLimit`, or `maxPairs` pairs were drawn. `drawContext`
 * gives a pair's context. Returns the samples (pairs adjacent) and their chains.
 */
export function drawSamplePairs(
    units: readonly (readonly number[])[],
    drawContext: (random: RandomSource) => Coalition,
    random: RandomSource,
    known: Set<string>,
    newCoalitionLimit: number,
    maxPairs: number,
): {samples: UnitSample[]; chains: Coalition[][]; newCoalitions: number} {
    const samples: UnitSample[] = [];
    const chains: Coalition[][] = [];
    let newCoalitions = 0;
    for (let pair = 0; pair < maxPairs; pair++) {
        const context = drawContext(random);
        const order = randomPermutation(units.length, random);
        const forward = {context, order};
        const backward = {context, order: [...order].reverse()};
        const forwardChain = sampleChain(units, forward);
        const backwardChain = sampleChain(units, backward);
        const fresh = new Set<string>();
        for (const coalition of [...forwardChain, ...backwardChain]) {
            const key = coalitionKey(coalition);
            if (!known.has(key)) fresh.add(key);
        }
        if (newCoalitions + fresh.size > newCoalitionLimit) break;
        for (const key of fresh) known.add(key);
        newCoalitions += fresh.size;
        samples.push(forward, backward);
        chains.push(forwardChain, backwardChain);
    }
    return {samples, chains, newCoalitions};
}

/** marginals[s][unit] for each sample s, from the outcomes of its chain. */
export function sampleMarginals(
    samples: readonly UnitSample[],
    chainOutcomes: readonly (readonly GameOutcome[])[],
    unitCount: number,
    read: (outcome: GameOutcome) => number,
): Float64Array[] {
    return samples.map((sample, s) => {
        const outcomes = chainOutcomes[s] as readonly GameOutcome[];
        const marginals = new Float64Array(unitCount);
        sample.order.forEach((unit, k) => {
            marginals[unit] = read(outcomes[k + 1] as GameOutcome) - read(outcomes[k] as GameOutcome);
        });
        return marginals;
    });
}

/**
 * Mean and standard error per unit, treating each antithetic pair (samples 2p, 2p+1) as one draw.
 * With a single pair the standard error is unknown and reported as Infinity.
 */
export function pairedMeanAndError(marginals: readonly Float64Array[], unitCount: number): {mean: number[]; standardError: number[]} {
    const pairCount = Math.floor(marginals.length / 2);
    const mean = new Array<number>(unitCount).fill(0);
    const standardError = new Array<number>(unitCount).fill(0);
    if (pairCount === 0) return {mean, standardError: standardError.fill(Infinity)};
    for (let unit = 0; unit < unitCount; unit++) {
        let sum = 0;
        let sumSquares = 0;
        for (let p = 0; p < pairCount; p++) {
            const draw = (((marginals[2 * p] as Float64Array)[unit] as number) + ((marginals[2 * p + 1] as Float64Array)[unit] as number)) / 2;
            sum += draw;
            sumSquares += draw * draw;
        }
        const average = sum / pairCount;
        mean[unit] = average;
        if (pairCount === 1) {
            standardError[unit] = Infinity;
            continue;
        }
        const variance = Math.max(0, (sumSquares - pairCount * average * average) / (pairCount - 1));
        standardError[unit] = Math.sqrt(variance / pairCount);
    }
    return {mean, standardError};
}
