/**
 * A ContextCite-style sparse linear surrogate (Cohen-Wang et al. 2024). Each ablation keeps
 * every player independently with probability ½; a LASSO on the standardised 0/1 masks (α = 0.01
 * as in ContextCite, or chosen by 5-fold cross-validation) predicts v from the mask, and its
 * coefficients (on the 0/1 scale) are the attributions. Under uniform masks the least-squares
 * coefficients are the Banzhaf values, which equal Shapley values for games with at most pairwise
 * interactions; the LASSO shrinks small ones to exactly 0.
 *
 * The budget counts distinct coalitions: v(N), v(∅) and B − 2 ablations drawn with replacement
 * (a repeated ablation is one evaluation but stays a row, since rows are draws from the mask
 * distribution). The last `heldOutFraction` of the ablations (default 20 %) is held out: the fit
 * uses the rest and reports held-out R² and LDS (Spearman of predicted vs actual values).
 * `valueScale` divides v before fitting and multiplies the weights back (ContextCite divides by
 * the number of target tokens, which makes α = 0.01 a per-token penalty).
 */

import {spearman} from "../foundation/correlation.js";
import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache} from "./coalitions.js";
import type {Coalition, Game} from "./game.js";
import {chooseLassoAlphaByCrossValidation, fitLasso, lassoPredict} from "./lasso.js";
import {assembleResult, componentColumns, withEndPoints} from "./method-support.js";
import {createRandom, randomBernoulliMask, validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";

export const surrogateDefaultAlpha = 0.01;

export interface SparseSurrogateOptions extends AttributionOptions {
    /** LASSO penalty, or "cv" for 5-fold cross-validation (default 0.01, ContextCite's). */
    alpha?: number | "cv";
    /** Share of ablations held out for R² and LDS (default 0.2; 0 disables). */
    heldOutFraction?: number;
    /** Divide values by this before fitting (default 1). */
    valueScale?: number;
}

export function surrogateMinimumBudget(playerCount: number): number {
    return Math.min(16, playerCount >= 31 ? 16 : 2 ** playerCount + 2);
}

export function surrogateDefaultBudget(playerCount: number): number {
    return Math.max(surrogateMinimumBudget(playerCount), 82);
}

function rSquared(predictions: readonly number[], actual: readonly number[]): number {
    const mean = actual.reduce((sum, value) => sum + value, 0) / actual.length;
    let residual = 0;
    let total = 0;
    actual.forEach((value, r) => {
        residual += (value - (predictions[r] as number)) ** 2;
        total += (value - mean) ** 2;
    });
    return total === 0 ? NaN : 1 - residual / total;
}

export async function sparseSurrogate(game: Game, options: SparseSurrogateOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("surrogate", n);
    const seed = validateSeed(options.seed);
    const budget = resolveBudget("surrogate", n, options.budget, surrogateMinimumBudget(n), surrogateDefaultBudget(n));
    const heldOutFraction = options.heldOutFraction ?? 0.2;
    if (!(heldOutFraction >= 0 && heldOutFraction < 1)) throw new RangeError(`heldOutFraction must be in [0, 1), got ${heldOutFraction}`);
    const scale = options.valueScale ?? 1;
    if (!(scale > 0)) throw new RangeError(`valueScale must be positive, got ${scale}`);
    const random = createRandom(seed);

    const ablations: Coalition[] = [];
    for (let r = 0; r < budget - 2; r++) ablations.push(randomBernoulliMask(n, 0.5, random));
    const cache = new CoalitionCache(game);
    const outcomes = await cache.evaluate(withEndPoints(n, ablations));
    const full = outcomes[0]!;
    const empty = outcomes[1]!;
    const rows = outcomes.slice(2);
    const heldOutCount = heldOutFraction === 0 ? 0 : Math.max(3, Math.round(heldOutFraction * ablations.length));
    const trainingCount = Math.max(1, ablations.length - heldOutCount);
    const trainingRows = ablations.slice(0, trainingCount);
    const heldOutRows = ablations.slice(trainingCount);

    const targets = [rows.map((outcome) => outcome.value / scale), ...(componentColumns(rows)?.map((column) => column.map((value) => value / scale)) ?? [])];
    const valueTraining = (targets[0] as number[]).slice(0, trainingCount);
    const alpha = options.alpha === "cv" ? chooseLassoAlphaByCrossValidation(trainingRows, valueTraining) : (options.alpha ?? surrogateDefaultAlpha);
    if (!(alpha >= 0)) throw new RangeError(`the LASSO alpha must be ≥ 0, got ${alpha}`);
    const fits = targets.map((target) => fitLasso(trainingRows, target.slice(0, trainingCount), alpha));
    const valueFit = fits[0]!;
    const values = valueFit.coefficients.map((weight) => weight * scale);
    const series = fits.length > 1 ? {values, componentValues: fits.slice(1).map((fit) => fit.coefficients.map((weight) => weight * scale))} : {values};

    const diagnostics: AttributionResult["diagnostics"] = {
        alpha,
        alphaChoice: options.alpha === "cv" ? "cross-validation" : "fixed",
        intercept: valueFit.intercept * scale,
        nonZeroWeights: valueFit.coefficients.filter((weight) => weight !== 0).length,
        trainingRows: trainingCount,
        heldOutRows: heldOutRows.length,
        solverConverged: fits.every((fit) => fit.converged),
        regressionRows: trainingCount,
    };
    if (heldOutRows.length > 0) {
        const predictions = lassoPredict(valueFit, heldOutRows);
        const actual = (targets[0] as number[]).slice(trainingCount);
        diagnostics.heldOutR2 = rSquared(predictions, actual);
        diagnostics.heldOutLds = spearman(predictions, actual);
    }
    return assembleResult({method: "surrogate", game, cache, budget, seed, series, full, empty, diagnostics});
}
