/**
 * `glassbox analyze subthoughts` for one item: take the given trace (or the model's greedy one),
 * split it at cue words, continue from each proper prefix, extract the answers, and compare the
 * mode with the last answer (against the gold label when there is one).
 */
import {canonicalAnswer, type AnswerExtractor} from "./answers.js";
import {answerDistribution, splitSubthoughts, type SubthoughtItemVerdict} from "./subthoughts.js";
import type {ReasoningModel} from "./reasoning-model.js";
import {numbersEquivalent} from "./verifiers.js";

export interface SubthoughtSettings {
    cues: readonly string[];
    extract: AnswerExtractor;
    maxTraceTokens: number;
    maxContinuationTokens: number;
    /** 0: greedy continuations; above 0: one sample per prefix at this temperature. */
    temperature: number;
    seed: number;
}

export interface SubthoughtItem {
    id: string;
    prompt: string;
    /** A trace to analyse; the model's greedy trace when absent. */
    trace?: string;
    gold?: string;
}

export async function subthoughtItem(
    model: ReasoningModel,
    item: SubthoughtItem,
    settings: SubthoughtSettings,
): Promise<SubthoughtItemVerdict & {traceGiven: boolean}> {
    const trace = item.trace ?? (await model.complete([item.prompt], settings.maxTraceTokens))[0] ?? "";
    const pieces = splitSubthoughts(trace, settings.cues);
    const prompts: string[] = [];
    for (let count = 1; count < pieces.length; count++) prompts.push(`${item.prompt}${pieces.slice(0, count).join("")}`);
    const continuations =
        settings.temperature > 0
            ? await Promise.all(
                  prompts.map(
                      async (prompt, index) =>
                          (
                              await model.sample(prompt, 1, {
                                  maxTokens: settings.maxContinuationTokens,
                                  temperature: settings.temperature,
                                  seed: settings.seed + index,
                              })
                          )[0] ?? "",
                  ),
              )
            : await model.complete(prompts, settings.maxContinuationTokens);
    const canonical = (text: string): string | undefined => {
        const answer = settings.extract(text);
        return answer === undefined ? undefined : canonicalAnswer(answer);
    };
    const lastAnswer = canonical(trace);
    const answers = [...continuations.map(canonical), lastAnswer];
    const distribution = answerDistribution(answers);
    const verdict: SubthoughtItemVerdict & {traceGiven: boolean} = {
        subthoughts: pieces.length,
        answers,
        lastAnswer,
        distribution,
        traceGiven: item.trace !== undefined,
    };
    if (item.gold !== undefined) {
        const gold = item.gold;
        verdict.gold = gold;
        verdict.modeCorrect = distribution.mode !== undefined && numbersEquivalent(distribution.mode, canonicalAnswer(gold));
        verdict.lastCorrect = lastAnswer !== undefined && numbersEquivalent(lastAnswer, canonicalAnswer(gold));
    }
    return verdict;
}
