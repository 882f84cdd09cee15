/**
 * SGLang's native routes in `glassbox serve`: POST /generate (scoring with return_logprob and
 * logprob_start_len, which keeps the shared prefix on a lane; generation with top logprobs) and
 * /v1/tokenize, /v1/detokenize. Logprob entries are [logprob, token id, text or null].
 */
import type {TokenId} from "../model/backend-spec.js";
import type {ModelService} from "./model-service.js";
import {InputError} from "../errors.js";
import {detokenizeRequestSchema, sglangGenerateRequestSchema, sglangTokenizeRequestSchema, type SglangGenerateRequest} from "./request-schemas.js";
import {parseBody, type RouteResult} from "./route-support.js";
import {checkModel, detokenizeBody} from "./vllm-routes.js";

let nextId = 1;

export async function sglangGenerateRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(sglangGenerateRequestSchema, raw);
    const input = body.input_ids;
    if (input !== undefined && typeof input[0] !== "number") {
        const batch = input as TokenId[][];
        const starts = body.logprob_start_len;
        if (Array.isArray(starts) && starts.length !== batch.length) {
            throw new InputError(`logprob_start_len has ${starts.length} entries for ${batch.length} inputs`, {fields: {param: "logprob_start_len"}});
        }
        const answers = await Promise.all(
            batch.map((ids, index) => generateOne(service, body, ids, Array.isArray(starts) ? (starts[index] as number) : starts)),
        );
        return {status: 200, body: answers};
    }
    if (Array.isArray(body.logprob_start_len))
        throw new InputError("logprob_start_len is a list but input_ids is a single input", {fields: {param: "logprob_start_len"}});
    return {
        status: 200,
        body: await generateOne(service, body, (input as TokenId[] | undefined) ?? (await service.tokenizeText(body.text ?? "", true)), body.logprob_start_len),
    };
}

async function generateOne(service: ModelService, body: SglangGenerateRequest, ids: TokenId[], logprobStart: number): Promise<unknown> {
    const params = body.sampling_params;
    const withText = body.return_text_in_logprobs;
    const meta: Record<string, unknown> = {id: `sglang-${nextId++}`, prompt_tokens: ids.length, cached_tokens: 0};
    if (logprobStart >= ids.length) {
        throw new InputError(`logprob_start_len ${logprobStart} is beyond the prompt of ${ids.length} tokens`, {
            expected: `-1 … ${ids.length - 1}`,
            fields: {param: "logprob_start_len"},
        });
    }
    const maxTop = service.backend.capabilities.maxTopLogprobs;
    if (body.top_logprobs_num > maxTop) {
        throw new InputError(`top_logprobs_num ${body.top_logprobs_num} is above this server's limit`, {
            expected: `at most ${maxTop}`,
            fields: {param: "top_logprobs_num"},
        });
    }
    if (body.return_logprob && logprobStart >= 0) {
        const start = logprobStart;
        const scores = await service.scoreFrom(ids, start);
        const values: Array<number | null> = start === 0 ? [null, ...scores] : scores;
        const texts = withText ? await service.tokenTexts(ids.slice(start), ids.slice(0, start)) : [];
        meta["input_token_logprobs"] = values.map((value, offset): [number | null, TokenId, string | null] => [
            value,
            ids[start + offset] as TokenId,
            withText ? (texts[offset] ?? "") : null,
        ]);
        meta["input_top_logprobs"] = values.map(() => null);
    }
    if (params.max_new_tokens === 0) {
        service.checkTokens(ids, 0);
        return {
            text: "",
            output_ids: [],
            meta_info: {
                ...meta,
                completion_tokens: 0,
                finish_reason: {type: "length", length: 0},
                ...(body.return_logprob ? {output_token_logprobs: [], output_top_logprobs: []} : {}),
            },
        };
    }
    const generation = await service.generate({
        context: ids,
        maxTokens: params.max_new_tokens,
        temperature: params.temperature,
        seed: params.sampling_seed ?? 0,
        topLogprobs: body.return_logprob ? body.top_logprobs_num : 0,
        stopAtEog: params.ignore_eos !== true,
    });
    const history = [...ids];
    const output: Array<[number | null, TokenId, string | null]> = [];
    const top: Array<Array<[number | null, TokenId, string | null]>> = [];
    for (const item of generation.tokens) {
        output.push([item.logprob, item.token, withText ? item.text : null]);
        top.push(item.top.map((alternative) => [alternative.logprob, alternative.token, withText ? alternative.text : null]));
        history.push(item.token);
    }
    return {
        text: generation.text,
        output_ids: generation.tokens.map((item) => item.token),
        meta_info: {
            ...meta,
            completion_tokens: generation.tokens.length,
            finish_reason:
                generation.finishReason === "eog"
                    ? {type: "stop", matched: generation.tokens.at(-1)?.token ?? null}
                    : {type: "length", length: generation.tokens.length},
            ...(body.return_logprob ? {output_token_logprobs: output, output_top_logprobs: top} : {}),
        },
    };
}

export async function sglangTokenizeRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(sglangTokenizeRequestSchema, raw);
    checkModel(service, body.model);
    if (Array.isArray(body.prompt)) {
        // A list of texts (glassbox extension): one token list per text, in order.
        const lists = await service.tokenizeTexts(body.prompt, body.add_special_tokens);
        return {status: 200, body: {tokens: lists, count: lists.map((tokens) => tokens.length), char_count: body.prompt.map((text) => text.length)}};
    }
    const tokens = await service.tokenizeText(body.prompt, body.add_special_tokens);
    return {status: 200, body: {tokens, count: tokens.length, char_count: body.prompt.length}};
}

export async function sglangDetokenizeRoute(service: ModelService, raw: unknown): Promise<RouteResult> {
    const body = parseBody(detokenizeRequestSchema, raw);
    checkModel(service, body.model);
    return {status: 200, body: {text: await detokenizeBody(service, body.tokens)}};
}
