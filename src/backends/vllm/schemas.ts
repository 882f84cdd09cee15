/**
 * The parts of vLLM's OpenAI-compatible responses glassbox reads (vllm/entrypoints/openai
 * protocol: CompletionResponse, ChatCompletionResponse, TokenizeResponse). Unknown fields are
 * ignored; a missing or mistyped field is reported by name (http-client.ts validateResponse).
 */
import {z} from "zod";
import {
    array,
    finiteNumber,
    integer,
    isFiniteNumber,
    isRecord,
    nonEmptyArray,
    nullableNumbers,
    optionalNumber,
    optionalString,
    record,
    rethrowWithin,
    ShapeIssue,
    within,
} from "../http/response-checks.js";

/** `{ "token_id:42": -0.1, ... }` or `{ " cat": -0.1 }`: one position's top alternatives. */
const topLogprobsSchema = z.record(z.string(), z.number()).nullable();

export const completionLogprobsSchema = z.object({
    tokens: z.array(z.string()),
    token_logprobs: z.array(z.number().nullable()),
    top_logprobs: z.array(topLogprobsSchema).nullish(),
    text_offset: z.array(z.number()).nullish(),
});

/** One position of `prompt_logprobs`: `{ "<token id>": {logprob, rank, decoded_token} }`, first entry null. */
const promptLogprobEntrySchema = z
    .record(z.string(), z.object({logprob: z.number(), rank: z.number().nullish(), decoded_token: z.string().nullish()}))
    .nullable();
export const promptLogprobsSchema = z.array(promptLogprobEntrySchema);

export const completionResponseSchema = z.object({
    choices: z
        .array(
            z.object({
                index: z.number().int().nonnegative().optional(),
                text: z.string(),
                logprobs: completionLogprobsSchema.nullable(),
                prompt_logprobs: promptLogprobsSchema.nullish(),
                finish_reason: z.string().nullish(),
            }),
        )
        .min(1),
});
export type CompletionResponse = z.infer<typeof completionResponseSchema>;

/** Scoring reads only the per-position logprobs: a lean schema keeps validation cheap for long prompts. */
export const scoringResponseSchema = z.object({
    choices: z
        .array(
            z.object({
                index: z.number().int().nonnegative().optional(),
                logprobs: z.object({token_logprobs: z.array(z.number().nullable())}).nullable(),
                prompt_logprobs: promptLogprobsSchema.nullish(),
            }),
        )
        .min(1),
});
export type ScoringResponse = z.infer<typeof scoringResponseSchema>;

/**
 * {@link scoringResponseSchema} as a hand-written check (it accepts and refuses the same bodies,
 * naming the same field): a batch answer holds a logprob and a top-logprob entry per prompt
 * position of every prompt, and this runs once per scoring request.
 */
export function checkScoringResponse(data: unknown): ScoringResponse {
    const choices = within("choices", record(data)["choices"], nonEmptyArray);
    for (let index = 0; index < choices.length; index++) {
        try {
            checkScoringChoice(choices[index]);
        } catch (error) {
            rethrowWithin(error, "choices", index);
        }
    }
    return data as ScoringResponse;
}

function checkScoringChoice(value: unknown): void {
    const choice = record(value);
    const index = choice["index"];
    if (index !== undefined) {
        within("index", index, integer);
        if ((index as number) < 0) throw new ShapeIssue(["index"], "Too small: expected number to be >=0");
    }
    within("logprobs", choice["logprobs"], checkNullableTokenLogprobs);
    within("prompt_logprobs", choice["prompt_logprobs"], checkPromptLogprobs);
}

function checkNullableTokenLogprobs(value: unknown): void {
    if (value === null) return;
    within("token_logprobs", record(value)["token_logprobs"], nullableNumbers);
}

/** `prompt_logprobs`: absent, null, or a list of (null | {"<token id>": {logprob, rank?, decoded_token?}}). */
function checkPromptLogprobs(value: unknown): void {
    if (value === undefined || value === null) return;
    const entries = array(value);
    for (let position = 0; position < entries.length; position++) {
        const entry = entries[position];
        if (entry === null) continue;
        const alternatives = isRecord(entry) ? entry : within(position, entry, record);
        for (const key in alternatives) {
            const item = alternatives[key];
            if (
                isRecord(item) &&
                isFiniteNumber(item["logprob"]) &&
                (item["rank"] === undefined || item["rank"] === null || isFiniteNumber(item["rank"])) &&
                (item["decoded_token"] === undefined || item["decoded_token"] === null || typeof item["decoded_token"] === "string")
            )
                continue;
            try {
                checkPromptLogprobItem(item);
            } catch (error) {
                rethrowWithin(error, position, key);
            }
        }
    }
}

function checkPromptLogprobItem(value: unknown): void {
    const item = record(value);
    within("logprob", item["logprob"], finiteNumber);
    within("rank", item["rank"], optionalNumber);
    within("decoded_token", item["decoded_token"], optionalString);
}

const chatTopSchema = z.object({token: z.string(), logprob: z.number()});
export const chatCompletionResponseSchema = z.object({
    choices: z
        .array(
            z.object({
                message: z.object({content: z.string().nullable()}),
                logprobs: z.object({content: z.array(chatTopSchema.extend({top_logprobs: z.array(chatTopSchema)})).nullable()}).nullish(),
                finish_reason: z.string().nullish(),
            }),
        )
        .min(1),
    prompt_logprobs: promptLogprobsSchema.nullish(),
});

export const tokenizeResponseSchema = z.object({
    tokens: z.array(z.number().int()),
    count: z.number().int().optional(),
    max_model_len: z.number().int().optional(),
});

/** `token_id:123` (return_tokens_as_token_ids) → 123. */
export function tokenIdFromKey(key: string): number | undefined {
    const match = /^token_id:(-?\d+)$/.exec(key);
    return match === null ? undefined : Number(match[1]);
}
