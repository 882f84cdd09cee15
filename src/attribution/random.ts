/**
 * Seeded pseudo-random numbers for attribution methods and metrics. xoshiro128** (Blackman &
 * Vigna) with its state filled by splitmix32 from a 32-bit seed: the same seed gives the same
 * sequence on every platform, so every sampled coalition of a run can be replayed.
 */

import {ArgumentError} from "../errors.js";

export interface RandomSource {
    /** The seed this source started from. */
    readonly seed: number;
    /** A uniform float in [0, 1) with 32 bits of randomness. */
    next(): number;
    /** A uniform integer in [0, bound). */
    nextInt(bound: number): number;
    /** A standard normal draw (Box–Muller). */
    nextNormal(): number;
}

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

export function createRandom(seed: number = defaultSeed): RandomSource {
    const checkedSeed = validateSeed(seed);
    let mix = checkedSeed >>> 0;
    const splitmix32 = (): number => {
        mix = (mix + 0x9e3779b9) >>> 0;
        let z = mix;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
    };
    let s0 = splitmix32();
    let s1 = splitmix32();
    let s2 = splitmix32();
    let s3 = splitmix32();
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

    const nextUint32 = (): number => {
        const result = Math.imul(rotateLeft(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
        const t = (s1 << 9) >>> 0;
        s2 = (s2 ^ s0) >>> 0;
        s3 = (s3 ^ s1) >>> 0;
        s1 = (s1 ^ s2) >>> 0;
        s0 = (s0 ^ s3) >>> 0;
        s2 = (s2 ^ t) >>> 0;
        s3 = rotateLeft(s3, 11);
        return result;
    };
    let spareNormal: number | undefined;

    return {
        seed: checkedSeed,
        next: () => nextUint32() / 4294967296,
        nextInt(bound: number): number {
            if (!Number.isInteger(bound) || bound <= 0) throw new RangeError(`nextInt bound must be a positive integer, got ${bound}`);
            // Rejection sampling removes the modulo bias.
            const limit = 4294967296 - (4294967296 % bound);
            for (;;) {
                const draw = nextUint32();
                if (draw < limit) return draw % bound;
            }
        },
        nextNormal(): number {
            if (spareNormal !== undefined) {
                const value = spareNormal;
                spareNormal = undefined;
                return value;
            }
            let u = 0;
            while (u === 0) u = nextUint32() / 4294967296;
            const v = nextUint32() / 4294967296;
            const radius = Math.sqrt(-2 * Math.log(u));
            spareNormal = radius * Math.sin(2 * Math.PI * v);
            return radius * Math.cos(2 * Math.PI * v);
        },
    };
}

function rotateLeft(value: number, bits: number): number {
    return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffleInPlace<T>(items: T[], random: RandomSource): T[] {
    for (let i = items.length - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        const held = items[i] as T;
        items[i] = items[j] as T;
        items[j] = held;
    }
    return items;
}

/** A uniformly random permutation of 0..size−1. */
export function randomPermutation(size: number, random: RandomSource): number[] {
    return shuffleInPlace(Array.from({length: size}, (_, index) => index), random);
}

/** A uniformly random subset of `size` distinct indices from 0..universe−1, as a 0/1 mask. */
export function randomSubsetOfSize(universe: number, size: number, random: RandomSource): Uint8Array {
    const mask = new Uint8Array(universe);
    // Partial Fisher–Yates over an index array: O(universe) memory, O(size) swaps.
    const indices = Array.from({length: universe}, (_, index) => index);
    for (let i = 0; i < size; i++) {
        const j = i + random.nextInt(universe - i);
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
