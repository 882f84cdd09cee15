import assert from "node:assert/strict";
import type {Coalition, Game, GameOutcome} from "../../src/attribution/game.js";
import {createRandom} from "../../src/attribution/random.js";

export function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, label = ""): void {
    assert.equal(actual.length, expected.length, `${label} length`);
    actual.forEach((value, index) => {
        assert.ok(Math.abs(value - (expected[index] as number)) <= tolerance, `${label} player ${index}: ${value} vs ${expected[index]}`);
    });
}

export function relativeError(estimate: readonly number[], truth: readonly number[]): number {
    const difference = Math.hypot(...estimate.map((value, index) => value - (truth[index] as number)));
    return difference / Math.hypot(...truth);
}

export function maskOf(coalition: Coalition): number {
    let mask = 0;
    coalition.forEach((kept, index) => {
        if (kept === 1) mask |= 1 << index;
    });
    return mask;
}

/** A game given by its full value table (index = bit mask). */
export function tableGame(playerCount: number, table: ArrayLike<number>): Game {
    return {
        playerCount,
        evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> =>
            coalitions.map((coalition) => ({value: table[maskOf(coalition)] as number})),
    };
}

/** A random game: each coalition's value uniform in [−1, 1], from a seed. */
export function randomTable(playerCount: number, seed: number): Float64Array {
    const random = createRandom(seed);
    return Float64Array.from({length: 2 ** playerCount}, () => 2 * random.next() - 1);
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function sum(values: readonly number[]): number {
    return values.reduce((total, value) => total + value, 0);
}
