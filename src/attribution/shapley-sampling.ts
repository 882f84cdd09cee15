/**
 * Shapley values by permutation sampling (Castro et al. 2009) with antithetic pairs: every random
 * order is followed by its reverse, and the mean of the two is one draw. Each permutation costs
 * at most n − 1 new coalitions (v(∅) and v(N) are shared), so a budget B buys about
 * (B − 2)/(n − 1) permutations; coalitions seen before are free and make room for more.
 * Efficiency holds exactly for every permutation, hence for the estimate.
 *
 * All permutations' coalitions go to the game in one batch, unless `targetStandardError` asks for
 * rounds: then each round is one batch and sampling stops once every player's standard error
 * is at most the target (`diagnostics.converged`).
 */

import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache, coalitionKey, emptyCoalition} from "./coalitions.js";
import type {Coalition, Game, GameOutcome} from "./game.js";
import {assembleResult, componentColumns, withEndPoints} from "./method-support.js";
import {drawSamplePairs, pairedMeanAndError, sampleMarginals, type UnitSample} from "./permutation-engine.js";
import {createRandom, validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";

export interface ShapleySamplingOptions extends AttributionOptions {
    /** Stop early once every standard error is ≤ this (in value units); sampling then runs in rounds. */
    targetStandardError?: number;
    /** Rounds when `targetStandardError` is set (default 4): each gets an equal share of the budget. */
    rounds?: number;
}

/** Two antithetic pairs: the least that gives a standard error. */
export function shapleySamplingMinimumBudget(playerCount: number): number {
    return playerCount <= 1 ? 2 : 2 + 4 * (playerCount - 1);
}

export function shapleySamplingDefaultBudget(playerCount: number): number {
    return Math.max(shapleySamplingMinimumBudget(playerCount), Math.min(2 ** Math.min(playerCount, 30), 8 * (playerCount + 1)));
}

export async function shapleySampling(game: Game, options: ShapleySamplingOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("shapley", n);
    const seed = validateSeed(options.seed);
    const budget = resolveBudget("shapley", n, options.budget, shapleySamplingMinimumBudget(n), shapleySamplingDefaultBudget(n));
    const random = createRandom(seed);
    const cache = new CoalitionCache(game);
    const units = Array.from({length: n}, (_, player) => [player]);
    const known = new Set<string>();
    const endPoints = withEndPoints(n, []);
    for (const coalition of endPoints) known.add(coalitionKey(coalition));
    const rounds = options.targetStandardError === undefined ? 1 : Math.max(1, Math.floor(options.rounds ?? 4));
    // A pair draws at most 2(n − 1) new coalitions; this caps the loop when almost nothing is new.
    const maxPairsTotal = Math.max(2, budget);

    const samples: UnitSample[] = [];
    const chainOutcomes: GameOutcome[][] = [];
    let converged: boolean | undefined;
    let full: GameOutcome | undefined;
    let empty: GameOutcome | undefined;
    for (let round = 0; round < rounds; round++) {
        const spent = known.size;
        const remaining = budget - spent;
        const share = round === rounds - 1 ? remaining : Math.floor((budget - 2) / rounds);
        const drawn = drawSamplePairs(units, () => emptyCoalition(n), random, known, Math.min(share, remaining), maxPairsTotal - samples.length / 2);
        if (drawn.samples.length === 0 && round > 0) break;
        const flat: Coalition[] = round === 0 ? [...endPoints] : [];
        for (const chain of drawn.chains) flat.push(...chain);
        const outcomes = await cache.evaluate(flat);
        let offset = 0;
        if (round === 0) {
            full = outcomes[0];
            empty = outcomes[1];
            offset = 2;
        }
        for (const chain of drawn.chains) {
            chainOutcomes.push(outcomes.slice(offset, offset + chain.length));
            offset += chain.length;
        }
        samples.push(...drawn.samples);
        if (options.targetStandardError !== undefined) {
            const {standardError} = pairedMeanAndError(
                sampleMarginals(samples, chainOutcomes, n, (outcome) => outcome.value),
                n,
            );
            converged = standardError.every((error) => error <= (options.targetStandardError as number));
            if (converged) break;
        }
    }

    const scalar = pairedMeanAndError(
        sampleMarginals(samples, chainOutcomes, n, (outcome) => outcome.value),
        n,
    );
    const allOutcomes = [full as GameOutcome, empty as GameOutcome, ...chainOutcomes.flat()];
    const componentCount = componentColumns(allOutcomes)?.length;
    const series =
        componentCount === undefined
            ? {values: scalar.mean}
            : {
                  values: scalar.mean,
                  componentValues: Array.from(
                      {length: componentCount},
                      (_, c) =>
                          pairedMeanAndError(
                              sampleMarginals(samples, chainOutcomes, n, (outcome) => (outcome.components as number[])[c] as number),
                              n,
                          ).mean,
                  ),
              };
    const diagnostics = converged === undefined ? {permutations: samples.length} : {permutations: samples.length, converged};
    return assembleResult({
        method: "shapley",
        game,
        cache,
        budget,
        seed,
        series,
        full: full as GameOutcome,
        empty: empty as GameOutcome,
        standardErrors: scalar.standardError,
        diagnostics,
    });
}
