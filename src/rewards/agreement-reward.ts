/**
 * Co-Reward-style agreement (Zhang et al. 2025): a completion is rewarded when its final answer
 * agrees with the majority answer of the rollouts of a rephrasing of its question. The trainer
 * passes those rollouts in extra_info.rephrased_completions (texts) or their answers in
 * extra_info.rephrased_answers. Answers are grouped by math equivalence; the majority is the
 * largest group (ties: the group seen first).
 */
import {extractMathAnswer} from "./math/extract.js";
import {mathAnswersEquivalent} from "./math/equivalence.js";
import {unscored, type RewardFunction, type RewardItem} from "./types.js";

function stringList(value: unknown): string[] | undefined {
    return Array.isArray(value) && value.every((entry) => typeof entry === "string") ? (value as string[]) : undefined;
}

function rephrasedAnswers(item: RewardItem): string[] | undefined {
    const answers = stringList(item.extraInfo?.rephrased_answers);
    if (answers !== undefined) return answers;
    const completions = stringList(item.extraInfo?.rephrased_completions);
    return completions?.flatMap((completion) => {
        const extracted = extractMathAnswer(completion);
        return extracted === undefined ? [] : [extracted.answer];
    });
}

export function majorityAnswerOf(answers: readonly string[]): {answer: string; votes: number} | undefined {
    const groups: {answer: string; votes: number}[] = [];
    for (const answer of answers) {
        const group = groups.find((candidate) => mathAnswersEquivalent(answer, candidate.answer).equal);
        if (group === undefined) groups.push({answer, votes: 1});
        else group.votes++;
    }
    return groups.reduce<{answer: string; votes: number} | undefined>(
        (best, group) => (best === undefined || group.votes > best.votes ? group : best),
        undefined,
    );
}

export function agreementReward(): RewardFunction {
    return {
        name: "agreement",
        score(item) {
            const answers = rephrasedAnswers(item);
            if (answers === undefined) return unscored("extra_info.rephrased_completions or extra_info.rephrased_answers must be a list of strings");
            const majority = majorityAnswerOf(answers);
            if (majority === undefined) return unscored("no answer could be extracted from the rephrased rollouts");
            const own = extractMathAnswer(item.completion);
            if (own === undefined) return unscored("no answer found in the completion", {majority: majority.answer});
            const equal = mathAnswersEquivalent(own.answer, majority.answer).equal;
            return {score: equal ? 1 : 0, extra: {answer: own.answer, majority: majority.answer, votes: majority.votes, rollouts: answers.length}};
        },
    };
}
