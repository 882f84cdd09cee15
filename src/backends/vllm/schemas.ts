/**
 * The parts of vLLM's OpenAI-compatible responses glassbox reads (vllm/entrypoints/openai
 * protocol: CompletionResponse, ChatCompletionResponse, TokenizeResponse). Unknown fields are
 * ignored; a missing or mistyped field is reported by name (http-client.ts validateResponse).
 */
import {z} from "zod";

/** `{ "token_id:42": -0.1, ... }` or `{ " cat": -0.1 }`: one position's top alternatives. */
const topLogprobsSchema = z.record(z.string(), z.number()).nullable();

export const completionLogprobsSchema = z.object({
    tokens: z.array(z.string()),
    token_logprobs: z.array(z.number().nullable()),
    top_logprobs: z.array(topLogprobsSchema).nullish(),
    text_offset: z.array(z.number()).nullish(),
});

/** One position of `prompt_logprobs`: `{ "<token id>": {logprob, rank, decoded_token} }`, first entry null. */
const promptLogprobEntrySchema = z.record(z.string(), z.object({logprob: z.number(), rank: z.number().nullish(), decoded_token: z.string().nullish()})).nullable();
export const promptLogprobsSchema = z.array(promptLogprobEntrySchema);

export const completionResponseSchema = z.object({
    choices: z.array(z.object({
        index: z.number().int().nonnegative().optional(),
        text: z.string(),
        logprobs: completionLogprobsSchema.nullable(),
        prompt_logprobs: promptLogprobsSchema.nullish(),
        finish_reason: z.string().nullish(),
    })).min(1),
});
export type CompletionResponse = z.infer<typeof completionResponseSchema>;

/** Scoring reads only the per-position logprobs: a lean schema keeps validation cheap for long prompts. */
export const scoringResponseSchema = z.object({
    choices: z.array(z.object({
        index: z.number().int().nonnegative().optional(),
        logprobs: z.object({token_logprobs: z.array(z.number().nullable())}).nullable(),
        prompt_logprobs: promptLogprobsSchema.nullish(),
    })).min(1),
});
export type ScoringResponse = z.infer<typeof scoringResponseSchema>;

const chatTopSchema = z.object({token: z.string(), logprob: z.number()});
export const chatCompletionResponseSchema = z.object({
    choices: z.array(z.object({
        message: z.object({content: z.string().nullable()}),
        logprobs: z.object({content: z.array(chatTopSchema.extend({top_logprobs: z.array(chatTopSchema)})).nullable()}).nullish(),
        finish_reason: z.string().nullish(),
    })).min(1),
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
