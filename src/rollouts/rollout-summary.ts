/**
 * The run summary of `glassbox analyze rollouts`, from the per-prompt verdicts:
 *
 * - per checkpoint: success rate, difficulty bins of the prompts (the curriculum signal: prompts
 *   solved sometimes but not always carry the learning signal), the pass@k curve, reward against
 *   length (Pearson r, mean length of right and wrong rollouts, mean reward per length quartile),
 *   truncation rate, reward-hacking signals, token-entropy statistics and the entropy profile over
 *   the completion;
 * - between consecutive checkpoints: support change ("The Invisible Leash": preserved, expanded and
 *   shrunk correct answers, SRR/NDR/SDS/NSCR), the change of pass@1 and of pass@k at the largest
 *   common k, and the change of mean entropy, forking-token share and low-probability share.
 */
import {pearson} from "../foundation/correlation.js";
import {defaultKs, passAtKCurve} from "../reasoning/pass-at-k.js";
import {supportSummary, type SupportSummary} from "../reasoning/support.js";
import {positionBins, type CheckpointPromptStats, type PromptVerdict} from "./prompt-analysis.js";

export const difficultyBins = ["unsolved", "hard", "medium", "easy", "solved"] as const;
export type DifficultyBin = (typeof difficultyBins)[number];

/** unsolved: 0; hard: (0, 0.3]; medium: (0.3, 0.7); easy: [0.7, 1); solved: 1. */
export function difficultyOf(successRate: number): DifficultyBin {
    if (successRate <= 0) return "unsolved";
    if (successRate >= 1) return "solved";
    if (successRate <= 0.3) return "hard";
    if (successRate < 0.7) return "medium";
    return "easy";
}

export interface CheckpointSummary {
    checkpoint: string;
    prompts: number;
    rollouts: number;
    successRate: number;
    meanReward: number;
    difficulty: Record<DifficultyBin, number>;
    /** Up to 20 prompt ids per bin. */
    difficultyExamples: Record<DifficultyBin, string[]>;
    passAtK: {k: number; passAtK: number}[];
    length: {
        unit: "tokens" | "words";
        mean: number;
        meanCorrect: number | null;
        meanWrong: number | null;
        rewardPearson: number | null;
        rewardByQuartile: {upTo: number; meanReward: number; rollouts: number}[];
    };
    truncationRate: number;
    truncatedMeanReward: number | null;
    hacking: {formattedRollouts: number; formattedButWrongShare: number | null; noAnswerShare: number; rewardedWithoutAnswer: number};
    tokens: {
        source: "entropy" | "surprisal" | "none";
        tokens: number;
        meanEntropy: number | null;
        forkingShare: number | null;
        lowProbabilityShare: number | null;
        profile: (number | null)[];
    };
}

export interface CheckpointComparison {
    from: string;
    to: string;
    /** Prompts with rollouts at both checkpoints. */
    prompts: number;
    support: Omit<SupportSummary, "byProblem">;
    passAt1Change: number;
    passAtK: {k: number; from: number; to: number} | null;
    meanEntropyChange: number | null;
    forkingShareChange: number | null;
    lowProbabilityShareChange: number | null;
    /** Prompts whose difficulty bin changed, as "from→to" counts. */
    binMoves: Record<string, number>;
}

export interface RolloutSummary {
    checkpoints: CheckpointSummary[];
    comparisons: CheckpointComparison[];
    malformedLines: number;
}

const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function summarizeCheckpoint(checkpoint: string, entries: readonly {id: string; stats: CheckpointPromptStats}[]): CheckpointSummary {
    const difficulty = Object.fromEntries(difficultyBins.map((bin) => [bin, 0])) as Record<DifficultyBin, number>;
    const difficultyExamples = Object.fromEntries(difficultyBins.map((bin) => [bin, [] as string[]])) as Record<DifficultyBin, string[]>;
    for (const {id, stats} of entries) {
        const bin = difficultyOf(stats.correct / stats.n);
        difficulty[bin]++;
        if (difficultyExamples[bin].length < 20) difficultyExamples[bin].push(id);
    }
    const minimumN = Math.min(...entries.map(({stats}) => stats.n));
    const samples = entries.flatMap(({stats}) => stats.samples);
    const rewards = samples.map((sample) => sample[0]);
    const lengths = samples.map((sample) => sample[1]);
    const sortedLengths = [...lengths].sort((a, b) => a - b);
    const quartiles = [0.25, 0.5, 0.75, 1].map((fraction) => sortedLengths[Math.max(0, Math.ceil(sortedLengths.length * fraction) - 1)] ?? 0);
    const rewardByQuartile = quartiles
        .map((upTo, index) => {
            const low = index === 0 ? -Infinity : (quartiles[index - 1] ?? -Infinity);
            const inBin = samples.filter((sample) => sample[1] > low && sample[1] <= upTo);
            return {upTo, meanReward: mean(inBin.map((sample) => sample[0])) ?? 0, rollouts: inBin.length};
        })
        .filter((bin) => bin.rollouts > 0);
    const truncated = samples.filter((sample) => sample[3] === 1);
    const variance = (values: readonly number[]): number => {
        const average = mean(values) ?? 0;
        return values.reduce((sum, value) => sum + (value - average) ** 2, 0);
    };
    const all = entries.map(({stats}) => stats);
    const sum = (pick: (stats: CheckpointPromptStats) => number): number => all.reduce((total, stats) => total + pick(stats), 0);
    const tokenCount = sum((stats) => stats.tokens.tokens);
    const sources = new Set(all.map((stats) => stats.tokens.source).filter((source) => source !== "none"));
    const profile = Array.from({length: positionBins}, (_, bin) => {
        const count = sum((stats) => stats.tokens.positionCounts[bin] ?? 0);
        return count === 0 ? null : sum((stats) => stats.tokens.positionSums[bin] ?? 0) / count;
    });
    return {
        checkpoint,
        prompts: entries.length,
        rollouts: samples.length,
        successRate: sum((stats) => stats.correct) / samples.length,
        meanReward: mean(rewards) ?? 0,
        difficulty,
        difficultyExamples,
        passAtK: passAtKCurve(
            all.map((stats) => ({n: stats.n, correct: stats.correct})),
            defaultKs(minimumN),
        ),
        length: {
            unit: all.some((stats) => stats.lengthUnit === "words") ? "words" : "tokens",
            mean: mean(lengths) ?? 0,
            meanCorrect: mean(samples.filter((sample) => sample[2] === 1).map((sample) => sample[1])),
            meanWrong: mean(samples.filter((sample) => sample[2] === 0).map((sample) => sample[1])),
            rewardPearson: variance(rewards) === 0 || variance(lengths) === 0 ? null : pearson(rewards, lengths),
            rewardByQuartile,
        },
        truncationRate: truncated.length / samples.length,
        truncatedMeanReward: mean(truncated.map((sample) => sample[0])),
        hacking: {
            formattedRollouts: sum((stats) => stats.formatted),
            formattedButWrongShare: share(
                sum((stats) => stats.formattedButWrong),
                sum((stats) => stats.formatted),
            ),
            noAnswerShare: sum((stats) => stats.noAnswer) / samples.length,
            rewardedWithoutAnswer: sum((stats) => stats.rewardedWithoutAnswer),
        },
        tokens: {
            source: sources.size === 0 ? "none" : sources.has("entropy") ? "entropy" : "surprisal",
            tokens: tokenCount,
            meanEntropy: share(
                sum((stats) => stats.tokens.entropySum),
                tokenCount,
            ),
            forkingShare: share(
                sum((stats) => stats.tokens.forking),
                tokenCount,
            ),
            lowProbabilityShare: share(
                sum((stats) => stats.tokens.lowProbability),
                sum((stats) => stats.tokens.probabilityTokens),
            ),
            profile,
        },
    };
}

function difference(to: number | null, from: number | null): number | null {
    return to === null || from === null ? null : to - from;
}

export function summarizeRollouts(verdicts: readonly PromptVerdict[], checkpoints: readonly string[], malformedLines: number): RolloutSummary {
    const summaries = checkpoints.flatMap((checkpoint) => {
        const entries = verdicts.flatMap((verdict) => {
            const stats = verdict.byCheckpoint[checkpoint];
            return stats === undefined ? [] : [{id: verdict.promptId, stats}];
        });
        return entries.length === 0 ? [] : [summarizeCheckpoint(checkpoint, entries)];
    });
    const comparisons: CheckpointComparison[] = [];
    for (let index = 1; index < summaries.length; index++) {
        const from = summaries[index - 1] as CheckpointSummary;
        const to = summaries[index] as CheckpointSummary;
        const shared = verdicts.flatMap((verdict) => {
            const a = verdict.byCheckpoint[from.checkpoint];
            const b = verdict.byCheckpoint[to.checkpoint];
            return a === undefined || b === undefined ? [] : [{id: verdict.promptId, a, b}];
        });
        const {byProblem: _byProblem, ...support} = supportSummary(shared.map(({id, a, b}) => ({id, base: a.correctAnswers, tuned: b.correctAnswers})));
        const k = Math.min(...shared.map(({a, b}) => Math.min(a.n, b.n)));
        const curve = (pick: "a" | "b", ks: number[]): {k: number; passAtK: number}[] =>
            passAtKCurve(
                shared.map((entry) => ({n: entry[pick].n, correct: entry[pick].correct})),
                ks,
            );
        const binMoves: Record<string, number> = {};
        for (const {a, b} of shared) {
            const before = difficultyOf(a.correct / a.n);
            const after = difficultyOf(b.correct / b.n);
            if (before !== after) binMoves[`${before}→${after}`] = (binMoves[`${before}→${after}`] ?? 0) + 1;
        }
        comparisons.push({
            from: from.checkpoint,
            to: to.checkpoint,
            prompts: shared.length,
            support,
            passAt1Change: shared.length === 0 ? 0 : (curve("b", [1])[0]?.passAtK ?? 0) - (curve("a", [1])[0]?.passAtK ?? 0),
            passAtK: shared.length === 0 || !Number.isFinite(k) ? null : {k, from: curve("a", [k])[0]?.passAtK ?? 0, to: curve("b", [k])[0]?.passAtK ?? 0},
            meanEntropyChange: difference(to.tokens.meanEntropy, from.tokens.meanEntropy),
            forkingShareChange: difference(to.tokens.forkingShare, from.tokens.forkingShare),
            lowProbabilityShareChange: difference(to.tokens.lowProbabilityShare, from.tokens.lowProbabilityShare),
            binMoves,
        });
    }
    return {checkpoints: summaries, comparisons, malformedLines};
}
