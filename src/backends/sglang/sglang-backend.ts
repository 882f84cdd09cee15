/**
 * SGLang through its native API (also served by `glassbox serve`).
 *
 * Scoring: POST /generate with `input_ids` = context ++ target, `max_new_tokens: 0`,
 * `return_logprob` and `logprob_start_len` = context length − 1. SGLang caps its radix-cache
 * match at logprob_start_len, so the shared prefix of perturbations is served from its cache;
 * the last `target.length` entries of meta_info.input_token_logprobs are the target's, and their
 * token ids are checked against the target. Generation: /generate with top_logprobs_num.
 * Tokenization: /v1/tokenize and /v1/detokenize, asynchronous and batched. SGLang has no chat-template tokenize route, so
 * chat prompts need the vllm: scheme (or glassbox's own rendering with a local GGUF).
 */
import {BackendError, CapabilityError} from "../../errors.js";
import {
    backendSpecificationVersion,
    type Backend,
    type BackendCapabilities,
    type ChatRenderRequest,
    type GeneratedToken,
    type GenerateRequest,
    type Generation,
    type ScoreRequest,
    type ScoreResult,
    type TokenId,
    type TokenTextRequest,
    type VocabularyInfo,
} from "../../model/backend-spec.js";
import {checkGenerateWindow, checkScoreWindow, windowLimits} from "../../model/token-window.js";
import {joinUrl, postJson, type HttpEndpoint} from "../http/http-client.js";
import {findServedModel} from "../http/model-listing.js";
import {modelTokenizerRoutes, RemoteTokenizer, withTexts} from "../http/remote-tokenizer.js";
import {RequestCoalescer} from "../http/request-coalescer.js";
import {checkGenerateResponse, checkGenerateResponses, generateResponseSchema, type GenerateResponse} from "./schemas.js";
import {z} from "zod";

export interface SglangOptions extends HttpEndpoint {
    model?: string | undefined;
    /** Requests kept in flight (lanes). Default 8. */
    concurrency?: number | undefined;
    /** Largest top-k to ask for. Default: what glassbox serve reports, else 20. */
    maxLogprobs?: number | undefined;
    /** Most prompts per scoring request (score calls made together go as one batched /generate). Default 16; 1 disables. */
    batch?: number | undefined;
}

const tokenizeSchema = z.object({tokens: z.array(z.number().int())});

export async function openSglangModel(options: SglangOptions): Promise<SglangBackend> {
    const endpoint: HttpEndpoint = {
        baseUrl: options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, ""),
        apiKey: options.apiKey,
        ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
        watch: options.watch,
    };
    const entry = await findServedModel(endpoint, joinUrl(endpoint.baseUrl, "v1/models"), options.model, "sglang");
    const bosProbe = await postJson(
        endpoint,
        joinUrl(endpoint.baseUrl, "v1/tokenize"),
        {model: entry.id, prompt: "", add_special_tokens: true},
        tokenizeSchema,
    );
    if (entry.max_model_len === undefined || entry.max_model_len === null) {
        throw new BackendError(`${endpoint.baseUrl} does not report the model's context length`, {expected: "max_model_len in /v1/models"});
    }
    const extension = entry.glassbox;
    return new SglangBackend(
        endpoint,
        entry.id,
        {
            size: extension?.vocabularySize ?? 0,
            bos: extension?.bos ?? bosProbe.tokens[0],
            eos: extension?.eos ?? undefined,
            addBos: extension?.addBos ?? bosProbe.tokens.length > 0,
        },
        {
            scoring: true,
            generation: true,
            tokenizer: true,
            chatTemplate: false,
            chatFormat: "not available over the SGLang API",
            maxTopLogprobs: options.maxLogprobs ?? extension?.maxLogprobs ?? 20,
            contextSize: entry.max_model_len,
            lanes: Math.max(1, Math.floor(options.concurrency ?? 8)),
            precision: extension?.exact === true ? "exact" : "fast",
        },
        extension?.backendId,
        Math.max(1, Math.floor(options.batch ?? 16)),
        {
            texts: extension?.tokenizeList === true,
            sequences: extension?.detokenizeList === true,
        },
    );
}

interface ScoringItem {
    ids: TokenId[];
    start: number;
}

export class SglangBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly baseUrl: string;
    private readonly generateUrl: string;
    private readonly tokenizer: RemoteTokenizer;
    private readonly scoring: RequestCoalescer<ScoringItem, GenerateResponse>;

    constructor(
        private readonly endpoint: HttpEndpoint,
        private readonly model: string,
        readonly vocabulary: VocabularyInfo,
        readonly capabilities: BackendCapabilities,
        modelIdentity: string | undefined,
        batch = 16,
        /** Whether the tokenize and detokenize routes take lists (glassbox serve says so). */
        acceptsLists: {texts: boolean; sequences: boolean} = {texts: false, sequences: false},
    ) {
        this.baseUrl = endpoint.baseUrl;
        this.id = `sglang:${modelIdentity ?? model}`;
        this.name = `${model} (SGLang API at ${endpoint.baseUrl})`;
        this.generateUrl = joinUrl(endpoint.baseUrl, "generate");
        this.tokenizer = new RemoteTokenizer(
            endpoint,
            modelTokenizerRoutes(model, {
                tokenizeUrl: joinUrl(endpoint.baseUrl, "v1/tokenize"),
                detokenizeUrl: joinUrl(endpoint.baseUrl, "v1/detokenize"),
                detokenizedField: "text",
                acceptsTextList: acceptsLists.texts,
                acceptsSequenceList: acceptsLists.sequences,
            }),
        );
        this.scoring = new RequestCoalescer(batch, (items) => this.scoreItems(items));
    }

    tokenize(texts: readonly string[]): Promise<TokenId[][]> {
        return this.tokenizer.tokenize(texts, false);
    }

    detokenize(sequences: readonly (readonly TokenId[])[]): Promise<string[]> {
        return this.tokenizer.detokenize(sequences);
    }

    tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        return this.tokenizer.tokenTexts(requests);
    }

    async renderChat(_requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        throw new CapabilityError("the SGLang API has no route that renders chat messages into tokens", {
            expected: "a text prompt",
            received: "chat messages",
            hint: "give a text prompt, or use a vllm: server or a local GGUF model for chat input",
            parameter: "prompt",
        });
    }

    async score(request: ScoreRequest, _lane: number): Promise<ScoreResult> {
        checkScoreWindow(request, windowLimits(this, overflowHint));
        const response = await this.scoring.submit({ids: [...request.context, ...request.target], start: request.context.length - 1});
        const logprobs = targetLogprobs(response, request.target, this.generateUrl);
        const cached = response.meta_info.cached_tokens;
        const total = request.context.length + request.target.length;
        return cached === undefined ? {logprobs} : {logprobs, reusedTokens: cached, evaluatedTokens: Math.max(0, total - cached)};
    }

    /** One /generate request for several prompts (input_ids and logprob_start_len as lists); one answer each. */
    private async scoreItems(items: ScoringItem[]): Promise<GenerateResponse[]> {
        const single = items.length === 1;
        const body = {
            input_ids: single ? items[0]?.ids : items.map((item) => item.ids),
            sampling_params: {max_new_tokens: 0, temperature: 0},
            return_logprob: true,
            logprob_start_len: single ? items[0]?.start : items.map((item) => item.start),
            top_logprobs_num: 0,
        };
        if (single) return [await postJson(this.endpoint, this.generateUrl, body, checkGenerateResponse)];
        const answers = await postJson(this.endpoint, this.generateUrl, body, checkGenerateResponses);
        if (answers.length !== items.length) {
            throw new BackendError(`POST ${this.generateUrl} answered ${answers.length} results for ${items.length} prompts`, {
                hint: "add ?batch=1 to the URL in the model spec",
                parameter: "model",
            });
        }
        return answers;
    }

    async generate(request: GenerateRequest, _lane: number): Promise<Generation> {
        checkGenerateWindow(request, windowLimits(this, overflowHint));
        if (request.topLogprobs > this.capabilities.maxTopLogprobs) {
            throw new CapabilityError(`${this.baseUrl} is set up for at most ${this.capabilities.maxTopLogprobs} alternatives per token`, {
                expected: `top-logprobs ≤ ${this.capabilities.maxTopLogprobs}`,
                received: String(request.topLogprobs),
            });
        }
        const stopAtEog = request.stopAtEog ?? true;
        const response = await postJson(
            this.endpoint,
            this.generateUrl,
            {
                input_ids: request.context,
                sampling_params: {
                    max_new_tokens: request.maxTokens,
                    temperature: request.temperature,
                    sampling_seed: request.seed,
                    ignore_eos: !stopAtEog,
                    skip_special_tokens: false,
                },
                return_logprob: true,
                top_logprobs_num: request.topLogprobs,
                return_text_in_logprobs: true,
            },
            generateResponseSchema,
        );
        const output = response.meta_info.output_token_logprobs;
        if (output === undefined || output === null) {
            throw new BackendError(`unexpected response from POST ${this.generateUrl}: field meta_info.output_token_logprobs is missing`);
        }
        const chosen = output.map(([logprob, token, text], index) => ({
            token,
            logprob: logprob ?? Number.NEGATIVE_INFINITY,
            text,
            top: (response.meta_info.output_top_logprobs?.[index] ?? [])
                .slice(0, request.topLogprobs)
                .map(([value, id, alternativeText]) => ({token: id, logprob: value ?? Number.NEGATIVE_INFINITY, text: alternativeText})),
        }));
        // The server's token texts (return_text_in_logprobs) where it sent them all, else read through /v1/detokenize.
        const sentTexts = chosen.every((item) => typeof item.text === "string" && item.top.every((alternative) => typeof alternative.text === "string"));
        const tokens: GeneratedToken[] = sentTexts
            ? chosen.map((item) => ({
                  token: item.token,
                  logprob: item.logprob,
                  text: String(item.text),
                  top: item.top.map((alternative) => ({token: alternative.token, logprob: alternative.logprob, text: String(alternative.text)})),
              }))
            : await withTexts(this.tokenizer, request.context, chosen);
        const finishReason: Generation["finishReason"] = response.meta_info.finish_reason?.type === "stop" ? "eog" : "length";
        return {tokens, text: response.text, finishReason};
    }

    async dispose(): Promise<void> {
        // Nothing held open.
    }
}

const overflowHint = "shorten the prompt or target, or use a server with a longer --max-model-len";

/** The target's logprobs: the last target.length input entries, whose token ids must be the target's. */
export function targetLogprobs(response: GenerateResponse, target: readonly TokenId[], url: string): number[] {
    const entries = response.meta_info.input_token_logprobs;
    if (entries === undefined || entries === null) {
        throw new BackendError(`unexpected response from POST ${url}: field meta_info.input_token_logprobs is missing`, {
            expected: "input logprobs (return_logprob with logprob_start_len)",
        });
    }
    if (entries.length < target.length) {
        throw new BackendError(`token-count mismatch: the server returned ${entries.length} input logprobs for ${target.length} target tokens`, {
            expected: `at least ${target.length} entries`,
            received: String(entries.length),
        });
    }
    const tail = entries.slice(entries.length - target.length);
    return tail.map(([logprob, token], index) => {
        if (token !== target[index]) {
            throw new BackendError(`token mismatch at target position ${index}: the server scored token ${token}, glassbox sent ${target[index]}`, {
                hint: "the server re-tokenized the input or serves another model",
            });
        }
        return logprob === null ? Number.NEGATIVE_INFINITY : Math.min(0, logprob);
    });
}
