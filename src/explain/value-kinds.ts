/**
 * The quantities a model game can attribute ("--value"), each one of the scoring game's reducers
 * (protocol/score-reducers.ts, where the formulas are written down):
 *
 * - logprob (default): v = Σ_t log p(y_t | kept, y_<t); components = the per-token terms.
 * - prob: v = p(target | kept); components = per-token p_t.
 * - logodds (ContextCite's logit-prob): v = log p − log(1 − p) of the target; components = per-token log-odds.
 * - contrastive: v = log p(target) − log p(foil); components = the target's per-token
 *   log-probabilities followed by the foil's negated ones.
 */
import type {GameOutcome} from "../attribution/game.js";
import {contrastiveReducer, logOddsReducer, logprobReducer, probabilityReducer, type ScoreReducer} from "../protocol/score-reducers.js";

export {log1mexp, logOdds} from "../protocol/score-reducers.js";

export const valueKinds = ["logprob", "prob", "logodds", "contrastive"] as const;
export type ValueKind = (typeof valueKinds)[number];

/** The scoring game's reducer for a value kind (targets: the target, then the foil for "contrastive"). */
export function valueReducer(kind: ValueKind): ScoreReducer {
    switch (kind) {
        case "logprob":
            return logprobReducer;
        case "prob":
            return probabilityReducer;
        case "logodds":
            return logOddsReducer;
        case "contrastive":
            return contrastiveReducer;
    }
}

export function outcomeFor(kind: ValueKind, target: readonly number[], foil?: readonly number[]): GameOutcome {
    return valueReducer(kind)(foil === undefined ? [target] : [target, foil]);
}

export function describeValueKind(kind: ValueKind): string {
    switch (kind) {
        case "logprob":
            return "log p(target | kept units)";
        case "prob":
            return "p(target | kept units)";
        case "logodds":
            return "log-odds of the target, log p − log(1 − p)";
        case "contrastive":
            return "log p(target) − log p(foil)";
    }
}
