/**
 * LIME (Ribeiro et al. 2016) over coalitions. Samples follow LIME's text explainer: the number
 * of players to remove is uniform on 1..n−1, then which ones uniformly; v(N) and v(∅) join the
 * sample. A coalition z is weighted by an exponential kernel on its cosine distance to N,
 *   d(z) = 1 − cos(z, 1) = 1 − √(|z|/n),   π(z) = exp(−d(z)² / (2σ²)),  σ = 0.25 by default,
 * which is LIME's text default (width 25 on 100·d, with the weight square-rooted). A weighted
 * ridge regression with an unpenalised intercept gives the attributions; its penalty is
 * λ = ridge · Σπ (default ridge 1e-3, a light touch that keeps the fit defined when n is large).
 * LIME estimates a local linear model, not Shapley values: they agree on additive games.
 */

import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache, coalitionKey, coalitionSize} from "./coalitions.js";
import type {Coalition, Game} from "./game.js";
import {solveSymmetric, weightedNormalEquations} from "./linear-algebra.js";
import {assembleResult, componentColumns, withEndPoints} from "./method-support.js";
import {createRandom, randomSubsetOfSize, validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";

export const limeDefaultKernelWidth = 0.25;
export const limeDefaultRidge = 1e-3;

export interface LimeOptions extends AttributionOptions {
    /** σ of the exponential kernel on cosine distance (default 0.25). */
    kernelWidth?: number;
    /** Ridge penalty per unit of total kernel weight (default 1e-3). */
    ridge?: number;
}

export function limeMinimumBudget(playerCount: number): number {
    return playerCount <= 1 ? 2 : playerCount + 2;
}

export function limeDefaultBudget(playerCount: number): number {
    return Math.max(limeMinimumBudget(playerCount), Math.min(2 ** Math.min(playerCount, 30), 8 * (playerCount + 1)));
}

export function limeKernel(keptCount: number, playerCount: number, width: number): number {
    const distance = 1 - Math.sqrt(keptCount / playerCount);
    return Math.exp(-(distance * distance) / (2 * width * width));
}

/**
 * Weighted ridge with an intercept: centre X and each y by their weighted means, solve
 * (XᵀWX + λI)β = XᵀWy, intercept = ȳ − x̄ᵀβ. Returns β and the intercept per target.
 */
export function weightedRidge(
    coalitions: readonly Coalition[],
    weights: readonly number[],
    targets: readonly (readonly number[])[],
    ridge: number,
): {coefficients: number[][]; intercepts: number[]} {
    const n = coalitions[0]?.length ?? 0;
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    const featureMeans = new Float64Array(n);
    coalitions.forEach((coalition, r) => {
        for (let j = 0; j < n; j++) featureMeans[j] = (featureMeans[j] as number) + (weights[r] as number) * (coalition[j] as number);
    });
    for (let j = 0; j < n; j++) featureMeans[j] = (featureMeans[j] as number) / totalWeight;
    const targetMeans = targets.map((target) => target.reduce((sum, value, r) => sum + (weights[r] as number) * value, 0) / totalWeight);
    const design = coalitions.map((coalition) => {
        const row = new Float64Array(n);
        for (let j = 0; j < n; j++) row[j] = (coalition[j] as number) - (featureMeans[j] as number);
        return row;
    });
    const centred = targets.map((target, t) => target.map((value) => value - (targetMeans[t] as number)));
    const {gram, moments} = weightedNormalEquations(design, weights, centred, n);
    const {solutions} = solveSymmetric(gram, moments, ridge);
    const coefficients = solutions.map((solution) => Array.from(solution));
    const intercepts = coefficients.map((beta, t) => (targetMeans[t] as number) - beta.reduce((sum, value, j) => sum + value * (featureMeans[j] as number), 0));
    return {coefficients, intercepts};
}

export async function lime(game: Game, options: LimeOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("lime", n);
    const seed = validateSeed(options.seed);
    const budget = resolveBudget("lime", n, options.budget, limeMinimumBudget(n), limeDefaultBudget(n));
    const width = options.kernelWidth ?? limeDefaultKernelWidth;
    if (!(width > 0)) throw new RangeError(`the LIME kernel width must be positive, got ${width}`);
    const ridgePerWeight = options.ridge ?? limeDefaultRidge;
    const random = createRandom(seed);

    const coalitions = withEndPoints(n, []);
    const seen = new Set(coalitions.map(coalitionKey));
    const capacity = n >= 31 ? Infinity : 2 ** n;
    const target = Math.min(budget, capacity);
    let attempts = 8 * budget + 64;
    while (coalitions.length < target && attempts-- > 0 && n > 1) {
        const removed = 1 + random.integer(n - 1);
        const coalition = randomSubsetOfSize(n, n - removed, random);
        const key = coalitionKey(coalition);
        if (seen.has(key)) continue;
        seen.add(key);
        coalitions.push(coalition);
    }
    const cache = new CoalitionCache(game);
    const outcomes = await cache.evaluate(coalitions);
    const full = outcomes[0]!;
    const empty = outcomes[1]!;
    const weights = coalitions.map((coalition) => limeKernel(coalitionSize(coalition), n, width));
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    const ridge = ridgePerWeight * totalWeight;
    const targets = [outcomes.map((outcome) => outcome.value), ...(componentColumns(outcomes) ?? [])];
    const fit = weightedRidge(coalitions, weights, targets, ridge);
    const values = fit.coefficients[0] as number[];
    const series = targets.length > 1 ? {values, componentValues: fit.coefficients.slice(1)} : {values};
    return assembleResult({
        method: "lime",
        game,
        cache,
        budget,
        seed,
        series,
        full,
        empty,
        diagnostics: {kernelWidth: width, ridge, intercept: fit.intercepts[0] as number, regressionRows: coalitions.length},
    });
}
