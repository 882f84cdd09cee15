/**
 * Request bodies `glassbox serve` accepts: the vLLM scoring and generation subset of the OpenAI
 * API, vLLM's /tokenize and /detokenize, and SGLang's native /generate (+ /v1/tokenize,
 * /v1/detokenize). Fields outside the subset are ignored, as OpenAI-compatible servers do;
 * unsupported values of known fields are refused with the field's name.
 */
import {z} from "zod";

const tokenIds = z.array(z.number().int().nonnegative());
const message = z.object({role: z.enum(["system", "user", "assistant"]), content: z.string()});

export const completionRequestSchema = z.object({
    model: z.string().optional(),
    /** A text, a token list, or a list of token lists (several prompts, one choice each). */
    prompt: z.union([z.string(), tokenIds.min(1), z.array(tokenIds.min(1)).min(1)]),
    echo: z.boolean().default(false),
    max_tokens: z.number().int().nonnegative().nullish(),
    logprobs: z.number().int().nonnegative().nullish(),
    prompt_logprobs: z.number().int().min(0).nullish(),
    temperature: z.number().nonnegative().nullish(),
    seed: z.number().int().nullish(),
    n: z.literal(1).optional(),
    stream: z.literal(false).optional(),
    ignore_eos: z.boolean().optional(),
    return_tokens_as_token_ids: z.boolean().optional(),
    /**
     * glassbox extension (advertised as `logprobStartLen`): with echo, the first prompt position
     * whose logprob is computed (one per prompt for a list of prompts); earlier positions answer
     * null, and the lane's cached prefix up to there is reused.
     */
    logprob_start_len: z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative()).min(1)]).optional(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const chatCompletionRequestSchema = z.object({
    model: z.string().optional(),
    messages: z.array(message).min(1),
    max_tokens: z.number().int().nonnegative().nullish(),
    max_completion_tokens: z.number().int().nonnegative().nullish(),
    logprobs: z.boolean().optional(),
    top_logprobs: z.number().int().nonnegative().nullish(),
    prompt_logprobs: z.number().int().min(0).nullish(),
    temperature: z.number().nonnegative().nullish(),
    seed: z.number().int().nullish(),
    n: z.literal(1).optional(),
    stream: z.literal(false).optional(),
    add_generation_prompt: z.boolean().optional(),
    continue_final_message: z.boolean().optional(),
    ignore_eos: z.boolean().optional(),
    return_tokens_as_token_ids: z.boolean().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** Most texts in one tokenize request (a list `prompt` is a glassbox extension of the vLLM and SGLang shapes). */
export const maxTokenizeTexts = 4096;
const tokenizePrompt = z.union([z.string(), z.array(z.string()).min(1).max(maxTokenizeTexts)]);

export const tokenizeRequestSchema = z.union([
    z.object({model: z.string().optional(), prompt: tokenizePrompt, add_special_tokens: z.boolean().default(true)}),
    z.object({
        model: z.string().optional(),
        messages: z.array(message).min(1),
        add_generation_prompt: z.boolean().default(true),
        continue_final_message: z.boolean().default(false),
        add_special_tokens: z.boolean().default(false),
    }),
]);
export type TokenizeRequest = z.infer<typeof tokenizeRequestSchema>;

/** Most token sequences in one detokenize request (a list of lists is a glassbox extension). */
export const maxDetokenizeSequences = 4096;
export const detokenizeRequestSchema = z.object({
    model: z.string().optional(),
    tokens: z.union([tokenIds, z.array(tokenIds).min(1).max(maxDetokenizeSequences)]),
});

export const sglangGenerateRequestSchema = z
    .object({
        /** One token list, or a list of them (a batch: the answer is then a list). */
        input_ids: z.union([tokenIds.min(1), z.array(tokenIds.min(1)).min(1)]).optional(),
        text: z.string().optional(),
        sampling_params: z
            .object({
                max_new_tokens: z.number().int().nonnegative().default(128),
                temperature: z.number().nonnegative().default(1),
                sampling_seed: z.number().int().optional(),
                ignore_eos: z.boolean().optional(),
                skip_special_tokens: z.boolean().optional(),
            })
            .default({max_new_tokens: 128, temperature: 1}),
        return_logprob: z.boolean().default(false),
        logprob_start_len: z.union([z.number().int().min(-1), z.array(z.number().int().min(-1))]).default(-1),
        top_logprobs_num: z.number().int().nonnegative().default(0),
        return_text_in_logprobs: z.boolean().default(false),
        stream: z.literal(false).optional(),
    })
    .refine((body) => (body.input_ids === undefined) !== (body.text === undefined), {message: "give exactly one of input_ids and text", path: ["input_ids"]});
export type SglangGenerateRequest = z.infer<typeof sglangGenerateRequestSchema>;

export const sglangTokenizeRequestSchema = z.object({model: z.string().optional(), prompt: tokenizePrompt, add_special_tokens: z.boolean().default(true)});
