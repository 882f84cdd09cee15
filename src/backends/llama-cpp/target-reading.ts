/**
 * Reading log p(target token) through node-llama-cpp's public API without sending the vocabulary to
 * JavaScript (node-llama-cpp ≥ 3.22: `generateNext.logits` with a token filter and
 * `generateNext.totalLogitWeight` on `controlledEvaluate`).
 *
 * At one position with logits l and target t, node-llama-cpp returns the logits of the filtered
 * tokens and W = Σ_v exp(l_v − max l) over the whole vocabulary, so
 *     log p(t) = l_t − max l − ln W,
 * the log-softmax, in one O(vocabulary) pass in native code (no sort, no Map of the vocabulary).
 * The filter asks for t and the sampled token: the sampler is the default one (temperature 0, no
 * token bias, no penalties), which is greedy, so the sampled token is an argmax and its logit is
 * max l. (`includeMax` would say this directly, but in node-llama-cpp 3.22.1 it adds the maximum
 * only when the maximum is already among the filtered tokens.) Both values are taken after the
 * sampler chain, so they are the raw logits only with that default sampler: never pass sampling
 * options, token bias or penalties to an item read this way.
 *
 * Everything is float32 in native code, like the full distribution node-llama-cpp reports with
 * `probabilities: true`. Both sum the vocabulary in float32 (in different orders), so they differ by
 * up to about 1e-5 on a 32,000-token vocabulary; against a float64 log-softmax of the raw logits this
 * reading is the closer one (BENCHMARKS.md, "Scoring", part 2; test/backends/target-reading.test.ts).
 */
import type {ControlledEvaluateIndexOutput, ControlledEvaluateInputItem, Token} from "node-llama-cpp";

/**
 * How scoring reads log p(target token): "logit-weight" (default), the target's logit, the maximum
 * logit and the total logit weight (above); "full-distribution", the probability of every token of
 * the vocabulary as a Map per position (`probabilities: true`), kept for comparison and as a
 * reference.
 */
export type TargetReading = "logit-weight" | "full-distribution";

/** The controlledEvaluate item for `token` that reads the next position's log p(`target`) as `reading` says. */
export function targetReadingItem(token: Token, target: Token, reading: TargetReading): ControlledEvaluateInputItem {
    if (reading === "full-distribution") return [token, {generateNext: {probabilities: true}}];
    return [token, {generateNext: {logits: {filter: {tokens: [target], includeSelected: true}}, totalLogitWeight: true}}];
}

/**
 * log p(`target`) from the output of an item made by {@link targetReadingItem}, or undefined when
 * node-llama-cpp returned nothing for it.
 */
export function readTargetLogprob(output: ControlledEvaluateIndexOutput | undefined, target: Token, reading: TargetReading): number | undefined {
    const next = output?.next;
    if (reading === "full-distribution") {
        const distribution = next?.probabilities;
        return distribution === undefined ? undefined : Math.log(distribution.get(target) ?? 0);
    }
    const logits = next?.logits;
    const weight = next?.totalLogitWeight;
    if (logits === undefined || weight === undefined) return undefined;
    const logit = logits.get(target);
    if (logit === undefined) return Number.NEGATIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const value of logits.values()) max = Math.max(max, value);
    return logit - max - Math.log(weight);
}

/**
 * The generateNext options for one greedy step that needs only the chosen token and its
 * log-probability: with the default (greedy) sampler the token is an argmax, so its log-probability
 * is max l − max l − ln W = −ln W ({@link greedyLogprob}), without the sort of the vocabulary that
 * `confidence` costs.
 */
export const greedyStepOptions = {token: true, totalLogitWeight: true} as const;

/** log p(chosen token) of a greedy step made with {@link greedyStepOptions} (its output's `next`), or undefined when missing. */
export function greedyLogprob(next: ControlledEvaluateIndexOutput["next"] | undefined): number | undefined {
    const weight = next?.totalLogitWeight;
    return weight === undefined ? undefined : -Math.log(weight);
}
