/**
 * The model's answer to an item, shared by the self-explanation, counterfactual, refine and
 * AMPLIFY checks. With answer options and a scoring backend the answer is the option with the
 * highest total log-probability as a continuation (probabilities normalised over the options);
 * otherwise the model generates greedily and the answer is read from its text: the first option
 * the text names, or (without options) the first line. A text that names no option is an
 * unparseable answer, counted by the caller, never guessed.
 */
import {Evaluator} from "../../evaluator/evaluator.js";
import type {ScoringEvaluator} from "../../evaluator/types.js";
import type {Backend, PromptInput} from "../../model/backend-spec.js";
import {answerSeparator, bestOption, generateText, normalizeOptionLogprobs, optionLogprobs} from "../../protocol/index.js";

export interface Prediction {
    /** The option text or the free answer; undefined when the text could not be read. */
    answer: string | undefined;
    optionIndex?: number;
    /** Raw generated text (generation), or undefined when the answer came from scoring. */
    text?: string;
    /** Total log-probability of each option (scoring). */
    optionLogprobs?: number[];
    /** Probability of each option, normalised over the options (scoring). */
    optionProbabilities?: number[];
    via: "scoring" | "generation";
}

export interface PredictionSettings {
    /** Most generated tokens for an answer (default 24). */
    maxTokens?: number;
    /** Force generation even when the backend scores (the protocol of generation-only backends). */
    generationOnly?: boolean;
    /** Scores the options (default: a new evaluator on the backend for this prediction). */
    evaluator?: ScoringEvaluator;
}

/** The first option named in `text` (whole-word, case-insensitive; earliest mention wins, longer options first on ties). */
export function optionNamedIn(text: string, options: readonly string[]): number | undefined {
    let best: {index: number; at: number; length: number} | undefined;
    options.forEach((option, index) => {
        const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(option.trim())}(?=$|[^\\p{L}\\p{N}])`, "iu");
        const match = pattern.exec(text);
        if (match === null) return;
        const at = match.index + (match[1]?.length ?? 0);
        if (best === undefined || at < best.at || (at === best.at && option.length > best.length)) best = {index, at, length: option.length};
    });
    return best?.index;
}

export function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export async function predict(
    backend: Backend,
    prompt: PromptInput,
    options: readonly string[] | undefined,
    settings: PredictionSettings = {},
): Promise<Prediction> {
    if (options !== undefined && backend.capabilities.scoring && settings.generationOnly !== true) {
        const evaluator = settings.evaluator ?? new Evaluator(backend);
        const logprobs = await optionLogprobs(backend, evaluator, prompt, options, {separator: answerSeparator(prompt)});
        const probabilities = normalizeOptionLogprobs(logprobs);
        const best = bestOption(logprobs);
        return {answer: options[best], optionIndex: best, optionLogprobs: logprobs, optionProbabilities: probabilities, via: "scoring"};
    }
    const text = await generateText(backend, prompt, settings.maxTokens ?? 24);
    if (options !== undefined) {
        const index = optionNamedIn(text, options);
        return index === undefined ? {answer: undefined, text, via: "generation"} : {answer: options[index], optionIndex: index, text, via: "generation"};
    }
    const firstLine = text.trim().split("\n")[0]?.trim() ?? "";
    return {answer: firstLine === "" ? undefined : firstLine, text, via: "generation"};
}
