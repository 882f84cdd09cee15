/**
 * The parts of SGLang's native /generate answer glassbox reads (python/sglang/srt/managers/
 * io_struct.py; meta_info built by the tokenizer manager). Logprob entries are tuples
 * [logprob, token id] or [logprob, token id, text]; the first input entry may be null.
 */
import {z} from "zod";
import {array, finiteNumber, integer, isFiniteNumber, record, rethrowWithin, string, within} from "../http/response-checks.js";

export const logprobEntrySchema = z.tuple([z.number().nullable(), z.number().int()]).rest(z.unknown());

export const generateResponseSchema = z.object({
    text: z.string(),
    meta_info: z.object({
        prompt_tokens: z.number().int().optional(),
        cached_tokens: z.number().int().optional(),
        finish_reason: z.object({type: z.string()}).passthrough().nullish(),
        input_token_logprobs: z.array(logprobEntrySchema).nullish(),
        output_token_logprobs: z.array(logprobEntrySchema).nullish(),
        output_top_logprobs: z.array(z.array(logprobEntrySchema).nullable()).nullish(),
    }),
});
export type GenerateResponse = z.infer<typeof generateResponseSchema>;

/**
 * {@link generateResponseSchema} as a hand-written check (the same bodies accepted and refused,
 * the same field named), for the scoring path: it runs once per prompt of every scoring request.
 */
export function checkGenerateResponse(data: unknown): GenerateResponse {
    const body = record(data);
    within("text", body["text"], string);
    within("meta_info", body["meta_info"], checkMetaInfo);
    return data as GenerateResponse;
}

/** A list of generate answers (one per prompt of a batched /generate). */
export function checkGenerateResponses(data: unknown): GenerateResponse[] {
    const list = array(data);
    for (let index = 0; index < list.length; index++) within(index, list[index], checkGenerateResponse);
    return list as GenerateResponse[];
}

function checkMetaInfo(value: unknown): void {
    const meta = record(value);
    within("prompt_tokens", meta["prompt_tokens"], optionalInteger);
    within("cached_tokens", meta["cached_tokens"], optionalInteger);
    within("finish_reason", meta["finish_reason"], checkFinishReason);
    within("input_token_logprobs", meta["input_token_logprobs"], checkLogprobEntries);
    within("output_token_logprobs", meta["output_token_logprobs"], checkLogprobEntries);
    const top = meta["output_top_logprobs"];
    if (top === undefined || top === null) return;
    const positions = within("output_top_logprobs", top, array);
    for (let index = 0; index < positions.length; index++) {
        if (positions[index] === null) continue;
        try {
            checkLogprobEntries(positions[index], false);
        } catch (error) {
            rethrowWithin(error, "output_top_logprobs", index);
        }
    }
}

function optionalInteger(value: unknown): void {
    if (value !== undefined) integer(value);
}

function checkFinishReason(value: unknown): void {
    if (value === undefined || value === null) return;
    within("type", record(value)["type"], string);
}

/** A list of [logprob | null, token id, ...] entries (absent or null allowed where `nullish`). */
function checkLogprobEntries(value: unknown, nullish = true): void {
    if (nullish && (value === undefined || value === null)) return;
    const entries = array(value);
    for (let index = 0; index < entries.length; index++) {
        const entry = entries[index];
        if (Array.isArray(entry) && entry.length >= 2 && (entry[0] === null || isFiniteNumber(entry[0])) && Number.isSafeInteger(entry[1])) continue;
        try {
            const tuple = array(entry);
            if (tuple[0] !== null) within(0, tuple[0], finiteNumber);
            within(1, tuple[1], integer);
        } catch (error) {
            rethrowWithin(error, index);
        }
    }
}
