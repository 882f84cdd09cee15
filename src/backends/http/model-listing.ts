/**
 * `GET /v1/models` (vLLM, SGLang and `glassbox serve` all answer it) and the checks every remote
 * backend makes before sending tokens: the model exists, requests fit the context window, token
 * ids lie in the vocabulary. `glassbox serve` adds a `glassbox` block to its model entry with what
 * the OpenAI shape cannot say (vocabulary, BOS/EOS, model identity); other servers lack it.
 */
import {z} from "zod";
import {ArgumentError, ContextOverflowError, InputError} from "../../errors.js";
import type {TokenId} from "../../model/backend-spec.js";
import {getJson, type HttpEndpoint} from "./http-client.js";

export const glassboxModelExtensionSchema = z.object({
    backendId: z.string(),
    vocabularySize: z.number().int().nonnegative(),
    bos: z.number().int().nullable(),
    eos: z.number().int().nullable(),
    addBos: z.boolean(),
    maxLogprobs: z.number().int().nonnegative(),
    chatTemplate: z.boolean(),
    exact: z.boolean(),
    /** The tokenize routes accept a list of texts (`prompt: [...]`) and answer one token list per text. */
    tokenizeList: z.boolean().optional(),
    /** The detokenize routes accept a list of token lists (`tokens: [[...], ...]`) and answer one text per list. */
    detokenizeList: z.boolean().optional(),
    /** /v1/completions echo scoring takes `logprob_start_len`: logprobs from that position on, the cached prefix reused. */
    logprobStartLen: z.boolean().optional(),
});
export type GlassboxModelExtension = z.infer<typeof glassboxModelExtensionSchema>;

const modelEntrySchema = z.object({
    id: z.string(),
    max_model_len: z.number().int().positive().nullish(),
    glassbox: glassboxModelExtensionSchema.optional(),
});
export type ModelEntry = z.infer<typeof modelEntrySchema>;

export const modelListSchema = z.object({data: z.array(modelEntrySchema)});

/** The served model named `wanted` (or the only one when no name is given). */
export async function findServedModel(endpoint: HttpEndpoint, modelsUrl: string, wanted: string | undefined, scheme: string): Promise<ModelEntry> {
    const {data} = await getJson(endpoint, modelsUrl, modelListSchema);
    const names = data.map((entry) => entry.id);
    if (wanted === undefined) {
        if (data.length === 1) return data[0] as ModelEntry;
        throw new ArgumentError(`${endpoint.baseUrl} serves ${data.length} models; say which one`, {
            expected: "a model name after # in the model spec",
            received: names.length === 0 ? "no models" : names.join(", "),
            hint: `e.g. ${scheme}:${endpoint.baseUrl}#${names[0] ?? "MODEL"}`,
            parameter: "model",
        });
    }
    const entry = data.find((item) => item.id === wanted);
    if (entry === undefined) {
        throw new ArgumentError(`${endpoint.baseUrl} does not serve the model "${wanted}"`, {
            expected: `one of ${names.join(", ") || "(none)"}`,
            received: wanted,
            hint: "fix the name after # in the model spec",
            parameter: "model",
        });
    }
    return entry;
}

/** Refuses requests that cannot fit or name tokens outside the vocabulary (before any request is sent). */
export function checkTokens(context: readonly TokenId[], extra: number, extraName: string, contextSize: number, vocabularySize: number): void {
    if (context.length === 0) throw new InputError("the context is empty", {expected: "at least one token (BOS counts)"});
    if (context.length + extra > contextSize) {
        throw new ContextOverflowError(
            `${context.length} context tokens + ${extra} ${extraName} = ${context.length + extra} tokens do not fit the context of ${contextSize} tokens`,
            {
                hint: "shorten the prompt or target, or use a server with a longer context (vLLM: --max-model-len)",
                fields: {contextTokens: context.length, extraTokens: extra, contextSize},
            },
        );
    }
    for (const token of context) {
        if (!Number.isInteger(token) || token < 0 || (vocabularySize > 0 && token >= vocabularySize)) {
            throw new InputError(`token id ${token} is outside the vocabulary${vocabularySize > 0 ? ` of ${vocabularySize} tokens` : ""}`);
        }
    }
}
