/**
 * A {@link TextCompleter} over any {@link Backend} that generates: greedy continuations of
 * plain-text prompts, a batch spread over the backend's lanes (each lane works through its share
 * in order, so a lane's KV cache keeps the prefix its previous prompt left). The token cap of a
 * continuation is lowered where the prompt leaves less room in the context.
 */
import {CapabilityError, ContextOverflowError} from "../../errors.js";
import type {Backend, TokenId} from "../../model/backend-spec.js";
import {tokenizeWithBos} from "../../protocol/index.js";
import type {TextCompleter} from "./cot-tests.js";

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

export function modelCompleter(model: Backend, options: ModelCompleterOptions = {}): ModelCompleter {
    if (!model.capabilities.generation) {
        throw new CapabilityError(`${model.name} does not generate text`, {hint: "use a model backend that generates (llama.cpp, vLLM, SGLang)"});
    }
    const lanes = Math.max(1, Math.min(options.lanes ?? model.capabilities.lanes, model.capabilities.lanes));
    let generations = 0;
    const contextOf = (prompt: string): Promise<TokenId[]> => tokenizeWithBos(model, prompt);
    return {
        get generations() {
            return generations;
        },
        async complete(prompts, maxTokens) {
            const outputs: string[] = new Array<string>(prompts.length).fill("");
            let done = 0;
            const work = async (lane: number): Promise<void> => {
                for (let index = lane; index < prompts.length; index += lanes) {
                    const context = await contextOf(prompts[index]!);
                    const room = model.capabilities.contextSize - context.length;
                    if (room < 1) {
                        throw new ContextOverflowError(`a prompt of ${context.length} tokens leaves no room to generate in the context of ${model.capabilities.contextSize} tokens`, {
                            hint: "use shorter prompts or a larger context size",
                        });
                    }
                    const generation = await model.generate({context, maxTokens: Math.min(maxTokens, room), temperature: 0, seed: 0, topLogprobs: 0}, lane);
                    outputs[index] = generation.text;
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
