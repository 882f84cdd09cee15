/**
 * Generation after a prompt, written once for every caller (explain's greedy target, the checks,
 * the reasoning analyses). One context-room policy:
 *
 *   a request for `maxTokens` tokens after a prompt of n tokens asks the backend for
 *   min(maxTokens, contextSize − n) tokens; a prompt that leaves no room at all (n ≥ contextSize)
 *   is a ContextOverflowError naming the context size, never an empty answer.
 *
 * So an answer may be shorter than `maxTokens` only because the context ran out (finishReason
 * "length") or the model ended it ("eog").
 *
 * Every generation runs on a lane taken from the backend's lane scheduler (evaluator/lanes.ts),
 * the one the evaluator's scoring uses: the lane asked for, or the first free one. So callers that
 * generate for several items at once use every lane and never overlap on one.
 */
import {CapabilityError, ContextOverflowError} from "../errors.js";
import {laneScheduler} from "../evaluator/lanes.js";
import type {Backend, GenerateRequest, Generation, PromptInput, TokenId} from "../model/backend-spec.js";
import {contextTokens, tokenizeWithBos} from "./tokens.js";

export interface GenerationSettings {
    maxTokens: number;
    /** 0 (the default) is greedy. */
    temperature?: number;
    seed?: number;
    /** A given lane (default: the first free lane). */
    lane?: number;
    /** Stop at an end-of-generation token (default true). */
    stopAtEog?: boolean;
}

/** Tokens a generation after `context` may produce: min(maxTokens, room left); no room is an error. */
export function generationRoom(backend: Pick<Backend, "capabilities">, context: readonly TokenId[], maxTokens: number): number {
    const size = backend.capabilities.contextSize;
    const room = size - context.length;
    if (room < 1) {
        throw new ContextOverflowError(`a prompt of ${context.length} tokens leaves no room to generate in the context of ${size} tokens`, {
            expected: `a prompt of fewer than ${size} tokens`,
            received: `${context.length} tokens`,
            hint: "shorten the prompt or raise the context size",
            parameter: "contextSize",
        });
    }
    return Math.min(maxTokens, room);
}

/** One generate call on a lane from the backend's lane scheduler: `lane`, or the first free one. */
export function generateOnLane(backend: Backend, request: GenerateRequest, lane?: number): Promise<Generation> {
    return laneScheduler(backend).run(lane === undefined ? {} : {lane}, (free) => backend.generate(request, free));
}

/** Generation after prompt tokens under the room policy above. */
export async function generateAfter(backend: Backend, context: readonly TokenId[], settings: GenerationSettings): Promise<Generation> {
    const request: GenerateRequest = {
        context,
        maxTokens: generationRoom(backend, context, settings.maxTokens),
        temperature: settings.temperature ?? 0,
        seed: settings.seed ?? 0,
        topLogprobs: 0,
        ...(settings.stopAtEog === undefined ? {} : {stopAtEog: settings.stopAtEog}),
    };
    return generateOnLane(backend, request, settings.lane);
}

/** The greedy text after a prompt (text or chat), on the first free lane unless `lane` is given. */
export async function generateText(backend: Backend, prompt: PromptInput, maxTokens: number, lane?: number): Promise<string> {
    return (await generateAfter(backend, await contextTokens(backend, prompt), {maxTokens, ...(lane === undefined ? {} : {lane})})).text;
}

/** Greedy text completion, batched: one continuation per prompt. */
export interface TextCompleter {
    complete(prompts: readonly string[], maxTokens: number): Promise<string[]>;
}

export interface ModelCompleterOptions {
    /** Lanes to use (default: all the backend has). */
    lanes?: number;
    /** Called after every finished continuation with (done, total) of the current batch. */
    onProgress?: (done: number, total: number) => void;
}

export interface ModelCompleter extends TextCompleter {
    /** Continuations generated so far. */
    readonly generations: number;
}

/**
 * A {@link TextCompleter} over any backend that generates: greedy continuations of plain-text
 * prompts, a batch spread over the backend's lanes (each lane works through its share in order, so
 * a lane's KV cache keeps the prefix its previous prompt left).
 */
export function modelCompleter(model: Backend, options: ModelCompleterOptions = {}): ModelCompleter {
    if (!model.capabilities.generation) {
        throw new CapabilityError(`${model.name} does not generate text`, {
            hint: "use a model backend that generates (llama.cpp, vLLM, SGLang)",
            parameter: "model",
        });
    }
    const lanes = Math.max(1, Math.min(options.lanes ?? model.capabilities.lanes, model.capabilities.lanes));
    let generations = 0;
    return {
        get generations() {
            return generations;
        },
        async complete(prompts, maxTokens) {
            const outputs: string[] = new Array<string>(prompts.length).fill("");
            let done = 0;
            const work = async (lane: number): Promise<void> => {
                for (let index = lane; index < prompts.length; index += lanes) {
                    const context = await tokenizeWithBos(model, prompts[index] ?? "");
                    outputs[index] = (await generateAfter(model, context, {maxTokens, lane})).text;
                    generations += 1;
                    done += 1;
                    options.onProgress?.(done, prompts.length);
                }
            };
            await Promise.all(Array.from({length: Math.min(lanes, prompts.length)}, (_, lane) => work(lane)));
            return outputs;
        },
    };
}

/** n continuations of `prompt` sampled at `temperature` with seeds seed, seed + 1, … (one after another, each on the first free lane). */
export async function sampleTexts(
    backend: Backend,
    prompt: string,
    n: number,
    settings: {maxTokens: number; temperature: number; seed: number},
): Promise<string[]> {
    const context = await tokenizeWithBos(backend, prompt);
    const outputs: string[] = [];
    for (let index = 0; index < n; index++) {
        outputs.push(
            (await generateAfter(backend, context, {maxTokens: settings.maxTokens, temperature: settings.temperature, seed: settings.seed + index})).text,
        );
    }
    return outputs;
}
