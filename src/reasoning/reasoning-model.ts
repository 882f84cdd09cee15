/**
 * What the reasoning analyses need from a model: greedy continuations, sampled continuations and
 * the log-probability of short targets (option letters, answers) after a text. The backend
 * implementation generates through the CoT checks' model completer and scores through the
 * evaluator; tests give a small hand-written object instead.
 */
import {modelCompleter} from "../checks/cot/model-completer.js";
import type {TextCompleter} from "../checks/cot/cot-tests.js";
import {CapabilityError, ContextOverflowError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import {alignTarget, tokenizeWithBos} from "../protocol/index.js";
import type {Backend} from "../model/backend-spec.js";

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
        async sample(prompt, n, settings) {
            const context = await tokenizeWithBos(backend, prompt);
            const room = backend.capabilities.contextSize - context.length;
            if (room < 1) throw new ContextOverflowError(`a prompt of ${context.length} tokens leaves no room to generate`, {hint: "use shorter prompts"});
            const outputs: string[] = [];
            for (let index = 0; index < n; index++) {
                const generation = await backend.generate({
                    context, maxTokens: Math.min(settings.maxTokens, room), temperature: settings.temperature, seed: settings.seed + index, topLogprobs: 0,
                }, 0);
                outputs.push(generation.text);
            }
            return outputs;
        },
        async targetLogprobs(text, targets) {
            if (evaluator === undefined) {
                throw new CapabilityError(`${backend.name} does not score tokens, and option probabilities need log-probabilities`, {
                    expected: "a GGUF model or a server that returns prompt log-probabilities",
                });
            }
            const prompt = {kind: "text" as const, text};
            const requests = await Promise.all(targets.map(async (target) => (await alignTarget(backend, prompt, target)).request));
            const results = await evaluator.scoreMany(requests);
            return results.map((result) => result.logprobs.reduce((a, b) => a + b, 0));
        },
    };
}
