/**
 * Seeded randomness for attribution methods and metrics: seed validation and the sampling helpers
 * they share, over the project's one generator (src/foundation/random.ts). The same seed gives the
 * same sequence on every platform, so every sampled coalition of a run can be replayed.
 */

import {ArgumentError} from "../errors.js";
import {SeededRandom, type RandomSource} from "../foundation/random.js";

export type {RandomSource};

/** The seed used when a caller gives none. */
export const defaultSeed = 0;

/** Checks a user-supplied seed: an integer in [0, 2^32). */
export function validateSeed(seed: number | undefined): number {
    if (seed === undefined) return defaultSeed;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
        throw new ArgumentError("the seed is not a 32-bit unsigned integer", {
            expected: "an integer between 0 and 4294967295",
            received: String(seed),
            hint: "pass a whole number as the seed",
            parameter: "seed",
        });
    }
    return seed;
}

/** A random source for a method or metric, from a checked seed. */
export function createRandom(seed: number = defaultSeed): RandomSource {
    return new SeededRandom(validateSeed(seed));
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffleInPlace<T>(items: T[], random: RandomSource): T[] {
    for (let i = items.length - 1; i > 0; i--) {
        const j = random.integer(i + 1);
        const held = items[i] as T;
        items[i] = items[j] as T;
        items[j] = held;
    }
    return items;
}

/** A uniformly random permutation of 0..size−1. */
export function randomPermutation(size: number, random: RandomSource): number[] {
    return shuffleInPlace(
        Array.from({length: size}, (_, index) => index),
        random,
    );
}

/** A uniformly random subset of `size` distinct indices from 0..universe−1, as a 0/1 mask. */
export function randomSubsetOfSize(universe: number, size: number, random: RandomSource): Uint8Array {
    const mask = new Uint8Array(universe);
    // Partial Fisher–Yates over an index array: O(universe) memory, O(size) swaps.
    const indices = Array.from({length: universe}, (_, index) => index);
    for (let i = 0; i < size; i++) {
        const j = i + random.integer(universe - i);
        const held = indices[i] as number;
        indices[i] = indices[j] as number;
        indices[j] = held;
        mask[indices[i] as number] = 1;
    }
    return mask;
}

/** A mask with each index kept independently with probability `keepProbability`. */
export function randomBernoulliMask(universe: number, keepProbability: number, random: RandomSource): Uint8Array {
    const mask = new Uint8Array(universe);
    for (let i = 0; i < universe; i++) mask[i] = random.next() < keepProbability ? 1 : 0;
    return mask;
}
