/**
 * The parts of SGLang's native /generate answer glassbox reads (python/sglang/srt/managers/
 * io_struct.py; meta_info built by the tokenizer manager). Logprob entries are tuples
 * [logprob, token id] or [logprob, token id, text]; the first input entry may be null.
 */
import {z} from "zod";

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
