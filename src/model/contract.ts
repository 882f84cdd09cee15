/**
 * The model contract: the one small interface every backend implements (llama.cpp in process,
 * HTTP servers, the scripted test backend). Callers never talk to a backend directly; they hand
 * batches to the evaluator (src/evaluator), which calls {@link ModelBackend.score} lane by lane.
 */

export type TokenId = number;

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
    role: ChatRole;
    content: string;
}

/** What the model is asked about: plain text, or chat messages rendered with the model's template. */
export type PromptInput =
    | {kind: "text"; text: string}
    | {kind: "chat"; messages: readonly ChatMessage[]};

export interface ModelCapabilities {
    /** Returns log-probabilities of given (teacher-forced) tokens. False for generation-only APIs. */
    scoresPromptTokens: boolean;
    /** Generates continuations. */
    generates: boolean;
    /** Largest number of top alternatives per generated token; 0 when none are reported. */
    maxTopLogprobs: number;
    /** Exposes tokenize/detokenize with the model's own tokenizer. */
    tokenizes: boolean;
    /** Renders chat messages with the model's own template. */
    chatTemplate: boolean;
    /** Context window in tokens (prompt and target together must fit). */
    contextSize: number;
    /** Independent sequences ("lanes") that can be evaluated concurrently; each keeps its own KV state. */
    lanes: number;
    /** True when scores are exact: reusing a cached prefix equals evaluating from scratch (within 1e-5). */
    exact: boolean;
}

export interface VocabularyInfo {
    size: number;
    bos: TokenId | undefined;
    eos: TokenId | undefined;
    /** Whether a BOS token is prepended to every sequence. */
    addBos: boolean;
}

/**
 * Teacher-forced scoring: log p(target[i] | context, target[0..i-1]) for every i.
 * `context` already contains BOS (when the model wants one) and any chat markup; it is never empty.
 */
export interface ScoreRequest {
    context: readonly TokenId[];
    target: readonly TokenId[];
}

export interface ScoreResult {
    /** One natural-log probability per target token, each ≤ 0. */
    logprobs: number[];
    /** Tokens served from the lane's cached prefix (optional; for evaluator statistics). */
    reusedTokens?: number;
    /** Tokens the backend evaluated for this request (optional; for evaluator statistics). */
    evaluatedTokens?: number;
}

export interface GenerateRequest {
    /** Full prompt tokens, BOS included where wanted. */
    context: readonly TokenId[];
    maxTokens: number;
    /** 0 = greedy. */
    temperature: number;
    /** Seed for sampling; the same seed gives the same continuation. */
    seed: number;
    /** Number of alternatives to report at each step (0…capabilities.maxTopLogprobs). */
    topLogprobs: number;
    /** Stop at an end-of-generation token (default true). */
    stopAtEog?: boolean;
}

export interface TokenAlternative {
    token: TokenId;
    text: string;
    /** Natural-log probability under the model's raw (temperature 1, untruncated) distribution. */
    logprob: number;
}

export interface GeneratedToken {
    token: TokenId;
    text: string;
    /** Raw log-probability of the chosen token (temperature 1, untruncated): what scoring returns. */
    logprob: number;
    /** Highest-probability alternatives, best first; length = topLogprobs. */
    top: TokenAlternative[];
}

export interface Generation {
    tokens: GeneratedToken[];
    text: string;
    finishReason: "eog" | "length";
}

/**
 * One backend. Scoring happens on a lane: an implementation may keep the KV state the previous
 * call left on that lane and reuse the longest shared token prefix, but the result must equal
 * from-scratch evaluation when `capabilities.exact` is true. Calls on different lanes may run
 * concurrently; calls on one lane are serialised by the caller (the evaluator).
 */
export interface ModelBackend {
    /** Identity for caches: model file identity plus every setting that changes numbers. */
    readonly id: string;
    /** Human-readable name (file name, model name). */
    readonly name: string;
    readonly capabilities: ModelCapabilities;
    readonly vocabulary: VocabularyInfo;

    /** Tokenize text with the model's tokenizer: no BOS, special-token text treated as plain text. */
    tokenize(text: string): TokenId[];
    /**
     * Optional: many texts at once, without blocking. Result[i] equals `tokenize(texts[i])`.
     * Backends whose tokenizer sits behind a server implement it (one round of requests for the
     * whole batch instead of one blocking round trip per text); callers that tokenize a batch of
     * texts (the model game's coalition prompts) use it when present and `tokenize` otherwise.
     */
    tokenizeMany?(texts: readonly string[]): Promise<TokenId[][]>;
    /** Text of a token sequence (special tokens rendered as text only where `special`). */
    detokenize(tokens: readonly TokenId[], special?: boolean): string;
    /**
     * Chat input rendered with the model's template, as tokens (BOS included as the template wants).
     * With `assistantResponse`, the conversation ends with that assistant reply, without its end
     * marker, so that its tokens can be scored as a target.
     */
    renderChat(messages: readonly ChatMessage[], assistantResponse?: string): TokenId[];

    score(request: ScoreRequest, lane: number): Promise<ScoreResult>;
    generate(request: GenerateRequest, lane: number): Promise<Generation>;

    dispose(): Promise<void>;
}
