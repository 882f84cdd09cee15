/** Budget checks shared by the methods: a budget below a method's minimum is a BudgetError. */

import {BudgetError, InputError} from "../errors.js";
import type {AttributionMethodName} from "./result.js";

/**
 * Resolves the budget of a run: the caller's, or the method's default; throws when it is not
 * an integer or is below `minimum`.
 */
export function resolveBudget(method: AttributionMethodName, playerCount: number, budget: number | undefined, minimum: number, fallback: number): number {
    if (budget === undefined) return Math.max(minimum, fallback);
    if (!Number.isInteger(budget) || budget < 1) {
        throw new BudgetError(`the ${method} budget is not a positive whole number of evaluations`, {
            expected: `an integer ≥ ${minimum}`,
            received: String(budget),
            hint: `raise the budget to ${minimum} or more`,
            parameter: "budget",
        });
    }
    if (budget < minimum) {
        throw new BudgetError(`${method} needs at least ${minimum} evaluations for ${playerCount} players`, {
            expected: `a budget ≥ ${minimum}`,
            received: String(budget),
            hint: `raise the budget to at least ${minimum}`,
            parameter: "budget",
            fields: {method, playerCount, minimum, budget},
        });
    }
    return budget;
}

export function requirePlayers(method: AttributionMethodName, playerCount: number, minimumPlayers = 1): void {
    if (!Number.isInteger(playerCount) || playerCount < minimumPlayers) {
        throw new InputError(`${method} needs a game with at least ${minimumPlayers} player${minimumPlayers === 1 ? "" : "s"}`, {
            expected: `≥ ${minimumPlayers} players`,
            received: String(playerCount),
            hint: "check the units the input was split into",
            parameter: "unit",
        });
    }
}
