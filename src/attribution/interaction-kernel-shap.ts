/**
 * KernelSHAP with third-order interaction terms ("kernelshap3"). Paired KernelSHAP (see
 * kernel-design.ts) fits only the odd part of the game, o(S) = (v(S) − v(N∖S))/2, with a linear
 * model, which is exact up to pairwise interactions; what remains is odd interactions of order
 * 3, 5, … . Writing c_i = 2 z_i − 1 ∈ {−1, 1} and χ_T = Π_{i∈T} c_i, this method fits
 *   o(z) ≈ Σ_i a_i c_i + Σ_{|T| = 3} b_T χ_T
 * by kernel-weighted least squares on the same size-stratified pairs, with a ridge penalty on the
 * b_T only (a prior that third-order effects are small; default λ = 1 × the total kernel weight
 * of the rows) and Σφ = v(N) − v(∅) imposed exactly. The Shapley value of c_i is 2 for player i,
 * and that of χ_T (|T| odd) is 2/|T| for each member of T, so
 *   φ_i = 2 a_i + (2/3) Σ_{T ∋ i} b_T.
 *
 * This equals regression-adjusted KernelSHAP: the fitted surrogate's exact Shapley value plus
 * paired KernelSHAP applied to the residual, which is exactly zero here because the residual is
 * orthogonal to the unpenalized linear terms. Since KernelSHAP is exact at 2^n evaluations, so is
 * this method, for every value of the ridge; in between it is exact for all games whose odd part
 * has order ≤ 3 once the design determines the b_T.
 *
 * C(n, 3) features: above `maxPlayers` (default 16, 560 triples) the third-order terms are
 * dropped and the method is paired KernelSHAP (`diagnostics.interactionOrder` = 1).
 */

import {resolveBudget, requirePlayers} from "./budget.js";
import {CoalitionCache} from "./coalitions.js";
import type {Coalition, Game} from "./game.js";
import {stratifiedPairedDesign} from "./kernel-design.js";
import {constrainedSolve} from "./kernel-shap.js";
import {forEachCombination, solveSymmetric, weightedNormalEquations} from "./linear-algebra.js";
import {assembleResult, componentColumns, withEndPoints} from "./method-support.js";
import {createRandom, validateSeed} from "./random.js";
import type {AttributionOptions, AttributionResult} from "./result.js";
import {ArgumentError} from "../errors.js";

export interface InteractionKernelShapOptions extends AttributionOptions {
    /**
     * Ridge on the third-order coefficients, relative to the total kernel weight of the rows
     * (default 1; 0 = plain least squares, which needs enough pairs to determine every b_T).
     */
    ridge?: number;
    /** Most players for third-order terms (default 16); above it the method is paired KernelSHAP. */
    maxPlayers?: number;
}

export const interactionKernelShapDefaultRidge = 1;
export const interactionKernelShapDefaultMaxPlayers = 16;

/** n − 1 complement pairs besides v(N) and v(∅): enough rows for the linear terms. */
export function interactionKernelShapMinimumBudget(playerCount: number): number {
    return playerCount <= 1 ? 2 : 2 * playerCount;
}

export function interactionKernelShapDefaultBudget(playerCount: number): number {
    return Math.max(interactionKernelShapMinimumBudget(playerCount), Math.min(2 ** Math.min(playerCount, 30), 8 * (playerCount + 1)));
}

interface Series {
    rows: readonly number[];
    empty: number;
    full: number;
}

/**
 * Solves the ridge-penalized, efficiency-constrained fit on the pairs for every series. The
 * coalitions come as complement pairs (2r, 2r + 1); row r uses c = 2z − 1 of coalition 2r.
 */
export function solveThirdOrder(coalitions: readonly Coalition[], weights: readonly number[], series: readonly Series[], n: number, ridge: number): number[][] {
    const triples: number[][] = [];
    forEachCombination(n, 3, (indices) => triples.push([...indices]));
    const last = n - 1;
    const columns = last + triples.length;
    const design: Float64Array[] = [];
    const rowWeights: number[] = [];
    const targets = series.map(() => [] as number[]);
    for (let pair = 0; 2 * pair + 1 < coalitions.length; pair++) {
        const coalition = coalitions[2 * pair] as Coalition;
        const signs = Array.from(coalition, (kept) => 2 * kept - 1);
        const lastSign = signs[last] as number;
        const row = new Float64Array(columns);
        for (let i = 0; i < last; i++) row[i] = (signs[i] as number) - lastSign;
        triples.forEach(([i, j, k], t) => {
            row[last + t] = (signs[i as number] as number) * (signs[j as number] as number) * (signs[k as number] as number) - lastSign;
        });
        design.push(row);
        rowWeights.push(weights[2 * pair] as number);
        series.forEach((target, s) => {
            const odd = ((target.rows[2 * pair] as number) - (target.rows[2 * pair + 1] as number)) / 2;
            (targets[s] as number[]).push(odd - (lastSign * (target.full - target.empty)) / 2);
        });
    }
    const {gram, moments} = weightedNormalEquations(design, rowWeights, targets, columns);
    const totalWeight = rowWeights.reduce((sum, weight) => sum + weight, 0);
    for (let t = last; t < columns; t++) (gram[t] as Float64Array)[t] = ((gram[t] as Float64Array)[t] as number) + ridge * totalWeight;
    const {solutions} = solveSymmetric(gram, moments);
    return solutions.map((solution, s) => {
        const target = series[s] as Series;
        const linear = Array.from(solution.subarray(0, last));
        const cubic = solution.subarray(last);
        let rest = 0;
        for (const value of solution) rest += value;
        linear.push((target.full - target.empty) / 2 - rest);
        const values = linear.map((value) => 2 * value);
        triples.forEach((triple, t) => {
            for (const player of triple) values[player] = (values[player] as number) + (2 / 3) * (cubic[t] as number);
        });
        return values;
    });
}

export async function interactionKernelShap(game: Game, options: InteractionKernelShapOptions = {}): Promise<AttributionResult> {
    const n = game.playerCount;
    requirePlayers("kernelshap3", n);
    const seed = validateSeed(options.seed);
    const budget = resolveBudget("kernelshap3", n, options.budget, interactionKernelShapMinimumBudget(n), interactionKernelShapDefaultBudget(n));
    const ridge = options.ridge ?? interactionKernelShapDefaultRidge;
    if (!(Number.isFinite(ridge) && ridge >= 0)) {
        throw new ArgumentError("the kernelshap3 ridge is not a non-negative number", {expected: "a finite number ≥ 0", received: String(ridge)});
    }
    const maxPlayers = options.maxPlayers ?? interactionKernelShapDefaultMaxPlayers;
    const random = createRandom(seed);
    const properSubsets = n >= 31 ? Infinity : 2 ** n - 2;
    const design = stratifiedPairedDesign(n, Math.min(budget - 2, properSubsets), random);
    const cache = new CoalitionCache(game);
    const outcomes = await cache.evaluate(withEndPoints(n, design.coalitions));
    const full = outcomes[0]!;
    const empty = outcomes[1]!;
    const rows = outcomes.slice(2);
    const columns: Series[] = [{rows: rows.map((outcome) => outcome.value), empty: empty.value, full: full.value}];
    const components = componentColumns(outcomes);
    if (components !== undefined) {
        for (const column of components) columns.push({rows: column.slice(2), empty: column[1] as number, full: column[0] as number});
    }
    const order = n >= 3 && n <= maxPlayers ? 3 : 1;
    const solved =
        order === 3 ? solveThirdOrder(design.coalitions, design.weights, columns, n, ridge) : constrainedSolve(design.coalitions, design.weights, columns, n);
    const values = solved[0] as number[];
    const series = components === undefined ? {values} : {values, componentValues: solved.slice(1)};
    const efficiencyGap = values.reduce((sum, value) => sum + value, 0) - (full.value - empty.value);
    return assembleResult({
        method: "kernelshap3",
        game,
        cache,
        budget,
        seed,
        series,
        full,
        empty,
        diagnostics: {
            constraint: "efficiency-exact",
            efficiencyGap,
            design: "stratified",
            interactionOrder: order,
            interactionFeatures: order === 3 ? (n * (n - 1) * (n - 2)) / 6 : 0,
            ...(order === 3 ? {ridge} : {}),
            enumeratedSizes: design.enumeratedSizes,
            regressionRows: design.coalitions.length / 2,
        },
    });
}
