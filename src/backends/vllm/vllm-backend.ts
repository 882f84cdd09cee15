/**
 * vLLM through its OpenAI-compatible server (also `glassbox serve`, which speaks the same subset).
 *
 * Scoring: POST /v1/completions with the token ids of context ++ target as the prompt, `echo`,
 * `max_tokens: 0`, `logprobs: 0`: the answer holds one logprob per prompt position (the first is
 * null), and the target's are the last `target.length`. vLLM recomputes the whole prefill for such
 * requests (its prefix cache is skipped for prompt logprobs), so scores equal from-scratch ones.
 * Against glassbox serve (its model entry says `logprobStartLen`) each prompt carries
 * `logprob_start_len` = its context length: the server scores only the target and reuses the
 * context a lane already holds, instead of evaluating every prompt position from scratch.
 * Generation: the same endpoint with `logprobs: k` and `return_tokens_as_token_ids`, so that every
 * token and alternative comes back as an id. Tokenization: POST /tokenize and /detokenize at the
 * server root (a batch of texts is one list request against glassbox serve, else one request per
 * text, several in flight); chat rendering: /tokenize with `messages` and the server's chat template.
 */
import {BackendError, CapabilityError} from "../../errors.js";
import {
    backendSpecificationVersion,
    type Backend,
    type BackendCapabilities,
    type ChatRenderRequest,
    type GenerateRequest,
    type Generation,
    type ScoreRequest,
    type ScoreResult,
    type TokenId,
    type TokenTextRequest,
    type VocabularyInfo,
} from "../../model/backend-spec.js";
import {checkGenerateWindow, checkScoreWindow, windowLimits} from "../../model/token-window.js";
import {joinUrl, postJson, serverRoot, type HttpEndpoint} from "../http/http-client.js";
import {findServedModel, type GlassboxModelExtension} from "../http/model-listing.js";
import {modelTokenizerRoutes, RemoteTokenizer, withTexts} from "../http/remote-tokenizer.js";
import {RequestCoalescer} from "../http/request-coalescer.js";
import {checkScoringResponse, completionResponseSchema, tokenIdFromKey, tokenizeResponseSchema, type ScoringResponse} from "./schemas.js";

export interface VllmOptions extends HttpEndpoint {
    /** Served model name; optional when the server serves exactly one. */
    model?: string | undefined;
    /** Requests this client keeps in flight (the backend's lanes). Default 8. */
    concurrency?: number | undefined;
    /** Largest top-k the server allows (its --max-logprobs). Default: what glassbox serve reports, else 20. */
    maxLogprobs?: number | undefined;
    /** Send one tiny scoring request at open to prove the server scores prompt tokens. Default true. */
    probe?: boolean | undefined;
    /** Most prompts per scoring request (score calls made together are sent as one list). Default 16; 1 disables. */
    batch?: number | undefined;
    /**
     * Where the server offers it (glassbox serve's `logprob_start_len`), score each prompt from its
     * target on, so the server reuses the cached context. Default true; false scores whole prompts, as vLLM does.
     */
    scoreFromTarget?: boolean | undefined;
}

export async function openVllmModel(options: VllmOptions): Promise<VllmBackend> {
    const endpoint: HttpEndpoint = {
        baseUrl: options.baseUrl.replace(/\/+$/, ""),
        apiKey: options.apiKey,
        ...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
        watch: options.watch,
    };
    const entry = await findServedModel(endpoint, joinUrl(endpoint.baseUrl, "models"), options.model, "vllm");
    const root = serverRoot(endpoint.baseUrl);
    const bosProbe = await postJson(endpoint, joinUrl(root, "tokenize"), {model: entry.id, prompt: "", add_special_tokens: true}, tokenizeResponseSchema);
    const contextSize = entry.max_model_len ?? bosProbe.max_model_len;
    if (contextSize === undefined || contextSize === null) {
        throw new BackendError(`${endpoint.baseUrl} does not report the model's context length`, {expected: "max_model_len in /v1/models or /tokenize"});
    }
    const extension = entry.glassbox;
    const backend = new VllmBackend({
        endpoint,
        root,
        model: entry.id,
        contextSize,
        extension,
        bos: extension?.bos ?? bosProbe.tokens[0],
        addBos: extension?.addBos ?? bosProbe.tokens.length > 0,
        lanes: Math.max(1, Math.floor(options.concurrency ?? 8)),
        maxLogprobs: options.maxLogprobs ?? extension?.maxLogprobs ?? 20,
        batch: Math.max(1, Math.floor(options.batch ?? 16)),
        scoreFromTarget: options.scoreFromTarget !== false,
    });
    if (options.probe !== false) await backend.probeScoring();
    return backend;
}

/** A prompt to score (context ++ target) and where its target starts. */
interface ScoringPrompt {
    tokens: number[];
    start: number;
}

interface VllmParts {
    endpoint: HttpEndpoint;
    root: string;
    model: string;
    contextSize: number;
    extension: GlassboxModelExtension | undefined;
    bos: TokenId | undefined;
    addBos: boolean;
    lanes: number;
    maxLogprobs: number;
    batch: number;
    scoreFromTarget: boolean;
}

export class VllmBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo;
    readonly baseUrl: string;
    private readonly endpoint: HttpEndpoint;
    private readonly model: string;
    private readonly tokenizer: RemoteTokenizer;
    private readonly completionsUrl: string;
    private readonly scoring: RequestCoalescer<ScoringPrompt, Array<number | null>>;
    /** The server takes `logprob_start_len` on echo scoring (glassbox serve): only the target is scored, the prefix reused. */
    private readonly scoresFromStart: boolean;

    constructor(parts: VllmParts) {
        this.endpoint = parts.endpoint;
        this.baseUrl = parts.endpoint.baseUrl;
        this.model = parts.model;
        this.name = `${parts.model} (vLLM API at ${parts.endpoint.baseUrl})`;
        this.id = `vllm:${parts.extension?.backendId ?? parts.model}`;
        this.completionsUrl = joinUrl(parts.endpoint.baseUrl, "completions");
        this.vocabulary = {
            size: parts.extension?.vocabularySize ?? 0,
            bos: parts.bos,
            eos: parts.extension?.eos ?? undefined,
            addBos: parts.addBos,
        };
        this.capabilities = {
            scoring: true,
            generation: true,
            maxTopLogprobs: parts.maxLogprobs,
            tokenizer: true,
            chatTemplate: parts.extension?.chatTemplate ?? true,
            chatFormat: "server chat template",
            contextSize: parts.contextSize,
            lanes: parts.lanes,
            // vLLM recomputes the prefill for prompt logprobs; glassbox serve says what its backend promises.
            precision: parts.extension === undefined || parts.extension.exact ? "exact" : "fast",
        };
        this.tokenizer = new RemoteTokenizer(
            parts.endpoint,
            modelTokenizerRoutes(parts.model, {
                tokenizeUrl: joinUrl(parts.root, "tokenize"),
                detokenizeUrl: joinUrl(parts.root, "detokenize"),
                detokenizedField: "prompt",
                acceptsTextList: parts.extension?.tokenizeList === true,
                acceptsSequenceList: parts.extension?.detokenizeList === true,
            }),
        );
        this.scoresFromStart = parts.scoreFromTarget && parts.extension?.logprobStartLen === true;
        this.scoring = new RequestCoalescer(parts.batch, (prompts) => this.scorePrompts(prompts));
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

    renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        return this.tokenizer.tokenizeWith(
            requests.map(({messages, assistantResponse}) => {
                const last = messages.at(-1);
                const continuing = assistantResponse !== undefined || last?.role === "assistant";
                const all = assistantResponse === undefined ? messages : [...messages, {role: "assistant" as const, content: assistantResponse}];
                const body = {
                    model: this.model,
                    messages: all,
                    add_special_tokens: false,
                    add_generation_prompt: !continuing,
                    continue_final_message: continuing,
                };
                return {body, key: `chat:${JSON.stringify(body)}`};
            }),
        );
    }

    async score(request: ScoreRequest, _lane: number): Promise<ScoreResult> {
        checkScoreWindow(request, windowLimits(this, overflowHint));
        const prompt = [...request.context, ...request.target];
        const values = await this.scoring.submit({tokens: prompt, start: request.context.length});
        return {logprobs: values.slice(request.context.length).map(finiteLogprob)};
    }

    /**
     * One completions request for several prompts (a list of token lists); one logprob list per
     * prompt. Where the server takes `logprob_start_len`, each prompt is scored from its target on.
     */
    private async scorePrompts(items: ScoringPrompt[]): Promise<Array<Array<number | null>>> {
        const prompts = items.map((item) => item.tokens);
        const single = prompts.length === 1;
        const response = await postJson(
            this.endpoint,
            this.completionsUrl,
            {
                model: this.model,
                prompt: single ? prompts[0] : prompts,
                echo: true,
                max_tokens: 0,
                logprobs: 0,
                temperature: 0,
                return_tokens_as_token_ids: true,
                ...(this.scoresFromStart ? {logprob_start_len: single ? items[0]?.start : items.map((item) => item.start)} : {}),
            },
            checkScoringResponse,
        );
        if (response.choices.length !== prompts.length) {
            throw new BackendError(`POST ${this.completionsUrl} answered ${response.choices.length} choices for ${prompts.length} prompts`, {
                expected: `${prompts.length} choices`,
                received: String(response.choices.length),
                hint: "the server may not accept a list of prompts: add ?batch=1 to the URL in the model spec",
                parameter: "model",
            });
        }
        const ordered = response.choices.every((choice) => choice.index !== undefined)
            ? [...response.choices].sort((left, right) => (left.index as number) - (right.index as number))
            : response.choices;
        return prompts.map((prompt, index) => promptLogprobsOf({choices: [ordered[index] as ScoringResponse["choices"][number]]}, prompt, this.completionsUrl));
    }

    async generate(request: GenerateRequest, _lane: number): Promise<Generation> {
        checkGenerateWindow(request, windowLimits(this, overflowHint));
        if (request.topLogprobs > this.capabilities.maxTopLogprobs) {
            throw new CapabilityError(`${this.baseUrl} reports at most ${this.capabilities.maxTopLogprobs} alternatives per token`, {
                expected: `top-logprobs ≤ ${this.capabilities.maxTopLogprobs}`,
                received: String(request.topLogprobs),
                hint: "ask for fewer alternatives, or start vLLM with a larger --max-logprobs",
                parameter: "topLogprobs",
            });
        }
        const stopAtEog = request.stopAtEog ?? true;
        const response = await postJson(
            this.endpoint,
            this.completionsUrl,
            {
                model: this.model,
                prompt: request.context,
                max_tokens: request.maxTokens,
                temperature: request.temperature,
                seed: request.seed,
                logprobs: Math.max(1, request.topLogprobs),
                return_tokens_as_token_ids: true,
                skip_special_tokens: false,
                ignore_eos: !stopAtEog,
            },
            completionResponseSchema,
        );
        const choice = response.choices[0];
        const logprobs = choice?.logprobs;
        if (choice === undefined || logprobs === null || logprobs === undefined) {
            throw new BackendError(`unexpected response from POST ${this.completionsUrl}: field choices[0].logprobs is missing`);
        }
        const chosen = logprobs.tokens.map((key, index) => {
            const token = tokenIdFromKey(key);
            const logprob = logprobs.token_logprobs[index];
            if (token === undefined || logprob === null || logprob === undefined) {
                throw new BackendError(`unexpected response from POST ${this.completionsUrl}: field choices[0].logprobs.tokens[${index}]`, {
                    expected: '"token_id:N" with a logprob (return_tokens_as_token_ids)',
                    received: JSON.stringify(key),
                });
            }
            const top = topAlternatives(logprobs.top_logprobs?.[index] ?? {}, request.topLogprobs);
            return {token, logprob, top};
        });
        const tokens = await withTexts(this.tokenizer, request.context, chosen);
        const finishReason: Generation["finishReason"] = choice.finish_reason === "stop" ? "eog" : "length";
        // The text read after the prompt; the end-of-generation token that stopped the run is reported but is not part of it.
        const text = tokens
            .slice(0, stopAtEog && finishReason === "eog" ? -1 : undefined)
            .map((item) => item.text)
            .join("");
        return {tokens, text, finishReason};
    }

    /** Proves the server scores prompt tokens (llama-server, for one, rejects echo): one tiny request. */
    async probeScoring(): Promise<void> {
        const tokens = this.vocabulary.addBos && this.vocabulary.bos !== undefined ? [this.vocabulary.bos, this.vocabulary.bos] : [0, 0];
        try {
            await this.score({context: tokens.slice(0, 1), target: tokens.slice(1)}, 0);
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new CapabilityError(`${this.baseUrl} cannot score prompt tokens`, {
                expected: "a vLLM-compatible /v1/completions that accepts echo with logprobs and max_tokens 0",
                received: reason,
                hint: "use a vLLM or SGLang server, or glassbox serve; llama-server, Ollama and OpenAI can only generate (openai: scheme)",
                cause: error,
            });
        }
    }

    async dispose(): Promise<void> {
        // Nothing is held open: fetch keeps no state worth closing.
    }
}

const overflowHint = "shorten the prompt or target, or use a server with a longer --max-model-len";

/**
 * The logprob of every prompt position from an echo response: `logprobs.token_logprobs`, else
 * `prompt_logprobs` (each position's dict holds the prompt token plus top alternatives; the
 * prompt token's own entry is read by its id).
 */
export function promptLogprobsOf(response: ScoringResponse, prompt: readonly TokenId[], url: string): Array<number | null> {
    const promptLength = prompt.length;
    const choice = response.choices[0];
    let values: Array<number | null> | undefined = choice?.logprobs?.token_logprobs;
    if (values === undefined && choice?.prompt_logprobs !== undefined && choice.prompt_logprobs !== null) {
        values = logprobsFromPromptEntries(choice.prompt_logprobs, prompt);
    }
    if (values === undefined) {
        throw new BackendError(`unexpected response from POST ${url}: field choices[0].logprobs is missing`, {
            expected: "prompt logprobs (echo with logprobs)",
            hint: "the server may not support echo; use a vLLM server",
        });
    }
    if (values.length !== promptLength) {
        throw new BackendError(`token-count mismatch: the server scored ${values.length} prompt tokens, glassbox sent ${promptLength}`, {
            expected: `${promptLength} prompt logprobs`,
            received: String(values.length),
            hint: "the server re-tokenized the prompt or serves another model; send token ids to a vLLM server",
        });
    }
    return values;
}

/** `prompt_logprobs` (completions per choice, chat top-level) → the prompt tokens' own logprobs. */
export function logprobsFromPromptEntries(entries: ReadonlyArray<Record<string, {logprob: number}> | null>, prompt: readonly TokenId[]): Array<number | null> {
    return entries.map((entry, index) => (entry === null ? null : (entry[String(prompt[index])]?.logprob ?? null)));
}

/** A target position's logprob; null there means probability 0 (JSON has no -Infinity). */
function finiteLogprob(value: number | null): number {
    return value === null ? Number.NEGATIVE_INFINITY : Math.min(0, value);
}

function topAlternatives(entries: Record<string, number>, count: number): Array<{token: TokenId; logprob: number}> {
    if (count <= 0) return [];
    const parsed: Array<{token: TokenId; logprob: number}> = [];
    for (const [key, logprob] of Object.entries(entries)) {
        const token = tokenIdFromKey(key);
        if (token !== undefined) parsed.push({token, logprob});
    }
    parsed.sort((left, right) => right.logprob - left.logprob); // stable: ties keep the server's order
    return parsed.slice(0, count);
}
