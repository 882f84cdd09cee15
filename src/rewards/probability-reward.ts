/**
 * RLPR's probability reward (Yu et al. 2025): the policy's own mean per-token probability of the
 * reference answer, given the prompt and the completion's reasoning with its final answer replaced
 * by the reference: r = (1/|y*|) Σᵢ p(y*ᵢ | prompt, reasoning, y*<ᵢ). The reasoning is the completion
 * up to its final answer (the last answer marker, by default the last "answer" word or `\boxed{`),
 * the marker itself kept so the reference sits where the model would write its answer. Scoring
 * goes through a {@link TokenProbabilityScorer}, any scoring backend behind the evaluator
 * (backend-probability-scorer.ts).
 */
import {isGlassboxError} from "../errors.js";
import {unscored, type RewardFunction} from "./types.js";

export interface TokenProbabilityScorer {
    /** Natural-log probability of each token of `target` after `context`. */
    targetTokenLogprobs(context: string, target: string): Promise<number[]>;
}

export interface ProbabilityRewardOptions {
    scorer: TokenProbabilityScorer;
    /** Where the final answer starts; the last match ends the reasoning (default: last "answer" word or `\boxed{`). */
    answerMarker?: RegExp;
    /** Text put before the reference answer (default " "). */
    answerPrefix?: string;
    /** Subtract the probability with no reasoning at all (RLPR's debiasing), clipped at 0. */
    debias?: boolean;
}

const defaultMarker = /answer\b\s*(?:is\b)?\s*:?|\\boxed\{/gi;

/** The completion up to and including its last answer marker; the whole completion when it has none. */
export function reasoningPrefix(completion: string, marker: RegExp = defaultMarker): string {
    const pattern = new RegExp(marker.source, marker.flags.includes("g") ? marker.flags : `${marker.flags}g`);
    const last = [...completion.matchAll(pattern)].at(-1);
    return last?.index === undefined ? completion.trimEnd() : completion.slice(0, last.index + last[0].length).trimEnd();
}

export function meanTokenProbability(logprobs: readonly number[]): number {
    return logprobs.length === 0 ? 0 : logprobs.reduce((sum, value) => sum + Math.exp(value), 0) / logprobs.length;
}

export function probabilityReward(options: ProbabilityRewardOptions): RewardFunction {
    const prefix = options.answerPrefix ?? " ";
    return {
        name: "probability",
        async score(item) {
            if (item.groundTruth === undefined || item.groundTruth.trim() === "") return unscored("the item has no reference answer");
            const target = `${prefix}${item.groundTruth.trim()}`;
            const reasoning = reasoningPrefix(item.completion, options.answerMarker);
            let withReasoning: number;
            try {
                withReasoning = meanTokenProbability(await options.scorer.targetTokenLogprobs(`${item.prompt}${reasoning}`, target));
            } catch (error) {
                if (isGlassboxError(error) && error.code === "context-overflow")
                    return unscored("prompt, reasoning and reference answer do not fit the scoring model's context");
                throw error;
            }
            if (options.debias !== true) return {score: withReasoning, extra: {reasoningChars: reasoning.length}};
            const alone = meanTokenProbability(await options.scorer.targetTokenLogprobs(item.prompt, target));
            return {score: Math.max(0, withReasoning - alone), extra: {withReasoning, withoutReasoning: alone}};
        },
    };
}
