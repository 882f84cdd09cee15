/**
 * Size-stratified paired sampling for KernelSHAP. The Shapley kernel gives every coalition size s
 * (1 ≤ s ≤ n − 1) the total mass M(s) = (n − 1) / (s (n − s)), shared equally by the C(n, s)
 * coalitions of that size. This design
 *
 * - works in complement pairs {S, N∖S} (sizes s and n − s, or two coalitions of size n/2; paired
 *   sampling as in Covert & Lee 2021): with pairs, the regression sees only the odd part of the
 *   game, (v(S) − v(N∖S))/2, and the even part drops out. A pairwise interaction
 *   z_i z_j = (z_i − ½)(z_j − ½) + ½ z_i + ½ z_j − ¼ is linear plus even, so every game with
 *   interactions of order ≤ 2 is recovered exactly, from any design of full rank;
 * - gives each class of sizes {s, n − s} a number of distinct pairs proportional to its kernel
 *   mass (water-filling: a class whose share covers all its pairs is enumerated and the rest is
 *   shared among the others), drawn uniformly without replacement;
 * - weights every coalition of size s by M(s) / (coalitions of size s in the design), so each
 *   size carries exactly its kernel mass — no noise from random size counts, unlike sampling the
 *   sizes i.i.d. (shap's KernelExplainer, {@link kernelShapDesign}).
 *
 * With 2^n − 2 coalitions every size is enumerated and the weights are the kernel itself, so the
 * regression gives the exact Shapley value.
 */

import {coalitionKey, complementOf} from "./coalitions.js";
import type {Coalition} from "./game.js";
import {binomial, forEachCombination} from "./linear-algebra.js";
import {randomSubsetOfSize, shuffleInPlace, type RandomSource} from "./random.js";

export interface PairedDesign {
    /** Proper coalitions, complement pairs adjacent: [S₀, N∖S₀, S₁, N∖S₁, …]. */
    coalitions: Coalition[];
    /** Kernel weight of each coalition (equal within a pair). */
    weights: number[];
    /** Sizes enumerated completely (s and n − s both listed). */
    enumeratedSizes: number[];
}

/** Total Shapley-kernel mass of the coalitions of size s: (n − 1) / (s (n − s)). */
export function kernelSizeMass(playerCount: number, size: number): number {
    return (playerCount - 1) / (size * (playerCount - size));
}

interface SizeClass {
    /** The smaller size s ≤ n/2; the class holds sizes s and n − s. */
    size: number;
    middle: boolean;
    /** Complement pairs in the class. */
    available: number;
    /** Kernel mass of the class (both sizes). */
    mass: number;
}

/**
 * Splits `pairBudget` pairs over the classes in proportion to their mass, never more than a class
 * holds (water-filling), with largest-remainder rounding (ties to the smaller size).
 */
export function allocatePairs(classes: readonly {available: number; mass: number}[], pairBudget: number): number[] {
    const allocation = new Array<number>(classes.length).fill(0);
    const open = new Set(classes.map((_, index) => index));
    let left = pairBudget;
    for (;;) {
        const mass = [...open].reduce((sum, index) => sum + (classes[index] as {mass: number}).mass, 0);
        if (open.size === 0 || left <= 0 || mass <= 0) return allocation;
        const full = [...open].filter((index) => (left * (classes[index] as {mass: number}).mass) / mass >= (classes[index] as {available: number}).available);
        if (full.length > 0) {
            for (const index of full) {
                allocation[index] = (classes[index] as {available: number}).available;
                left -= allocation[index] as number;
                open.delete(index);
            }
            continue;
        }
        const shares = [...open].map((index) => ({index, share: (left * (classes[index] as {mass: number}).mass) / mass}));
        let used = 0;
        for (const {index, share} of shares) {
            allocation[index] = Math.floor(share);
            used += Math.floor(share);
        }
        shares.sort((a, b) => b.share - Math.floor(b.share) - (a.share - Math.floor(a.share)) || a.index - b.index);
        for (let k = 0; k < left - used && k < shares.length; k++)
            allocation[(shares[k] as {index: number}).index] = (allocation[(shares[k] as {index: number}).index] as number) + 1;
        return allocation;
    }
}

/** The design for `sampleCount` proper coalitions (rounded down to whole pairs). */
export function stratifiedPairedDesign(playerCount: number, sampleCount: number, random: RandomSource): PairedDesign {
    const n = playerCount;
    const design: PairedDesign = {coalitions: [], weights: [], enumeratedSizes: []};
    if (n < 2) return design;
    const classes: SizeClass[] = [];
    for (let s = 1; 2 * s <= n; s++) {
        const middle = 2 * s === n;
        const count = binomial(n, s);
        classes.push({size: s, middle, available: middle ? count / 2 : count, mass: kernelSizeMass(n, s) * (middle ? 1 : 2)});
    }
    const allocation = allocatePairs(classes, Math.floor(sampleCount / 2));
    classes.forEach((sizeClass, index) => {
        const pairs = allocation[index] as number;
        if (pairs === 0) return;
        const representatives = pairs === sizeClass.available ? allPairs(n, sizeClass) : samplePairs(n, sizeClass, pairs, random);
        // Coalitions of size s in the design: one per pair, or two per pair in the middle class.
        const weight = kernelSizeMass(n, sizeClass.size) / (sizeClass.middle ? 2 * pairs : pairs);
        for (const coalition of representatives) {
            design.coalitions.push(coalition, complementOf(coalition));
            design.weights.push(weight, weight);
        }
        if (pairs === sizeClass.available) {
            design.enumeratedSizes.push(sizeClass.size);
            if (!sizeClass.middle) design.enumeratedSizes.push(n - sizeClass.size);
        }
    });
    design.enumeratedSizes.sort((a, b) => a - b);
    return design;
}

/** One coalition of size s per pair of the class: every s-subset, or half of them in the middle class. */
function allPairs(n: number, sizeClass: SizeClass): Coalition[] {
    const representatives: Coalition[] = [];
    forEachCombination(n, sizeClass.size, (indices) => {
        // In the middle class S and N∖S have the same size: keep the one holding player 0.
        if (sizeClass.middle && indices[0] !== 0) return;
        const coalition = new Uint8Array(n);
        for (const index of indices) coalition[index] = 1;
        representatives.push(coalition);
    });
    return representatives;
}

/** `pairs` distinct pairs of the class, uniformly without replacement. */
function samplePairs(n: number, sizeClass: SizeClass, pairs: number, random: RandomSource): Coalition[] {
    if (2 * pairs > sizeClass.available) return shuffleInPlace(allPairs(n, sizeClass), random).slice(0, pairs);
    const seen = new Set<string>();
    const representatives: Coalition[] = [];
    while (representatives.length < pairs) {
        let coalition = randomSubsetOfSize(n, sizeClass.size, random);
        if (sizeClass.middle && coalition[0] !== 1) coalition = complementOf(coalition);
        const key = coalitionKey(coalition);
        if (seen.has(key)) continue;
        seen.add(key);
        representatives.push(coalition);
    }
    return representatives;
}
