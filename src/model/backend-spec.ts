/**
 * Backend specification, version 2: everything any caller may use of a model backend. Every
 * backend (llama.cpp in process, vLLM / SGLang / OpenAI-compatible servers, the scripted test
 * backend, replicas of any of them) implements {@link Backend}; nothing outside this file adds
 * members to it. Callers hand scoring to the evaluator (src/evaluator), which calls
 * {@link Backend.score} lane by lane; everything else (tokens, chat rendering, generation) goes
 * through the protocol helpers in src/protocol.
 *
 * Text-side calls are asynchronous and batched: one call takes many texts, so a backend whose
 * tokenizer sits behind a server answers a whole batch in one round of requests and never blocks.
 * The conformance suite (`glassbox/testing`) checks every rule written here.
 *
 * The specification names one type outside src/model: the engine's {@link WhiteBoxModel}, which
 * the white-box capability hands out (a type only; src/engine imports nothing from src/model).
 */
import type {WhiteBoxModel} from "../engine/white-box-model.js";

/**
 * Bumped when a member is added, removed or changes meaning. Version 2: the white-box capability
 * (`whiteBox` with `loadModel`, `whiteBoxUnavailable`), reserved in version 1, is defined.
 */
export const backendSpecificationVersion = 2;

export type TokenId = number;

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
    role: ChatRole;
    content: string;
}

/** What the model is asked about: plain text, or chat messages rendered with the model's template. */
export type PromptInput = {kind: "text"; text: string} | {kind: "chat"; messages: readonly ChatMessage[]};

/**
 * A conversation to render. Without `assistantResponse` the rendering ends with an open assistant
 * turn (ready for generation); with it, the conversation ends with that reply, without its end
 * marker, so that its tokens can be scored as a target.
 */
export interface ChatRenderRequest {
    messages: readonly ChatMessage[];
    assistantResponse?: string;
}

/** "exact": reusing a cached prefix equals evaluating from scratch (within 1e-5); "fast": close, not equal. */
export type Precision = "exact" | "fast";

/**
 * The white-box engine (src/engine) for this backend's model: forward and backward passes, hook
 * points, gradients. A backend that runs a model file in this process and whose architecture and
 * tensor types the engine reads declares it (the llama.cpp backend); remote servers and the
 * scripted backend cannot. Methods that need it call `requireWhiteBox` (src/model/white-box.ts),
 * which refuses any other backend before any work.
 *
 * Token ids are the backend's: tokenize through the backend (`tokenize`, `renderChat`, the
 * protocol helpers) and run the ids through the engine's model, so that both see the same tokens.
 */
export interface WhiteBoxCapability {
    /** Architecture name as the model file gives it ("llama", "qwen2", "qwen3"). */
    architecture: string;
    /**
     * The engine's model of the same weights, read from the same file on the first call (its
     * float32 weights are refused before loading when they would not fit in memory); later calls
     * share it. Rejects once the backend is disposed.
     */
    loadModel(): Promise<WhiteBoxModel>;
}

export interface BackendCapabilities {
    /** Returns log-probabilities of given (teacher-forced) tokens. False for generation-only APIs. */
    scoring: boolean;
    /** Generates continuations. */
    generation: boolean;
    /** Largest number of top alternatives per generated token; 0 when none are reported. */
    maxTopLogprobs: number;
    /** Tokenizes with the model's own tokenizer (false: an approximation, e.g. a generation-only API). */
    tokenizer: boolean;
    /** Renders chat messages with the model's own template. */
    chatTemplate: boolean;
    /** How chat is rendered, in words ("ChatML template", "server", "plain-text fallback"). */
    chatFormat: string;
    /** Context window in tokens (prompt and target together must fit). */
    contextSize: number;
    /** Independent sequences ("lanes") that can be evaluated concurrently; each keeps its own KV state. */
    lanes: number;
    precision: Precision;
    /** Present when the white-box engine can run this model; see {@link WhiteBoxCapability}. */
    whiteBox?: WhiteBoxCapability;
    /**
     * Why `whiteBox` is absent, in one line, where the backend knows a specific reason (a local
     * model whose architecture or tensor types the engine does not read); absent otherwise.
     */
    whiteBoxUnavailable?: string;
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
    /** What this token would add to the text at that step (as {@link Backend.tokenTexts}). */
    text: string;
    /** Natural-log probability under the model's raw (temperature 1, untruncated) distribution. */
    logprob: number;
}

export interface GeneratedToken {
    token: TokenId;
    /** What the token adds to the text after the prompt and the tokens generated before it (as {@link Backend.tokenTexts}). */
    text: string;
    /** Raw log-probability of the chosen token (temperature 1, untruncated): what scoring returns. */
    logprob: number;
    /** Highest-probability alternatives, best first; length = topLogprobs. */
    top: TokenAlternative[];
}

export interface Generation {
    tokens: GeneratedToken[];
    /** The generated text read after the prompt; an end-of-generation token that stopped generation adds nothing. */
    text: string;
    /** "eog": stopped at an end of generation (an end-of-generation token, the last of `tokens`, or the server's stop); "length": `maxTokens` reached. */
    finishReason: "eog" | "length";
}

/** A token sequence to read as text, token by token. */
export interface TokenTextRequest {
    tokens: readonly TokenId[];
    /** Tokens before `tokens` that the text continues (they change how a leading space reads). */
    previous?: readonly TokenId[];
}

/**
 * One backend. Scoring happens on a lane: an implementation may keep the KV state the previous
 * call left on that lane and reuse the longest shared token prefix, but the result must equal
 * from-scratch evaluation when `capabilities.precision` is "exact". Calls on different lanes may
 * run concurrently; calls on one lane are serialised by the caller (the lane scheduler of
 * src/evaluator/lanes.ts, which the evaluator and the protocol's generation share).
 */
export interface Backend {
    readonly specificationVersion: typeof backendSpecificationVersion;
    /** Identity for caches: model file identity plus every setting that changes numbers. */
    readonly id: string;
    /** Human-readable name (file name, model name). */
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo;

    /** Tokenize each text with the model's tokenizer: no BOS, special-token text treated as plain text. */
    tokenize(texts: readonly string[]): Promise<TokenId[][]>;
    /** Text of each token sequence (special tokens rendered as text only where `special`). */
    detokenize(sequences: readonly (readonly TokenId[])[], options?: {special?: boolean}): Promise<string[]>;
    /**
     * The text each token adds in context: result[i][j] is what `requests[i].tokens[j]` adds after
     * `previous` and the tokens before it (special tokens add ""). A token that ends inside a UTF-8
     * character adds "" and the token that completes it carries the whole character, so a row
     * joins to the text of the sequence read after `previous`; a character still incomplete at the
     * end of a row reads as "\uFFFD". src/model/token-texts.ts implements this over `detokenize`.
     */
    tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]>;
    /** Each conversation rendered with the model's template, as tokens (BOS included as the template wants). */
    renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]>;

    score(request: ScoreRequest, lane: number): Promise<ScoreResult>;
    generate(request: GenerateRequest, lane: number): Promise<Generation>;

    dispose(): Promise<void>;
}
