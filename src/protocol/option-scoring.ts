/**
 * Log-probabilities of answer options after a prompt, written once for every caller (the checks'
 * answers, the reasoning analyses' option letters, the self-explanation answer game): each option
 * is aligned after the prompt as the model would read it (alignment.ts) and the whole set is
 * scored in one evaluator batch, so it is deduplicated, cached, ordered by shared prefix and
 * spread over the backend's lanes like any other scoring.
 */
import type {ScoringEvaluator} from "../evaluator/types.js";
import type {PromptInput} from "../model/backend-spec.js";
import {alignTarget, type AlignedTarget} from "./alignment.js";
import type {TokenizingBackend} from "./tokens.js";

/** Text to put between a prompt and an answer: a space after a text prompt that does not end in whitespace. */
export function answerSeparator(prompt: PromptInput): string {
    return prompt.kind === "text" && !/\s$/.test(prompt.text) ? " " : "";
}

export interface OptionScoringSettings {
    /** Text put before every option (default ""; see {@link answerSeparator}). */
    separator?: string;
    signal?: AbortSignal;
}

/** Each option (after `separator`) aligned after the prompt: the requests that score the options. */
export function alignOptions(backend: TokenizingBackend, prompt: PromptInput, options: readonly string[], separator = ""): Promise<AlignedTarget[]> {
    return Promise.all(options.map((option) => alignTarget(backend, prompt, separator + option)));
}

/** Σ_t log p(option_t | prompt, option_<t) of each option (separator included), in the options' order. */
export async function optionLogprobs(
    backend: TokenizingBackend,
    evaluator: ScoringEvaluator,
    prompt: PromptInput,
    options: readonly string[],
    settings: OptionScoringSettings = {},
): Promise<number[]> {
    const aligned = await alignOptions(backend, prompt, options, settings.separator);
    const results = await evaluator.scoreMany(
        aligned.map((entry) => entry.request),
        settings.signal === undefined ? {} : {signal: settings.signal},
    );
    return results.map((result) => sumLogprobs(result.logprobs));
}

/** Σ of log-probabilities, left to right. */
export function sumLogprobs(logprobs: readonly number[]): number {
    let total = 0;
    for (const value of logprobs) total += value;
    return total;
}

/** Probabilities of the options normalised over the options: softmax of their log-probabilities. */
export function normalizeOptionLogprobs(logprobs: readonly number[]): number[] {
    const maximum = Math.max(...logprobs);
    const weights = logprobs.map((value) => Math.exp(value - maximum));
    const total = weights.reduce((sum, value) => sum + value, 0);
    return weights.map((value) => value / total);
}

/** Index of the largest value (the first on ties). */
export function bestOption(logprobs: readonly number[]): number {
    let best = 0;
    for (let index = 1; index < logprobs.length; index++) if ((logprobs[index] as number) > (logprobs[best] as number)) best = index;
    return best;
}
