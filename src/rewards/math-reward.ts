/**
 * The math-answer reward: 1 when the completion's final answer is equivalent to the ground
 * truth, else 0. The answer is extracted with the configured extractors (math/extract.ts); the
 * ground truth is used as given, or its `\boxed{}` content when it has one.
 */
import {defaultMathExtractors, extractMathAnswer, lastBoxed, type MathExtractorName} from "./math/extract.js";
import {mathAnswersEquivalent, type MathEquivalenceOptions} from "./math/equivalence.js";
import {unscored, type RewardFunction, type RewardResult} from "./types.js";

export interface MathRewardOptions extends MathEquivalenceOptions {
    extractors?: readonly MathExtractorName[];
}

export function scoreMathAnswer(completion: string, groundTruth: string | undefined, options: MathRewardOptions = {}): RewardResult {
    if (groundTruth === undefined || groundTruth.trim() === "") return unscored("the item has no ground truth");
    const extracted = extractMathAnswer(completion, options.extractors ?? defaultMathExtractors);
    if (extracted === undefined) return unscored("no answer found in the completion", {extracted: null});
    const gold = lastBoxed(groundTruth) ?? groundTruth;
    const verdict = mathAnswersEquivalent(extracted.answer, gold, options);
    return {score: verdict.equal ? 1 : 0, extra: {extracted: extracted.answer, extractor: extracted.extractor, method: verdict.method}};
}

export function mathReward(options: MathRewardOptions = {}): RewardFunction {
    return {name: "math", score: (item) => scoreMathAnswer(item.completion, item.groundTruth, options)};
}
