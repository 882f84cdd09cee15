/**
 * Attribution methods by name, with each method's minimum and default budget as a function of
 * the number of players. The CLI and `explain()` pick methods from here.
 */

import type {Game} from "./game.js";
import {exactShapley, exactShapleyEvaluations} from "./exact-shapley.js";
import {leaveOneOut, leaveOneOutMinimumBudget} from "./leave-one-out.js";
import type {AttributionMethodName, AttributionOptions, AttributionResult} from "./result.js";
import {shapleySampling, shapleySamplingDefaultBudget, shapleySamplingMinimumBudget} from "./shapley-sampling.js";

export interface AttributionMethodEntry {
    name: AttributionMethodName;
    /** One line for help texts. */
    summary: string;
    /** Whether the result depends on the seed. */
    sampled: boolean;
    /** Whether it estimates Shapley values (exact, shapley, kernelshap, hierarchical). */
    estimatesShapley: boolean;
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
};

export function attributionMethodNames(): AttributionMethodName[] {
    return Object.keys(attributionMethods) as AttributionMethodName[];
}
