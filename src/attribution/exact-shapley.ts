/**
 * Exact Shapley values by enumerating all 2^n coalitions in one batch:
 *   φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
 * Cost 2^n evaluations, stated up front; n is capped (default 20) because the batch doubles
 * with each player.
 */

import {BudgetError} from "../errors.js";
import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache} from "./coalitions.js";
import type {Game} from "./game.js";
import {assembleResult, attributeSeries} from "./method-support.js";
import {validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";

export const exactShapleyDefaultMaxPlayers = 20;

export interface ExactShapleyOptions extends AttributionOptions {
    /** Refuse games with more players than this (default 20: 1,048,576 coalitions). */
    maxPlayers?: number;
}

export function exactShapleyEvaluations(playerCount: number): number {
    return 2 ** playerCount;
}

/** The coalition of bit mask `mask` (player i present when bit i is set). */
export function coalitionFromMask(playerCount: number, mask: number): Uint8Array {
    const coalition = new Uint8Array(playerCount);
    for (let i = 0; i < playerCount; i++) coalition[i] = (mask >>> i) & 1;
    return coalition;
}

/** Shapley weights w[s] = s!(n−s−1)!/n! = 1 / (n · C(n−1, s)). */
export function shapleyWeights(playerCount: number): Float64Array {
    const weights = new Float64Array(Math.max(playerCount, 1));
    let binomial = 1; // C(n−1, s)
    for (let s = 0; s < playerCount; s++) {
        weights[s] = 1 / (playerCount * binomial);
        binomial = (binomial * (playerCount - 1 - s)) / (s + 1);
    }
    return weights;
}

/** Exact Shapley values of a value table indexed by bit mask (length 2^n). */
export function shapleyFromTable(playerCount: number, table: ArrayLike<number>): number[] {
    const weights = shapleyWeights(playerCount);
    const values = new Float64Array(playerCount);
    const total = 2 ** playerCount;
    for (let mask = 0; mask < total; mask++) {
        const size = popcount(mask);
        if (size === playerCount) continue;
        const weight = weights[size] as number;
        const base = table[mask] as number;
        for (let i = 0; i < playerCount; i++) {
            const bit = 1 << i;
            if ((mask & bit) !== 0) continue;
            values[i] = (values[i] as number) + weight * ((table[mask | bit] as number) - base);
        }
    }
    return Array.from(values);
}

export function popcount(mask: number): number {
    let count = 0;
    for (let m = mask; m !== 0; m &= m - 1) count++;
    return count;
}

export async function exactShapley(game: Game, options: ExactShapleyOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("exact", n);
    const seed = validateSeed(options.seed);
    const maxPlayers = options.maxPlayers ?? exactShapleyDefaultMaxPlayers;
    if (n > maxPlayers) {
        throw new BudgetError(`exact Shapley enumerates 2^n coalitions and is capped at ${maxPlayers} players`, {
            expected: `≤ ${maxPlayers} players`,
            received: `${n} players (${exactShapleyEvaluations(n).toExponential(2)} coalitions)`,
            hint: "use the shapley or kernelshap method, or coarser units",
            parameter: "method",
        });
    }
    const planned = exactShapleyEvaluations(n);
    const budget = resolveBudget("exact", n, options.budget, planned, planned);
    const cache = new CoalitionCache(game);
    const coalitions = Array.from({length: planned}, (_, mask) => coalitionFromMask(n, mask));
    const outcomes = await cache.evaluate(coalitions);
    const series = attributeSeries(outcomes, (column) => shapleyFromTable(n, column));
    return assembleResult({
        method: "exact",
        game,
        cache,
        budget,
        seed,
        series,
        full: outcomes[planned - 1]!,
        empty: outcomes[0]!,
        diagnostics: {plannedEvaluations: planned},
    });
}
