/**
 * Games whose Shapley values are known in closed form, for tests, benchmarks and docs. Each
 * constructor returns an {@link AnalyticGame}: a {@link Game} plus its Shapley values.
 */

import type {Coalition, Game, GameOutcome} from "./game.js";

export interface AnalyticGame extends Game {
    readonly name: string;
    /** Closed-form Shapley values. */
    readonly shapleyValues: readonly number[];
    /** v(S) for one coalition (synchronous). */
    valueOf(coalition: Coalition): number;
}

export interface Interaction {
    players: readonly number[];
    weight: number;
}

function makeGame(name: string, playerCount: number, shapleyValues: number[], valueOf: (coalition: Coalition) => number): AnalyticGame {
    return {
        name,
        playerCount,
        shapleyValues,
        valueOf,
        evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> => coalitions.map((coalition) => ({value: valueOf(coalition)})),
    };
}

function allPresent(coalition: Coalition, players: readonly number[]): boolean {
    return players.every((player) => coalition[player] === 1);
}

/** v(S) = base + Σ_{i∈S} w_i; φ_i = w_i. */
export function additiveGame(weights: readonly number[], base = 0): AnalyticGame {
    return makeGame("additive", weights.length, [...weights], (coalition) => {
        let value = base;
        weights.forEach((weight, player) => {
            if (coalition[player] === 1) value += weight;
        });
        return value;
    });
}

/**
 * v(S) = Σ_{i∈S} w_i + Σ_{pairs {i,j} ⊆ S} w_ij; φ_i = w_i + ½ Σ_j w_ij (each pair's surplus is
 * split equally between its two members).
 */
export function pairwiseInteractionGame(weights: readonly number[], pairs: readonly Interaction[]): AnalyticGame {
    for (const pair of pairs) if (pair.players.length !== 2) throw new RangeError("pairwiseInteractionGame takes pairs of two players");
    const shapley = [...weights];
    for (const pair of pairs) for (const player of pair.players) shapley[player] = (shapley[player] as number) + pair.weight / 2;
    return makeGame("pairwise-interactions", weights.length, shapley, (coalition) => {
        let value = 0;
        weights.forEach((weight, player) => {
            if (coalition[player] === 1) value += weight;
        });
        for (const pair of pairs) if (allPresent(coalition, pair.players)) value += pair.weight;
        return value;
    });
}

/**
 * A sum of unanimity games: v(S) = Σ_T d_T · [T ⊆ S]. The Harsanyi dividend d_T is split equally
 * among T's members: φ_i = Σ_{T ∋ i} d_T / |T|. Any game can be written this way.
 */
export function harsanyiGame(playerCount: number, dividends: readonly Interaction[]): AnalyticGame {
    const shapley = new Array<number>(playerCount).fill(0);
    for (const dividend of dividends) {
        if (dividend.players.length === 0) throw new RangeError("a Harsanyi dividend needs at least one player");
        for (const player of dividend.players) shapley[player] = (shapley[player] as number) + dividend.weight / dividend.players.length;
    }
    return makeGame("harsanyi", playerCount, shapley, (coalition) => {
        let value = 0;
        for (const dividend of dividends) if (allPresent(coalition, dividend.players)) value += dividend.weight;
        return value;
    });
}

/** v(S) = 1 when every player is present (the unanimity game of N); φ_i = 1/n. */
export function andGame(playerCount: number): AnalyticGame {
    return makeGame("and", playerCount, new Array<number>(playerCount).fill(1 / playerCount), (coalition) => (coalition.every((kept) => kept === 1) ? 1 : 0));
}

/** v(S) = 1 when any player is present; φ_i = 1/n by symmetry and efficiency. */
export function orGame(playerCount: number): AnalyticGame {
    return makeGame("or", playerCount, new Array<number>(playerCount).fill(1 / playerCount), (coalition) => (coalition.some((kept) => kept === 1) ? 1 : 0));
}

/** v(S) = 1 when |S| > n/2; φ_i = 1/n by symmetry and efficiency. */
export function majorityGame(playerCount: number): AnalyticGame {
    return makeGame("majority", playerCount, new Array<number>(playerCount).fill(1 / playerCount), (coalition) => {
        let size = 0;
        for (const kept of coalition) size += kept;
        return size > playerCount / 2 ? 1 : 0;
    });
}

/**
 * A weighted voting game: v(S) = 1 when the weights in S reach the quota. Its Shapley values are
 * the Shapley–Shubik power indices, which the caller supplies (closed forms exist only for
 * particular games; see the two below).
 */
export function weightedVotingGame(name: string, weights: readonly number[], quota: number, shapleyShubik: readonly number[]): AnalyticGame {
    return makeGame(name, weights.length, [...shapleyShubik], (coalition) => {
        let total = 0;
        weights.forEach((weight, player) => {
            if (coalition[player] === 1) total += weight;
        });
        return total >= quota ? 1 : 0;
    });
}

/**
 * The UN Security Council (Shapley & Shubik 1954, post-1965 rules): 5 permanent members with a
 * veto and 10 elected members; a resolution needs 9 votes including all 5 permanent ones
 * (weights 7 and 1, quota 39). An elected member is pivotal only when it arrives after all 5
 * permanent members and exactly 3 of the other 9 elected ones: C(9,3)·8!·6!/15! = 4/2145. The 5
 * permanent members share the rest: (1 − 40/2145)/5 = 421/2145 ≈ 0.19627.
 */
export function securityCouncilGame(): AnalyticGame {
    const weights = [...new Array<number>(5).fill(7), ...new Array<number>(10).fill(1)];
    const indices = [...new Array<number>(5).fill(421 / 2145), ...new Array<number>(10).fill(4 / 2145)];
    return weightedVotingGame("un-security-council", weights, 39, indices);
}

/**
 * A three-party parliament with seats 50, 49 and 1 and a majority of 51. Of the 6 orders, party A
 * is pivotal in 4 and B and C in one each: indices 2/3, 1/6, 1/6 — C has as much power as B.
 */
export function smallParliamentGame(): AnalyticGame {
    return weightedVotingGame("small-parliament", [50, 49, 1], 51, [2 / 3, 1 / 6, 1 / 6]);
}

/**
 * Combines games over the same players into one whose value is their sum and whose components
 * are their values; φ of the sum is the sum of φ (linearity).
 */
export function componentSumGame(games: readonly AnalyticGame[]): AnalyticGame {
    const playerCount = games[0]?.playerCount ?? 0;
    if (games.some((game) => game.playerCount !== playerCount)) throw new RangeError("componentSumGame needs games over the same players");
    const shapley = new Array<number>(playerCount).fill(0).map((_, player) => games.reduce((sum, game) => sum + (game.shapleyValues[player] as number), 0));
    const valueOf = (coalition: Coalition): number => games.reduce((sum, game) => sum + game.valueOf(coalition), 0);
    return {
        name: "component-sum",
        playerCount,
        shapleyValues: shapley,
        componentLabels: games.map((game) => game.name),
        valueOf,
        evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> =>
            coalitions.map((coalition) => {
                const components = games.map((game) => game.valueOf(coalition));
                return {value: components.reduce((sum, part) => sum + part, 0), components};
            }),
    };
}

/** Counts the coalitions a game is asked for, and the batches (to test batching and dedupe). */
export interface CountingGame extends Game {
    readonly requested: number;
    readonly batchSizes: readonly number[];
}

export function countingGame(inner: Game): CountingGame {
    const batchSizes: number[] = [];
    let requested = 0;
    return {
        playerCount: inner.playerCount,
        ...(inner.componentLabels === undefined ? {} : {componentLabels: inner.componentLabels}),
        get requested() {
            return requested;
        },
        batchSizes,
        evaluate: async (coalitions) => {
            requested += coalitions.length;
            batchSizes.push(coalitions.length);
            return inner.evaluate(coalitions);
        },
    };
}
