/**
 * What the reasoning analyses need from a model: greedy continuations, sampled continuations and
 * the log-probability of short targets (option letters, answers) after a text. The backend
 * implementation generates through the protocol layer (src/protocol/generation.ts) and scores
 * through the evaluator; tests give a small hand-written object instead.
 */
import {CapabilityError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import type {Backend} from "../model/backend-spec.js";
import {modelCompleter, optionLogprobs, sampleTexts, type TextCompleter} from "../protocol/index.js";

export interface ReasoningModel extends TextCompleter {
    readonly name: string;
    /** n continuations of `prompt` sampled at `temperature` with seeds seed, seed+1, …. */
    sample(prompt: string, n: number, settings: {maxTokens: number; temperature: number; seed: number}): Promise<string[]>;
    /** log p(target | text) of each target (summed over its tokens). */
    targetLogprobs(text: string, targets: readonly string[]): Promise<number[]>;
}

export function backendReasoningModel(backend: Backend): ReasoningModel {
    const completer = modelCompleter(backend);
    const evaluator = backend.capabilities.scoring ? new Evaluator(backend) : undefined;
    return {
        name: backend.name,
        complete: (prompts, maxTokens) => completer.complete(prompts, maxTokens),
        sample: (prompt, n, settings) => sampleTexts(backend, prompt, n, settings),
        async targetLogprobs(text, targets) {
            if (evaluator === undefined) {
                throw new CapabilityError(`${backend.name} does not score tokens, and option probabilities need log-probabilities`, {
                    expected: "a GGUF model or a server that returns prompt log-probabilities",
                });
            }
            return optionLogprobs(backend, evaluator, {kind: "text", text}, targets);
        },
    };
}
