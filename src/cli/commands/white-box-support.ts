/** Shared by `patch`, `lens` and `probe`: the model flags, opening a backend with its white-box engine, token texts. */
import {InputError} from "../../errors.js";
import type {WhiteBoxModel} from "../../engine/white-box-model.js";
import type {Backend} from "../../model/backend-spec.js";
import {requireWhiteBox} from "../../model/white-box.js";
import {tokenizeManyWithBos} from "../../protocol/index.js";
import type {CommandIo} from "../command.js";
import {modelOptionSpecs} from "../input-files.js";
import {openModelFromOptions} from "./model-support.js";

export const whiteBoxModelOptions = {
    "model": modelOptionSpecs.model,
    "context-size": modelOptionSpecs["context-size"],
    "threads": modelOptionSpecs.threads,
    "json": modelOptionSpecs.json,
} as const;

export interface OpenedWhiteBox {
    path: string;
    backend: Backend;
    model: WhiteBoxModel;
}

/** Opens --model and loads its white-box engine; refuses a backend without one (and disposes it). */
export async function openWhiteBoxModel(
    options: {"model": string | undefined; "context-size": number | undefined; "threads": number | undefined},
    command: string,
    purpose: string,
    io: CommandIo,
): Promise<OpenedWhiteBox> {
    const {path, backend} = await openModelFromOptions({...options, fast: false}, command, io);
    try {
        const whiteBox = requireWhiteBox(backend, purpose);
        io.progress("loading the white-box engine");
        const model = await whiteBox.loadModel();
        io.progressDone();
        return {path, backend, model};
    } catch (error) {
        await backend.dispose();
        throw error;
    }
}

/** The text of each token on its own (special tokens shown). */
export async function tokenTexts(backend: Backend, tokens: readonly number[]): Promise<string[]> {
    return backend.detokenize(
        tokens.map((token) => [token]),
        {special: true},
    );
}

/**
 * The first token of `answer` as the model reads it after `prompt`: the prompt and the answer are
 * tokenized together and the first token past their common prefix with the prompt's tokens is taken.
 */
export async function answerToken(backend: Backend, prompt: string, answer: string, flag: string): Promise<number> {
    const [alone = [], joined = []] = await tokenizeManyWithBos(backend, [prompt, prompt + answer]);
    let common = 0;
    while (common < alone.length && alone[common] === joined[common]) common++;
    const token = joined[common];
    if (token === undefined) {
        throw new InputError(`--${flag} adds no token after the prompt`, {
            expected: "a non-empty answer text",
            received: JSON.stringify(answer),
            hint: `pass the answer text with --${flag}, e.g. " Paris"`,
        });
    }
    return token;
}

/** Index of the largest logit at one position of logits `[1, T, V]`. */
export function argmaxAt(logits: ArrayLike<number>, position: number, vocabulary: number): number {
    let best = 0;
    for (let v = 1; v < vocabulary; v++) if (logits[position * vocabulary + v]! > logits[position * vocabulary + best]!) best = v;
    return best;
}

export function formatNumber(value: number, digits = 2): string {
    return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}
