/**
 * Coalition helpers and the per-run evaluation cache. Every method asks for coalitions in
 * batches through a {@link CoalitionCache}: a coalition asked for twice (in one batch or across
 * batches) reaches the game once, and `evaluations` counts the distinct coalitions evaluated.
 */

import {GlassboxError, InputError} from "../errors.js";
import type {Coalition, Game, GameOutcome} from "./game.js";

export function fullCoalition(playerCount: number): Coalition {
    return new Uint8Array(playerCount).fill(1);
}

export function emptyCoalition(playerCount: number): Coalition {
    return new Uint8Array(playerCount);
}

/** The coalition holding exactly `players`. */
export function coalitionOf(playerCount: number, players: Iterable<number>): Coalition {
    const coalition = new Uint8Array(playerCount);
    for (const player of players) coalition[player] = 1;
    return coalition;
}

/** The full coalition without `players`. */
export function coalitionWithout(playerCount: number, players: Iterable<number>): Coalition {
    const coalition = fullCoalition(playerCount);
    for (const player of players) coalition[player] = 0;
    return coalition;
}

export function coalitionSize(coalition: Coalition): number {
    let size = 0;
    for (const kept of coalition) size += kept;
    return size;
}

export function complementOf(coalition: Coalition): Coalition {
    const complement = new Uint8Array(coalition.length);
    for (let i = 0; i < coalition.length; i++) complement[i] = coalition[i] === 1 ? 0 : 1;
    return complement;
}

/** A compact string key for a coalition: 16 players per UTF-16 code unit. */
export function coalitionKey(coalition: Coalition): string {
    let key = "";
    for (let start = 0; start < coalition.length; start += 16) {
        let code = 0;
        const end = Math.min(start + 16, coalition.length);
        for (let i = start; i < end; i++) if (coalition[i] === 1) code |= 1 << (i - start);
        key += String.fromCharCode(code);
    }
    return key;
}

/**
 * Deduplicating front of a game for one method run. `evaluate` hands all coalitions not seen
 * before to the game in ONE call and answers the rest from memory.
 */
export class CoalitionCache {
    private readonly known = new Map<string, GameOutcome>();
    private batchCount = 0;

    constructor(readonly game: Game) {}

    /** Distinct coalitions evaluated so far. */
    get evaluations(): number {
        return this.known.size;
    }

    /** Calls made to the game's `evaluate` so far. */
    get batches(): number {
        return this.batchCount;
    }

    has(coalition: Coalition): boolean {
        return this.known.has(coalitionKey(coalition));
    }

    /** How many of `coalitions` are not yet known (duplicates inside the list counted once). */
    countNew(coalitions: readonly Coalition[]): number {
        const fresh = new Set<string>();
        for (const coalition of coalitions) {
            const key = coalitionKey(coalition);
            if (!this.known.has(key)) fresh.add(key);
        }
        return fresh.size;
    }

    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const keys = coalitions.map(coalitionKey);
        const pending: Coalition[] = [];
        const pendingKeys: string[] = [];
        const queued = new Set<string>();
        keys.forEach((key, index) => {
            if (this.known.has(key) || queued.has(key)) return;
            queued.add(key);
            pending.push(coalitions[index] as Coalition);
            pendingKeys.push(key);
        });
        if (pending.length > 0) {
            for (const coalition of pending) {
                if (coalition.length !== this.game.playerCount) {
                    throw new GlassboxError("internal", "a coalition does not match the game's player count", {
                        expected: `${this.game.playerCount} entries`,
                        received: `${coalition.length}`,
                    });
                }
            }
            this.batchCount++;
            const outcomes = await this.game.evaluate(pending);
            if (outcomes.length !== pending.length) {
                throw new GlassboxError("internal", "the game answered a different number of coalitions than it was asked", {
                    expected: `${pending.length} outcomes`,
                    received: `${outcomes.length}`,
                });
            }
            outcomes.forEach((outcome, index) => {
                if (!Number.isFinite(outcome.value)) {
                    throw new InputError("the game returned a value that is not a finite number", {
                        expected: "a finite value for every coalition",
                        received: String(outcome.value),
                        hint: "use a value with a floor (e.g. a clamped log-probability)",
                    });
                }
                this.known.set(pendingKeys[index] as string, outcome);
            });
        }
        return keys.map((key) => this.known.get(key) as GameOutcome);
    }
}
