/**
 * The quantities a model game can attribute, computed from teacher-forced per-token
 * log-probabilities of the target (and of the foil, for the contrastive game).
 *
 * - logprob (default): v = Σ_t log p(y_t | kept, y_<t); components = the per-token terms (they sum to v).
 * - prob: v = exp(Σ_t log p_t), the probability of the whole target; components = per-token p_t.
 * - logodds (ContextCite's logit-prob): per token ℓ_t = log p_t − log(1 − p_t) (= z_y − logsumexp_{v≠y} z_v);
 *   sequence log p = Σ_t log σ(ℓ_t) = Σ_t log p_t; v = log p − log(1 − p) of the sequence; components = ℓ_t.
 * - contrastive: v = log p(target) − log p(foil); components = the target's per-token log-probabilities
 *   followed by the foil's negated ones, so they too sum to v.
 *
 * 1 − p is floored at 1e-300 relative terms through log1mexp, so a probability of exactly 1 gives a
 * large finite log-odds rather than Infinity.
 */
import type {GameOutcome} from "../attribution/game.js";

export const valueKinds = ["logprob", "prob", "logodds", "contrastive"] as const;
export type ValueKind = (typeof valueKinds)[number];

/** log(1 − e^x) for x ≤ 0, accurate near 0 and clamped so that x = 0 stays finite. */
export function log1mexp(x: number): number {
    const safe = Math.min(x, -1e-300);
    return safe > -Math.LN2 ? Math.log(-Math.expm1(safe)) : Math.log1p(-Math.exp(safe));
}

/** Log-odds of a log-probability: lp − log(1 − e^lp). */
export function logOdds(logprob: number): number {
    return logprob - log1mexp(logprob);
}

export function outcomeFor(kind: ValueKind, target: readonly number[], foil?: readonly number[]): GameOutcome {
    const total = sum(target);
    switch (kind) {
        case "logprob":
            return {value: total, components: [...target]};
        case "prob":
            return {value: Math.exp(total), components: target.map((logprob) => Math.exp(logprob))};
        case "logodds":
            return {value: logOdds(total), components: target.map(logOdds)};
        case "contrastive": {
            if (foil === undefined) throw new Error("the contrastive value needs foil log-probabilities");
            return {value: total - sum(foil), components: [...target, ...foil.map((logprob) => -logprob)]};
        }
    }
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

function sum(values: readonly number[]): number {
    let total = 0;
    for (const value of values) total += value;
    return total;
}
