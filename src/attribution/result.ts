/**
 * The shape every attribution method returns, and the options every method accepts. A method is
 * `(game, options) => Promise<AttributionResult>`: pure apart from the game's evaluations, and
 * deterministic for a given seed.
 */

import type {Game} from "./game.js";

export type AttributionMethodName = "loo" | "exact" | "shapley" | "kernelshap" | "kernelshap3" | "lime" | "surrogate" | "hierarchical";

export interface AttributionOptions {
    /**
     * Most distinct coalitions the method may evaluate, v(N) and v(∅) included. Every method
     * has a minimum (see `attributionMethods[name].minimumBudget(n)`) and a default.
     */
    budget?: number;
    /** Seed of the method's sampling (ignored by deterministic methods but still recorded). Default 0. */
    seed?: number;
}

/** One node of a hierarchical attribution (see hierarchical.ts). */
export interface HierarchyNodeAttribution {
    /** Path of child indices from the root; [] is the root, [2] the third top-level group. */
    path: number[];
    label?: string;
    depth: number;
    value: number;
    standardError: number;
    /** Players (base-game indices) under the node. */
    players: number[];
    /** Whether its children were attributed. */
    refined: boolean;
}

export interface AttributionDiagnostics {
    /** Sampling methods with a stopping rule: whether it was met before the budget ran out. */
    converged?: boolean;
    /** Permutation sampling: permutations used (antithetic pairs count as two). */
    permutations?: number;
    /** Calls made to the game's evaluate (batches). */
    batches?: number;
    /** KernelSHAP: how efficiency was imposed and the residual Σφ − (v(N) − v(∅)). */
    constraint?: "efficiency-exact";
    efficiencyGap?: number;
    /** KernelSHAP: how coalitions were chosen ("stratified" or "shap"). */
    design?: "stratified" | "shap";
    /** kernelshap3: interaction order of the surrogate (3, or 1 above its player cap), its features and ridge. */
    interactionOrder?: 1 | 3;
    interactionFeatures?: number;
    /** KernelSHAP: subset sizes enumerated completely (paired sizes s and n−s both listed). */
    enumeratedSizes?: number[];
    /** KernelSHAP / LIME / surrogate: rows in the regression. */
    regressionRows?: number;
    /** LIME: kernel width on the cosine distance; ridge penalty used. */
    kernelWidth?: number;
    ridge?: number;
    /** LIME / surrogate: intercept of the fitted linear model. */
    intercept?: number;
    /** Surrogate: LASSO penalty used, how it was chosen, non-zero weights, held-out fit. */
    alpha?: number;
    alphaChoice?: "fixed" | "cross-validation";
    nonZeroWeights?: number;
    trainingRows?: number;
    heldOutRows?: number;
    heldOutR2?: number;
    heldOutLds?: number;
    /** Surrogate: coordinate descent converged within its iteration cap. */
    solverConverged?: boolean;
    /** Exact: 2^n stated up front. */
    plannedEvaluations?: number;
    /** Hierarchical: every node attributed, breadth first. */
    hierarchy?: HierarchyNodeAttribution[];
}

export interface AttributionResult {
    method: AttributionMethodName;
    /** One value per player of the game. */
    values: number[];
    /** Per-player standard error of `values` (sampling methods that have one). */
    standardErrors?: number[];
    /** components × players, when every outcome carried `components`. */
    componentValues?: number[][];
    /** The budget the run was planned with. */
    budget: number;
    seed: number;
    /** Distinct coalitions evaluated. */
    evaluations: number;
    valueFull: number;
    valueEmpty: number;
    /** Components of v(N) and v(∅), when outcomes carry components. */
    componentsFull?: number[];
    componentsEmpty?: number[];
    diagnostics: AttributionDiagnostics;
}

export type AttributionMethod<Options extends AttributionOptions = AttributionOptions> = (game: Game, options?: Options) => Promise<AttributionResult>;
