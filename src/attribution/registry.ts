/**
 * Attribution methods by name, with each method's minimum and default budget as a function of
 * the number of players. The CLI and `explain()` pick methods from here.
 */

import type {Game} from "./game.js";
import {exactShapley, exactShapleyEvaluations} from "./exact-shapley.js";
import {leaveOneOut, leaveOneOutMinimumBudget} from "./leave-one-out.js";
import type {AttributionMethodName, AttributionOptions, AttributionResult} from "./result.js";
import {shapleySampling, shapleySamplingDefaultBudget, shapleySamplingMinimumBudget} from "./shapley-sampling.js";
import {kernelShap, kernelShapDefaultBudget, kernelShapMinimumBudget, type KernelShapOptions} from "./kernel-shap.js";
import {interactionKernelShap, interactionKernelShapDefaultBudget, interactionKernelShapMinimumBudget} from "./interaction-kernel-shap.js";
import {lime, limeDefaultBudget, limeMinimumBudget} from "./lime.js";
import {sparseSurrogate, surrogateDefaultBudget, surrogateMinimumBudget} from "./sparse-surrogate.js";
import {contiguousTree, hierarchical, hierarchicalMinimumBudget, type HierarchicalOptions} from "./hierarchical.js";

export interface AttributionMethodEntry {
    name: AttributionMethodName;
    /** One line for help texts. */
    summary: string;
    /** Whether the result depends on the seed. */
    sampled: boolean;
    /** Whether it estimates Shapley values (exact, shapley, kernelshap, kernelshap3, hierarchical). */
    estimatesShapley: boolean;
    /** Least budget for n players (hierarchical: with the default tree; a given tree needs 2 + 4(groups − 1)). */
    minimumBudget(playerCount: number): number;
    defaultBudget(playerCount: number): number;
    /** Options are the method's own; unknown fields are ignored. */
    run(game: Game, options?: AttributionOptions & Record<string, unknown>): Promise<AttributionResult>;
}

export const attributionMethods: Record<string, AttributionMethodEntry> = {
    loo: {
        name: "loo",
        summary: "leave-one-out occlusion: v(N) − v(N∖i); n + 2 evaluations",
        sampled: false,
        estimatesShapley: false,
        minimumBudget: leaveOneOutMinimumBudget,
        defaultBudget: leaveOneOutMinimumBudget,
        run: (game, options) => leaveOneOut(game, options),
    },
    exact: {
        name: "exact",
        summary: "exact Shapley values by enumerating all 2^n coalitions (n ≤ 20)",
        sampled: false,
        estimatesShapley: true,
        minimumBudget: exactShapleyEvaluations,
        defaultBudget: exactShapleyEvaluations,
        run: (game, options) => exactShapley(game, options),
    },
    shapley: {
        name: "shapley",
        summary: "Shapley sampling over antithetic permutation pairs, with standard errors",
        sampled: true,
        estimatesShapley: true,
        minimumBudget: shapleySamplingMinimumBudget,
        defaultBudget: shapleySamplingDefaultBudget,
        run: (game, options) => shapleySampling(game, options),
    },
    kernelshap: {
        name: "kernelshap",
        summary: "KernelSHAP: Shapley-kernel weighted regression on size-stratified complement pairs, exact efficiency",
        sampled: true,
        estimatesShapley: true,
        minimumBudget: kernelShapMinimumBudget,
        defaultBudget: kernelShapDefaultBudget,
        run: (game, options) => kernelShap(game, options as KernelShapOptions),
    },
    kernelshap3: {
        name: "kernelshap3",
        summary: "KernelSHAP with third-order interaction terms (ridge) on the same pairs; most accurate at small budgets",
        sampled: true,
        estimatesShapley: true,
        minimumBudget: interactionKernelShapMinimumBudget,
        defaultBudget: interactionKernelShapDefaultBudget,
        run: (game, options) => interactionKernelShap(game, options),
    },
    lime: {
        name: "lime",
        summary: "LIME: kernel-weighted ridge regression on random removals (a local linear model)",
        sampled: true,
        estimatesShapley: false,
        minimumBudget: limeMinimumBudget,
        defaultBudget: limeDefaultBudget,
        run: (game, options) => lime(game, options),
    },
    surrogate: {
        name: "surrogate",
        summary: "ContextCite-style sparse linear surrogate: LASSO on random half-ablations, held-out R² and LDS",
        sampled: true,
        estimatesShapley: false,
        minimumBudget: surrogateMinimumBudget,
        defaultBudget: surrogateDefaultBudget,
        run: (game, options) => sparseSurrogate(game, options),
    },
    hierarchical: {
        name: "hierarchical",
        summary: "hierarchical Shapley: top-level groups first, then only significant groups are refined",
        sampled: true,
        estimatesShapley: true,
        minimumBudget: (playerCount) => hierarchicalMinimumBudget(contiguousTree(playerCount).children.length),
        defaultBudget: (playerCount) => Math.max(hierarchicalMinimumBudget(contiguousTree(playerCount).children.length), 8 * (playerCount + 1)),
        run: (game, options) => hierarchical(game, options as HierarchicalOptions),
    },
};

export function attributionMethodNames(): AttributionMethodName[] {
    return Object.keys(attributionMethods) as AttributionMethodName[];
}

/** The default method policy, in words: the same text in every help message that offers it. */
export const defaultMethodPolicy = "exact up to 10 units, kernelshap3 up to 16, kernelshap beyond";

/**
 * The method used when a caller names none (explain, the self-explanation check, step
 * attribution): the one with the lowest error per evaluation on the recorded games (BENCHMARKS.md).
 */
export function defaultMethodFor(playerCount: number): AttributionMethodName {
    if (playerCount <= 10) return "exact";
    return playerCount <= 16 ? "kernelshap3" : "kernelshap";
}
