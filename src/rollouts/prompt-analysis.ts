/**
 * One prompt's rollouts, per checkpoint: success counts, distinct correct answers (for support),
 * rewards against lengths, truncation, reward-hacking signals and token statistics. Everything the
 * run summary needs is kept here, so a resumed run summarises from stored verdicts alone.
 *
 * Token statistics use `token_entropies` when given (entropy of the policy at each position, nats);
 * otherwise the sampled tokens' surprisal −log p from `token_logprobs` stands in, and `source` says
 * so. A "forking" token is one whose entropy exceeds the forking threshold; a low-probability token
 * one whose sampled probability is below the low-probability threshold.
 */
import type {Rollout} from "./rollout-records.js";

export const positionBins = 10;

export interface TokenStatistics {
    source: "entropy" | "surprisal" | "none";
    tokens: number;
    entropySum: number;
    forking: number;
    /** Tokens with a log-probability (the denominator of the low-probability share). */
    probabilityTokens: number;
    lowProbability: number;
    /** Entropy sums and counts by relative position in the completion (10 bins). */
    positionSums: number[];
    positionCounts: number[];
}

export interface CheckpointPromptStats {
    n: number;
    correct: number;
    rewardSum: number;
    correctAnswers: string[];
    /** [reward, length, correct ? 1 : 0, truncated ? 1 : 0] per rollout. */
    samples: [number, number, number, number][];
    lengthUnit: "tokens" | "words";
    formatted: number;
    formattedButWrong: number;
    noAnswer: number;
    rewardedWithoutAnswer: number;
    tokens: TokenStatistics;
}

export interface PromptVerdict {
    promptId: string;
    byCheckpoint: Record<string, CheckpointPromptStats>;
}

export interface TokenThresholds {
    forkingEntropy: number;
    lowProbability: number;
}

function emptyTokens(): TokenStatistics {
    return {
        source: "none",
        tokens: 0,
        entropySum: 0,
        forking: 0,
        probabilityTokens: 0,
        lowProbability: 0,
        positionSums: new Array<number>(positionBins).fill(0),
        positionCounts: new Array<number>(positionBins).fill(0),
    };
}

function addTokens(statistics: TokenStatistics, rollout: Rollout, thresholds: TokenThresholds): void {
    const logLow = Math.log(thresholds.lowProbability);
    if (rollout.tokenLogprobs !== undefined) {
        statistics.probabilityTokens += rollout.tokenLogprobs.length;
        statistics.lowProbability += rollout.tokenLogprobs.filter((logprob) => logprob < logLow).length;
    }
    const values = rollout.tokenEntropies ?? rollout.tokenLogprobs?.map((logprob) => -logprob);
    if (values === undefined || values.length === 0) return;
    const source = rollout.tokenEntropies !== undefined ? "entropy" : "surprisal";
    statistics.source = statistics.source === "none" || statistics.source === source ? source : statistics.source;
    values.forEach((value, index) => {
        statistics.tokens++;
        statistics.entropySum += value;
        if (value > thresholds.forkingEntropy) statistics.forking++;
        const bin = Math.min(positionBins - 1, Math.floor((index / values.length) * positionBins));
        statistics.positionSums[bin] = (statistics.positionSums[bin] ?? 0) + value;
        statistics.positionCounts[bin] = (statistics.positionCounts[bin] ?? 0) + 1;
    });
}

export function analyzePrompt(promptId: string, rollouts: readonly Rollout[], thresholds: TokenThresholds): PromptVerdict {
    const byCheckpoint: Record<string, CheckpointPromptStats> = {};
    for (const rollout of rollouts) {
        const stats = (byCheckpoint[rollout.checkpoint] ??= {
            n: 0,
            correct: 0,
            rewardSum: 0,
            correctAnswers: [],
            samples: [],
            lengthUnit: rollout.lengthUnit,
            formatted: 0,
            formattedButWrong: 0,
            noAnswer: 0,
            rewardedWithoutAnswer: 0,
            tokens: emptyTokens(),
        });
        stats.n++;
        stats.rewardSum += rollout.reward;
        if (rollout.correct) {
            stats.correct++;
            if (rollout.answer !== undefined && !stats.correctAnswers.includes(rollout.answer)) stats.correctAnswers.push(rollout.answer);
        }
        if (rollout.lengthUnit === "words") stats.lengthUnit = "words";
        stats.samples.push([rollout.reward, rollout.length, rollout.correct ? 1 : 0, rollout.truncated ? 1 : 0]);
        if (rollout.formatReward !== undefined && rollout.formatReward > 0) {
            stats.formatted++;
            if (!rollout.correct) stats.formattedButWrong++;
        }
        if (rollout.answer === undefined) {
            stats.noAnswer++;
            if (rollout.correct) stats.rewardedWithoutAnswer++;
        }
        addTokens(stats.tokens, rollout, thresholds);
    }
    return {promptId, byCheckpoint};
}
