/**
 * The input's content words ranked by how much they support an answer: a word-level attribution
 * of the answer on an AnswerGame, stopwords left out, each word kept once (its best rank). Used
 * by AMPLIFY's rationales and SR-NLE's attribution feedback.
 */
import {attributionMethods} from "../../attribution/registry.js";
import type {AttributionMethodName} from "../../attribution/result.js";
import {InputError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import type {Backend} from "../../model/backend-spec.js";
import {segmentInput} from "../../units/segmented-input.js";
import type {StructuredInput} from "../../units/types.js";
import {AnswerGame} from "../self-explanation/answer-game.js";
import {bareWord, isContentWord} from "./stopwords.js";

export interface AttributedWordSettings {
    /** How many words to return. */
    count: number;
    /** Attribution method (default "loo"). */
    method?: AttributionMethodName;
    /** Evaluation budget (default: the method's default, never below its minimum). */
    budget?: number;
    seed?: number;
    /** The answer's options, when the item is multiple choice. */
    options?: readonly string[];
}

/** The caller checks that `backend` scores prompt tokens (its error names the flag that fixes it). */
export async function topAttributedWords(backend: Backend, input: StructuredInput, answer: string, settings: AttributedWordSettings): Promise<string[]> {
    const segmented = segmentInput(input, "word");
    const game = new AnswerGame({
        backend,
        evaluator: new Evaluator(backend),
        segmented,
        answer,
        ...(settings.options === undefined ? {} : {options: settings.options}),
    });
    const methodName = settings.method ?? "loo";
    const method = attributionMethods[methodName];
    if (method === undefined) throw new InputError(`unknown attribution method "${methodName}"`);
    const playerCount = segmented.playerCount;
    const budget = Math.max(method.minimumBudget(playerCount), settings.budget ?? method.defaultBudget(playerCount));
    const result = await method.run(game, {budget, seed: settings.seed ?? 0});
    const ranked = segmented.units
        .map((unit, index) => ({word: bareWord(unit.text), value: result.values[index] as number}))
        .filter((entry) => isContentWord(entry.word))
        .sort((left, right) => right.value - left.value);
    return [...new Set(ranked.map((entry) => entry.word))].slice(0, settings.count);
}
