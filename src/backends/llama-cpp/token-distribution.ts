/**
 * The next-token distribution node-llama-cpp reports with `probabilities: true` and a temperature-0
 * sampler: the softmax of the raw logits over the whole vocabulary, best first.
 */
import type {Token} from "node-llama-cpp";
import type {WeightedCandidate} from "../../model/sampling.js";

export interface TokenDistribution {
    /** Every token with its raw natural-log probability, highest first. */
    candidates: WeightedCandidate[];
}

export function readDistribution(probabilities: ReadonlyMap<Token, number>): TokenDistribution {
    const candidates: WeightedCandidate[] = [];
    for (const [token, probability] of probabilities) candidates.push({token, logprob: Math.log(probability)});
    return {candidates};
}
