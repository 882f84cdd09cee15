/**
 * Reducers: how a scoring game turns the scores of its targets after one coalition's prompt into
 * the value v(S) and its components. A reducer is a plain function of the per-token
 * log-probabilities of each target, in the order the game lists its targets.
 *
 * - {@link logprobReducer}: v = Σ_t log p(y_t | kept, y_<t); components = the per-token terms (they sum to v).
 * - {@link probabilityReducer}: v = exp(Σ_t log p_t), the probability of the whole target; components = per-token p_t.
 * - {@link logOddsReducer} (ContextCite's logit-prob): per token ℓ_t = log p_t − log(1 − p_t);
 *   v = log p − log(1 − p) of the whole target; components = ℓ_t.
 * - {@link contrastiveReducer}: v = log p(target) − log p(foil) (targets 0 and 1); components = the
 *   target's per-token log-probabilities followed by the foil's negated ones, so they sum to v.
 * - {@link optionProbabilityReducer}: the targets are answer options; v = the probability of option
 *   `index` normalised over the options; components = every option's normalised probability.
 * - {@link answerProbabilityReducer}: v = p of a free answer (target 0); components = [p, 1 − p].
 *
 * 1 − p is computed through log1mexp and clamped, so a probability of exactly 1 gives a large
 * finite log-odds rather than Infinity.
 */
import type {GameOutcome} from "../attribution/game.js";
import {normalizeOptionLogprobs, sumLogprobs} from "./option-scoring.js";

/** v(S) and its components from the per-token log-probabilities of each target after S's prompt. */
export type ScoreReducer = (scores: readonly (readonly number[])[]) => GameOutcome;

/** log(1 − e^x) for x ≤ 0, accurate near 0 and clamped so that x = 0 stays finite. */
export function log1mexp(x: number): number {
    const safe = Math.min(x, -1e-300);
    return safe > -Math.LN2 ? Math.log(-Math.expm1(safe)) : Math.log1p(-Math.exp(safe));
}

/** Log-odds of a log-probability: lp − log(1 − e^lp). */
export function logOdds(logprob: number): number {
    return logprob - log1mexp(logprob);
}

function target(scores: readonly (readonly number[])[], index: number, what: string): readonly number[] {
    const found = scores[index];
    if (found === undefined) throw new Error(`the ${what} reducer needs the scores of target ${index}; it received ${scores.length} targets`);
    return found;
}

export const logprobReducer: ScoreReducer = (scores) => {
    const tokens = target(scores, 0, "log-probability");
    return {value: sumLogprobs(tokens), components: [...tokens]};
};

export const probabilityReducer: ScoreReducer = (scores) => {
    const tokens = target(scores, 0, "probability");
    return {value: Math.exp(sumLogprobs(tokens)), components: tokens.map((logprob) => Math.exp(logprob))};
};

export const logOddsReducer: ScoreReducer = (scores) => {
    const tokens = target(scores, 0, "log-odds");
    return {value: logOdds(sumLogprobs(tokens)), components: tokens.map(logOdds)};
};

export const contrastiveReducer: ScoreReducer = (scores) => {
    const tokens = target(scores, 0, "contrastive");
    if (scores[1] === undefined) throw new Error("the contrastive value needs foil log-probabilities");
    const foil = scores[1];
    return {value: sumLogprobs(tokens) - sumLogprobs(foil), components: [...tokens, ...foil.map((logprob) => -logprob)]};
};

/** The targets are options; v = the normalised probability of option `index`. */
export function optionProbabilityReducer(index: number): ScoreReducer {
    return (scores) => {
        const probabilities = normalizeOptionLogprobs(scores.map(sumLogprobs));
        const value = probabilities[index];
        if (value === undefined) throw new Error(`option ${index} is not among the ${scores.length} scored options`);
        return {value, components: probabilities};
    };
}

export const answerProbabilityReducer: ScoreReducer = (scores) => {
    const probability = Math.exp(sumLogprobs(target(scores, 0, "answer probability")));
    return {value: probability, components: [probability, 1 - probability]};
};
