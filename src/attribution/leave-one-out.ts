/**
 * Leave-one-out (occlusion): φ_i = v(N) − v(N ∖ {i}). Deterministic; n + 2 evaluations in one
 * batch (v(∅) is evaluated too, so every result reports both end points).
 */

import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache, coalitionWithout} from "./coalitions.js";
import type {Game} from "./game.js";
import {assembleResult, attributeSeries, withEndPoints} from "./method-support.js";
import {validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";

export function leaveOneOutMinimumBudget(playerCount: number): number {
    return playerCount === 1 ? 2 : playerCount + 2;
}

export async function leaveOneOut(game: Game, options: AttributionOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("loo", n);
    const seed = validateSeed(options.seed);
    const minimum = leaveOneOutMinimumBudget(n);
    const budget = resolveBudget("loo", n, options.budget, minimum, minimum);
    const cache = new CoalitionCache(game);
    const coalitions = withEndPoints(
        n,
        Array.from({length: n}, (_, player) => coalitionWithout(n, [player])),
    );
    const outcomes = await cache.evaluate(coalitions);
    const series = attributeSeries(outcomes, (column) => {
        const full = column[0] as number;
        return Array.from({length: n}, (_, player) => full - (column[player + 2] as number));
    });
    return assembleResult({
        method: "loo",
        game,
        cache,
        budget,
        seed,
        series,
        full: outcomes[0]!,
        empty: outcomes[1]!,
    });
}
