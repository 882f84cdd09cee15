/**
 * The target when none is given: the model's greedy answer to the full input. Generation stops
 * at an end-of-generation token, at the first line break that follows some non-blank text (the
 * line break is not part of the target), or after `maxTokens` tokens.
 */
import {InputError} from "../errors.js";
import type {Backend, PromptInput, TokenId} from "../model/backend-spec.js";
import {contextTokens, generateAfter, tokenTextsAfter} from "../protocol/index.js";

export const defaultGreedyMaxTokens = 24;

export type GreedyStop = "eog" | "newline" | "max-tokens";

export interface GreedyTarget {
    tokens: TokenId[];
    /** Text of each target token (in context). */
    tokenTexts: string[];
    text: string;
    stop: GreedyStop;
    maxTokens: number;
}

export async function generateGreedyTarget(backend: Backend, prompt: PromptInput, maxTokens = defaultGreedyMaxTokens): Promise<GreedyTarget> {
    const context = await contextTokens(backend, prompt);
    const generation = await generateAfter(backend, context, {maxTokens, stopAtEog: true});
    const tokens = generation.tokens.map((token) => token.token);
    const texts = await tokenTextsAfter(backend, tokens, context);
    let kept = tokens.length;
    let stop: GreedyStop = generation.finishReason === "eog" ? "eog" : "max-tokens";
    let seenText = false;
    for (let index = 0; index < texts.length; index += 1) {
        const text = texts[index] as string;
        const newline = text.indexOf("\n");
        if (newline >= 0 && (seenText || text.slice(0, newline).trim() !== "")) {
            kept = text.slice(0, newline).trim() !== "" ? index + 1 : index;
            stop = "newline";
            break;
        }
        if (text.trim() !== "") seenText = true;
    }
    // A token that carries text and then a newline stays whole: tokens are not split.
    const targetTokens = tokens.slice(0, kept);
    if (targetTokens.length === 0) {
        throw new InputError("the model's greedy answer to this input is empty", {
            received: `stop: ${stop}`,
            hint: "give the target explicitly",
            parameter: "target",
        });
    }
    return {tokens: targetTokens, tokenTexts: texts.slice(0, kept), text: texts.slice(0, kept).join(""), stop, maxTokens};
}
