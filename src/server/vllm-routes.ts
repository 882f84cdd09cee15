/**
 * The vLLM-compatible routes of `glassbox serve`: /v1/models, /v1/completions (echo scoring with
 * max_tokens 0, prompt_logprobs, generation with logprobs), /v1/chat/completions, /tokenize and
 * /detokenize. Shapes follow vLLM's OpenAI-compatible server (docs/remote-backends.md); one
 * extension: /tokenize (and SGLang's /v1/tokenize) also take a list of texts, so a client
 * tokenizes a batch of prompts in one request (the model entry says `tokenizeList: true`).
 */
import {InputError} from "../errors.js";
import type {Generation, TokenAlternative, TokenId} from "../model/backend-spec.js";
import {checkVocabulary} from "../model/token-window.js";
import type {ModelService} from "./model-service.js";
import {
    chatCompletionRequestSchema,
    completionRequestSchema,
    detokenizeRequestSchema,
    tokenizeRequestSchema,
    type CompletionRequest,
} from "./request-schemas.js";
import {parseBody, type RouteResult} from "./route-support.js";

let nextId = 1;

export function modelsRoute(service: ModelService): RouteResult {
    const {backend} = service;
    return {
        status: 200,
        body: {
            object: "list",
            data: [
                {
                    id: service.modelName,
                    object: "model",
                    created: 0,
                    owned_by: "glassbox",
                    root: backend.name,
                    max_model_len: backend.capabilities.contextSize,
                    glassbox: {
                        backendId: backend.id,
                        vocabularySize: backend.vocabulary.size,
                        bos: backend.vocabulary.bos ?? null,
                        eos: backend.vocabulary.eos ?? null,
                        addBos: backend.vocabulary.addBos,
                        maxLogprobs: backend.capabilities.maxTopLogprobs,
                        maxPromptLogprobs: service.maxPromptLogprobs,
                        chatTemplate: backend.capabilities.chatTemplate,
                        exact: backend.capabilities.precision === "exact",
                        tokenizeList: true,
                        detokenizeList: true,
                        logprobStartLen: true,
                    },
                },
            ],
        },
    };
}

export async function tokenizeRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(tokenizeRequestSchema, raw);
    checkModel(service, body.model);
    const maxModelLength = service.backend.capabilities.contextSize;
    let tokens: TokenId[];
    if ("prompt" in body) {
        const {prompt, add_special_tokens: addSpecialTokens} = body;
        if (typeof prompt !== "string") {
            // A list of texts (glassbox extension, advertised as tokenizeList): one token list per text, in order.
            const lists = await service.tokenizeTexts(prompt, addSpecialTokens);
            return {status: 200, body: {count: lists.map((list) => list.length), max_model_len: maxModelLength, tokens: lists}};
        }
        tokens = await service.tokenizeText(prompt, addSpecialTokens);
    } else {
        tokens = await renderMessages(service, body.messages, body.continue_final_message);
    }
    return {status: 200, body: {count: tokens.length, max_model_len: maxModelLength, tokens}};
}

export async function detokenizeRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(detokenizeRequestSchema, raw);
    checkModel(service, body.model);
    return {status: 200, body: {prompt: await detokenizeBody(service, body.tokens)}};
}

/**
 * The text of one token list, or (a glassbox extension, advertised as detokenizeList) the texts of
 * a list of token lists, in order; ids are checked against the vocabulary first.
 */
export async function detokenizeBody(service: ModelService, tokens: TokenId[] | TokenId[][]): Promise<string | string[]> {
    const sequences = tokens.length > 0 && Array.isArray(tokens[0]) ? (tokens as TokenId[][]) : [tokens as TokenId[]];
    for (const sequence of sequences) checkVocabulary(sequence, service.backend.vocabulary.size);
    const texts = await service.backend.detokenize(sequences);
    return sequences === tokens ? texts : (texts[0] ?? "");
}

export async function completionsRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(completionRequestSchema, raw);
    checkModel(service, body.model);
    const prompts: TokenId[][] =
        typeof body.prompt === "string" ? [await service.tokenizeText(body.prompt, true)] : isTokenList(body.prompt) ? [body.prompt] : body.prompt;
    const maxTokens = body.max_tokens ?? 16;
    if (body.echo && maxTokens !== 0) {
        throw new InputError("glassbox serve supports echo only with max_tokens 0 (scoring)", {
            received: `max_tokens ${maxTokens}`,
            fields: {param: "max_tokens"},
        });
    }
    if (!body.echo) checkTopLogprobs(service, body.logprobs ?? 0, "logprobs");
    checkPromptLogprobs(service, body.prompt_logprobs);
    for (const prompt of prompts) service.checkTokens(prompt, body.echo ? 0 : maxTokens);
    const starts = logprobStarts(body, prompts);
    const choices = await Promise.all(
        prompts.map((prompt, index) =>
            body.echo ? echoChoice(service, body, prompt, index, starts[index] ?? 1) : generationChoice(service, body, prompt, index),
        ),
    );
    const promptTokens = prompts.reduce((sum, prompt) => sum + prompt.length, 0);
    const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
    return {
        status: 200,
        body: {
            id: `cmpl-${nextId++}`,
            object: "text_completion",
            created: Math.floor(Date.now() / 1000),
            model: service.modelName,
            choices: choices.map((choice) => choice.body),
            usage: {prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens},
        },
    };
}

function isTokenList(prompt: readonly TokenId[] | readonly TokenId[][]): prompt is TokenId[] {
    return typeof prompt[0] === "number";
}

interface BuiltChoice {
    body: unknown;
    completionTokens: number;
}

/**
 * Where echo scoring starts in each prompt (`logprob_start_len`, a glassbox extension; 1 without
 * it: position 0 has no logprob): one number for every prompt, or one per prompt.
 */
function logprobStarts(body: CompletionRequest, prompts: readonly TokenId[][]): number[] {
    const given = body.logprob_start_len;
    if (given === undefined) return prompts.map(() => 1);
    if (!body.echo) {
        throw new InputError("logprob_start_len applies only to echo scoring", {
            expected: "echo: true with max_tokens 0",
            fields: {param: "logprob_start_len"},
        });
    }
    if (Array.isArray(given) && given.length !== prompts.length) {
        throw new InputError(`logprob_start_len has ${given.length} entries for ${prompts.length} prompts`, {
            expected: `one start per prompt (${prompts.length})`,
            fields: {param: "logprob_start_len"},
        });
    }
    return prompts.map((prompt, index) => {
        const start = Array.isArray(given) ? (given[index] as number) : given;
        if (start >= prompt.length) {
            throw new InputError(`logprob_start_len ${start} is beyond the prompt of ${prompt.length} tokens`, {
                expected: `0 … ${prompt.length - 1}`,
                fields: {param: "logprob_start_len"},
            });
        }
        return Math.max(1, start);
    });
}

async function echoChoice(service: ModelService, body: CompletionRequest, prompt: TokenId[], index: number, start: number): Promise<BuiltChoice> {
    const asIds = body.return_tokens_as_token_ids === true;
    const logprobs = await service.scoreFrom(prompt, start);
    const values: Array<number | null> = [...Array.from({length: start}, () => null), ...logprobs];
    const wantLogprobs = body.logprobs !== undefined && body.logprobs !== null;
    const wantPrompt = body.prompt_logprobs !== undefined && body.prompt_logprobs !== null;
    const texts = (wantLogprobs && !asIds) || (wantPrompt && !asIds) ? await service.tokenTexts(prompt) : [];
    const promptTop = await promptAlternatives(service, prompt, body.prompt_logprobs);
    const keys = wantLogprobs ? prompt.map((token, position) => (asIds ? `token_id:${token}` : (texts[position] ?? ""))) : [];
    return {
        completionTokens: 0,
        body: {
            index,
            text: await service.detokenize(prompt),
            logprobs: wantLogprobs
                ? {
                      tokens: keys,
                      token_logprobs: values,
                      top_logprobs: values.map((value, position) => (value === null ? null : {[keys[position] as string]: value})),
                      text_offset: offsets(keys),
                  }
                : null,
            // As vLLM: echo with logprobs fills prompt_logprobs too.
            prompt_logprobs: wantPrompt || wantLogprobs ? await promptLogprobs(service, prompt, values, texts, asIds, promptTop) : null,
            finish_reason: "length",
        },
    };
}

async function generationChoice(service: ModelService, body: CompletionRequest, prompt: TokenId[], index: number): Promise<BuiltChoice> {
    const asIds = body.return_tokens_as_token_ids === true;
    const topLogprobs = body.logprobs ?? 0;
    const promptScores = body.prompt_logprobs === undefined || body.prompt_logprobs === null ? undefined : [null, ...(await service.scoreFrom(prompt, 1))];
    const promptTop = await promptAlternatives(service, prompt, body.prompt_logprobs);
    const generation = await service.generate({
        context: prompt,
        maxTokens: body.max_tokens ?? 16,
        temperature: body.temperature ?? 1,
        seed: body.seed ?? 0,
        topLogprobs,
        stopAtEog: body.ignore_eos !== true,
    });
    const keys = generation.tokens.map((item) => (asIds ? `token_id:${item.token}` : item.text));
    const wantLogprobs = body.logprobs !== undefined && body.logprobs !== null;
    return {
        completionTokens: generation.tokens.length,
        body: {
            index,
            text: generation.text,
            logprobs: wantLogprobs
                ? {
                      tokens: keys,
                      token_logprobs: generation.tokens.map((item) => item.logprob),
                      top_logprobs: generation.tokens.map((item) => alternatives(item, asIds)),
                      text_offset: offsets(keys),
                  }
                : null,
            prompt_logprobs:
                promptScores === undefined
                    ? null
                    : await promptLogprobs(service, prompt, promptScores, asIds ? [] : await service.tokenTexts(prompt), asIds, promptTop),
            finish_reason: generation.finishReason === "eog" ? "stop" : "length",
        },
    };
}

export async function chatCompletionsRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(chatCompletionRequestSchema, raw);
    checkModel(service, body.model);
    const prompt = await renderMessages(service, body.messages, body.continue_final_message === true);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 16;
    const topLogprobs = body.logprobs === true ? (body.top_logprobs ?? 0) : 0;
    checkTopLogprobs(service, topLogprobs, "top_logprobs");
    checkPromptLogprobs(service, body.prompt_logprobs);
    const promptScores = body.prompt_logprobs === undefined || body.prompt_logprobs === null ? undefined : [null, ...(await service.scoreFrom(prompt, 1))];
    const promptTop = await promptAlternatives(service, prompt, body.prompt_logprobs);
    const generation: Generation =
        maxTokens === 0
            ? {tokens: [], text: "", finishReason: "length"}
            : await service.generate({
                  context: prompt,
                  maxTokens,
                  temperature: body.temperature ?? 1,
                  seed: body.seed ?? 0,
                  topLogprobs,
                  stopAtEog: body.ignore_eos !== true,
              });
    const asIds = body.return_tokens_as_token_ids === true;
    const entry = (token: TokenId, text: string, logprob: number) => ({
        token: asIds ? `token_id:${token}` : text,
        logprob,
        bytes: [...Buffer.from(text, "utf8")],
    });
    return {
        status: 200,
        body: {
            id: `chatcmpl-${nextId++}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: service.modelName,
            choices: [
                {
                    index: 0,
                    message: {role: "assistant", content: generation.text},
                    logprobs:
                        body.logprobs === true
                            ? {
                                  content: generation.tokens.map((item) => ({
                                      ...entry(item.token, item.text, item.logprob),
                                      top_logprobs: item.top.map((alternative) => entry(alternative.token, alternative.text, alternative.logprob)),
                                  })),
                              }
                            : null,
                    finish_reason: generation.finishReason === "eog" ? "stop" : "length",
                },
            ],
            prompt_logprobs:
                promptScores === undefined
                    ? null
                    : await promptLogprobs(service, prompt, promptScores, asIds ? [] : await service.tokenTexts(prompt), asIds, promptTop),
            usage: {prompt_tokens: prompt.length, completion_tokens: generation.tokens.length, total_tokens: prompt.length + generation.tokens.length},
        },
    };
}

function renderMessages(
    service: ModelService,
    messages: ReadonlyArray<{role: "system" | "user" | "assistant"; content: string}>,
    continueFinal: boolean,
): Promise<TokenId[]> {
    if (!continueFinal) return service.renderChat({messages});
    const last = messages.at(-1);
    if (last?.role !== "assistant") {
        throw new InputError("continue_final_message needs a final assistant message", {
            received: `a final ${last?.role ?? "nothing"} message`,
            fields: {param: "messages"},
        });
    }
    return service.renderChat({messages: messages.slice(0, -1), assistantResponse: last.content});
}

/**
 * vLLM's prompt_logprobs: null for the first position, then per position a dict keyed by token id
 * holding the N best alternatives (rank 1 … N) and the prompt token itself (its rank when it is
 * among them, else null: its exact rank beyond N is not computed). Texts are read in context:
 * `texts` for the prompt's own tokens, one batched call for the alternatives.
 */
async function promptLogprobs(
    service: ModelService,
    prompt: readonly TokenId[],
    values: ReadonlyArray<number | null>,
    texts: readonly string[],
    asIds = false,
    alternatives: readonly TokenAlternative[][] = [],
): Promise<unknown[]> {
    const alternativeTexts =
        asIds || alternatives.length === 0
            ? []
            : await service.backend.tokenTexts(
                  alternatives.flatMap((top, step) => top.map((alternative) => ({tokens: [alternative.token], previous: prompt.slice(0, step + 1)}))),
              );
    let next = 0;
    const textsAt = alternatives.map((top) => top.map(() => alternativeTexts[next++]?.[0] ?? ""));
    return prompt.map((token, index) => {
        const value = values[index];
        if (value === null || value === undefined) return null;
        const entries: Record<string, {logprob: number; rank: number | null; decoded_token: string}> = {};
        (alternatives[index - 1] ?? []).forEach((alternative, rank) => {
            entries[String(alternative.token)] = {
                logprob: alternative.logprob,
                rank: rank + 1,
                decoded_token: asIds ? `token_id:${alternative.token}` : (textsAt[index - 1]?.[rank] ?? ""),
            };
        });
        const own = entries[String(token)];
        entries[String(token)] = {logprob: value, rank: own?.rank ?? null, decoded_token: asIds ? `token_id:${token}` : (texts[index] ?? "")};
        return entries;
    });
}

/** The alternatives prompt_logprobs N > 0 asks for (none for 0 or absent). */
function promptAlternatives(service: ModelService, prompt: readonly TokenId[], requested: number | null | undefined): Promise<TokenAlternative[][]> {
    return requested === undefined || requested === null || requested === 0 ? Promise.resolve([]) : service.promptAlternatives(prompt, requested);
}

function checkPromptLogprobs(service: ModelService, requested: number | null | undefined): void {
    const limit = service.maxPromptLogprobs;
    if (requested !== undefined && requested !== null && requested > limit) {
        throw new InputError(`prompt_logprobs ${requested} is above this server's limit`, {expected: `at most ${limit}`, fields: {param: "prompt_logprobs"}});
    }
}

function alternatives(item: Generation["tokens"][number], asIds: boolean): Record<string, number> {
    const entries: Record<string, number> = {};
    for (const alternative of item.top) entries[asIds ? `token_id:${alternative.token}` : alternative.text] ??= alternative.logprob;
    const chosen = asIds ? `token_id:${item.token}` : item.text;
    entries[chosen] ??= item.logprob;
    return entries;
}

function offsets(pieces: readonly string[]): number[] {
    let offset = 0;
    return pieces.map((piece) => {
        const start = offset;
        offset += piece.length;
        return start;
    });
}

function checkTopLogprobs(service: ModelService, requested: number, param: string): void {
    const limit = service.backend.capabilities.maxTopLogprobs;
    if (requested > limit) throw new InputError(`${param} ${requested} is above this server's limit`, {expected: `at most ${limit}`, fields: {param}});
}

export function checkModel(service: ModelService, model: string | undefined): void {
    if (model !== undefined && model !== service.modelName) {
        throw new InputError(`this server serves "${service.modelName}", not "${model}"`, {fields: {param: "model", status: 404}});
    }
}
