/**
 * Generation-only backend for any OpenAI-compatible chat endpoint (OpenAI, Ollama ≥ 0.12.11,
 * llama-server): POST {base}/chat/completions with `logprobs` and `top_logprobs` (≤ 20). These
 * APIs cannot score given tokens (no echo of prompt logprobs), so `capabilities.scoring` is false
 * and `score` throws a CapabilityError; commands that need scoring refuse such a backend before
 * any request is sent.
 *
 * They also do not expose the model's tokenizer. Token ids from this backend are local handles
 * for text pieces: `tokenize(text)` returns one handle for the whole text, `renderChat` one for
 * the conversation, and every generated token gets the handle of its text. They round-trip
 * through detokenize/generate but are not the model's token ids.
 */
import {z} from "zod";
import {BackendError, CapabilityError} from "../../errors.js";
import {
    backendSpecificationVersion,
    type Backend,
    type BackendCapabilities,
    type ChatMessage,
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
import {joinUrl, postJson, type HttpEndpoint} from "../http/http-client.js";

export interface OpenAiCompatibleOptions extends HttpEndpoint {
    /** Model name sent in every request (required: "gpt-4o-mini", "llama3.2", ...). */
    model: string;
    /** Requests in flight (lanes). Default 4. */
    concurrency?: number | undefined;
    /** Largest top_logprobs the API accepts. Default 20 (OpenAI's and Ollama's limit). */
    maxLogprobs?: number | undefined;
}

const alternativeSchema = z.object({token: z.string(), logprob: z.number()});
const chatResponseSchema = z.object({
    choices: z
        .array(
            z.object({
                message: z.object({content: z.string().nullable()}),
                logprobs: z.object({content: z.array(alternativeSchema.extend({top_logprobs: z.array(alternativeSchema).nullish()})).nullable()}).nullish(),
                finish_reason: z.string().nullish(),
            }),
        )
        .min(1),
});

type Segment = {kind: "text"; text: string} | {kind: "chat"; messages: readonly ChatMessage[]};

export function openOpenAiCompatibleModel(options: OpenAiCompatibleOptions): OpenAiCompatibleBackend {
    return new OpenAiCompatibleBackend(options);
}

export class OpenAiCompatibleBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo = {size: 0, bos: undefined, eos: undefined, addBos: false};
    private readonly endpoint: HttpEndpoint;
    private readonly model: string;
    private readonly segments: Segment[] = [];
    private readonly textHandles = new Map<string, TokenId>();

    constructor(options: OpenAiCompatibleOptions) {
        this.endpoint = {
            baseUrl: options.baseUrl.replace(/\/+$/, ""),
            apiKey: options.apiKey,
            ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
            watch: options.watch,
        };
        this.model = options.model;
        this.id = `openai:${this.endpoint.baseUrl}#${options.model}`;
        this.name = `${options.model} (OpenAI-compatible API at ${this.endpoint.baseUrl})`;
        this.capabilities = {
            scoring: false,
            generation: true,
            tokenizer: false,
            chatTemplate: true,
            chatFormat: "the API's own template",
            precision: "fast",
            maxTopLogprobs: options.maxLogprobs ?? 20,
            contextSize: 1 << 30,
            lanes: Math.max(1, Math.floor(options.concurrency ?? 4)),
        };
    }

    async tokenize(texts: readonly string[]): Promise<TokenId[][]> {
        return texts.map((text) => [this.textHandle(text)]);
    }

    async detokenize(sequences: readonly (readonly TokenId[])[]): Promise<string[]> {
        return sequences.map((tokens) => this.textOf(tokens));
    }

    /** Each handle stands for a whole text piece, so its text does not depend on what precedes it. */
    async tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        return requests.map((request) => request.tokens.map((token) => this.textOf([token])));
    }

    async renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        if (requests.some((request) => request.assistantResponse !== undefined)) {
            throw new CapabilityError(`${this.endpoint.baseUrl} cannot continue a given assistant reply`, {
                expected: "a server that scores prompt tokens",
                received: "a generation-only chat API",
                hint: "use a vllm: or sglang: server, or a local GGUF model",
            });
        }
        return requests.map((request) => {
            this.segments.push({kind: "chat", messages: [...request.messages]});
            return [this.segments.length - 1];
        });
    }

    score(_request: ScoreRequest, _lane: number): Promise<ScoreResult> {
        return Promise.reject(
            new CapabilityError(`${this.name} cannot score given tokens`, {
                expected: "a backend that returns log-probabilities of prompt/target tokens",
                received: "a generation-only OpenAI-compatible API",
                hint: "use a vllm: or sglang: server, glassbox serve, or a local GGUF model",
            }),
        );
    }

    async generate(request: GenerateRequest, _lane: number): Promise<Generation> {
        if (request.topLogprobs > this.capabilities.maxTopLogprobs) {
            throw new CapabilityError(`${this.endpoint.baseUrl} reports at most ${this.capabilities.maxTopLogprobs} alternatives per token`, {
                expected: `top-logprobs ≤ ${this.capabilities.maxTopLogprobs}`,
                received: String(request.topLogprobs),
            });
        }
        const url = joinUrl(this.endpoint.baseUrl, "chat/completions");
        const response = await postJson(
            this.endpoint,
            url,
            {
                model: this.model,
                messages: this.messagesOf(request.context),
                max_tokens: request.maxTokens,
                temperature: request.temperature,
                seed: request.seed,
                logprobs: true,
                ...(request.topLogprobs > 0 ? {top_logprobs: request.topLogprobs} : {}),
            },
            chatResponseSchema,
        );
        const choice = response.choices[0];
        const content = choice?.logprobs?.content;
        if (choice === undefined || content === null || content === undefined) {
            throw new BackendError(`${url} returned no logprobs`, {
                expected: "choices[0].logprobs.content",
                hint: "the model may not report logprobs (reasoning models do not)",
            });
        }
        const tokens: GeneratedToken[] = content.map((item) => ({
            token: this.textHandle(item.token),
            text: item.token,
            logprob: item.logprob,
            top: (item.top_logprobs ?? [])
                .slice(0, request.topLogprobs)
                .map((alternative) => ({token: this.textHandle(alternative.token), text: alternative.token, logprob: alternative.logprob})),
        }));
        return {
            tokens,
            text: choice.message.content ?? tokens.map((token) => token.text).join(""),
            finishReason: choice.finish_reason === "length" ? "length" : "eog",
        };
    }

    async dispose(): Promise<void> {
        // Nothing held open.
    }

    private textHandle(text: string): TokenId {
        const known = this.textHandles.get(text);
        if (known !== undefined) return known;
        this.segments.push({kind: "text", text});
        const handle = this.segments.length - 1;
        this.textHandles.set(text, handle);
        return handle;
    }

    /** The conversation a context of handles stands for: a rendered chat, or its text as one user message. */
    private messagesOf(context: readonly TokenId[]): ChatMessage[] {
        const first = this.segments[context[0] ?? -1];
        if (context.length === 1 && first?.kind === "chat") return [...first.messages];
        return [{role: "user", content: this.textOf(context)}];
    }

    private textOf(tokens: readonly TokenId[]): string {
        return tokens
            .map((token) => {
                const segment = this.segments[token];
                if (segment === undefined) return "";
                return segment.kind === "text" ? segment.text : segment.messages.map((message) => `${message.role}: ${message.content}`).join("\n");
            })
            .join("");
    }
}
