/**
 * The scripted backend: a deterministic in-process {@link Backend} for testing callers
 * (evaluator, attribution methods, checks, CLI) without a model file. Log-probabilities come from
 * a {@link LogitsFunction}; capabilities, lanes, latency and failures are configurable. It keeps
 * per-lane bookkeeping with the same prefix-reuse rule as the llama.cpp backend and refuses
 * overlapping calls on one lane, so tests can check a scheduler's claims. It never stands in for
 * testing a real backend.
 */
import {ArgumentError, CapabilityError, InputError} from "../../errors.js";
import {SeededRandom} from "../../foundation/random.js";
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
    type TokenAlternative,
    type TokenId,
    type TokenTextRequest,
    type VocabularyInfo,
} from "../../model/backend-spec.js";
import {tokenTextsByDecoding} from "../../model/token-texts.js";
import {checkScoreWindow, checkTokenWindow, windowLimits} from "../../model/token-window.js";
import {defaultLogitsFunction, logSoftmax, type LogitsFunction} from "./language-model.js";
import {
    assistantToken,
    bosToken,
    detokenizeCharacters,
    endOfTurnToken,
    eosToken,
    isEndOfGeneration,
    scriptedVocabularySize,
    systemToken,
    tokenizeCharacters,
    userToken,
} from "./tokenizer.js";

export interface ScriptedCallInfo {
    /** 0-based count of score calls on this backend so far (failed ones included). */
    call: number;
    lane: number;
    request: ScoreRequest;
}

export interface ScriptedBackendOptions {
    /** Part of `id`; change it whenever `logits` changes (default: derived from the seed). */
    id?: string;
    name?: string;
    /** Next-token logits; default: a seeded bigram + bag-of-tokens function. */
    logits?: LogitsFunction;
    /** Seed of the default logits function (default 1). */
    seed?: number;
    capabilities?: Partial<BackendCapabilities>;
    /** Whether the model wants BOS first (default true). */
    addBos?: boolean;
    /** Artificial latency of each score call, in ms. */
    latencyMs?: number | ((call: ScriptedCallInfo) => number);
    /** Artificial latency of each generate call, in ms (default: none). */
    generationLatencyMs?: number;
    /** Return an error to make a score call fail (after its latency). */
    failure?: (call: ScriptedCallInfo) => Error | undefined;
    /** Whether score results carry `reusedTokens`/`evaluatedTokens` (default true). */
    reportsTokenCounts?: boolean;
}

/** What a lane holds and what it cost, by the llama.cpp backend's prefix-reuse rule. */
export interface ScriptedLaneStats {
    calls: number;
    evaluatedTokens: number;
    reusedTokens: number;
}

const defaultCapabilities: BackendCapabilities = {
    scoring: true,
    generation: true,
    maxTopLogprobs: 20,
    tokenizer: true,
    chatTemplate: true,
    chatFormat: "scripted role markers",
    contextSize: 2048,
    lanes: 1,
    precision: "exact",
};

export class ScriptedBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo;
    /** Per-lane counters (see {@link ScriptedLaneStats}). */
    readonly laneStats: ScriptedLaneStats[];
    /** Score calls that reached the backend, in arrival order (failed ones included). */
    readonly scoreLog: Array<{lane: number; request: ScoreRequest}> = [];
    /** Generate calls that reached the backend, in arrival order. */
    readonly generateLog: Array<{lane: number; request: GenerateRequest}> = [];
    /** Most lanes seen busy at the same time. */
    maxConcurrentLanes = 0;
    private readonly logits: LogitsFunction;
    private readonly options: ScriptedBackendOptions;
    private readonly held: TokenId[][];
    private readonly busy: boolean[];
    private disposed = false;

    constructor(options: ScriptedBackendOptions = {}) {
        this.options = options;
        const seed = options.seed ?? 1;
        this.logits = options.logits ?? defaultLogitsFunction(scriptedVocabularySize, seed);
        this.id = `scripted:${options.id ?? `default-seed-${seed}`}`;
        this.name = options.name ?? "scripted";
        this.capabilities = {...defaultCapabilities, ...options.capabilities};
        this.vocabulary = {size: scriptedVocabularySize, bos: bosToken, eos: eosToken, addBos: options.addBos ?? true};
        const lanes = Math.max(1, this.capabilities.lanes);
        this.laneStats = Array.from({length: lanes}, () => ({calls: 0, evaluatedTokens: 0, reusedTokens: 0}));
        this.held = Array.from({length: lanes}, () => []);
        this.busy = new Array<boolean>(lanes).fill(false);
    }

    async tokenize(texts: readonly string[]): Promise<TokenId[][]> {
        this.require(this.capabilities.tokenizer, "tokenize text", "a backend that exposes its tokenizer");
        return texts.map((text) => tokenizeCharacters(text));
    }

    async detokenize(sequences: readonly (readonly TokenId[])[], options: {special?: boolean} = {}): Promise<string[]> {
        this.require(this.capabilities.tokenizer, "detokenize tokens", "a backend that exposes its tokenizer");
        return sequences.map((tokens) => detokenizeCharacters(tokens, options.special ?? false));
    }

    async tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        this.require(this.capabilities.tokenizer, "read token texts", "a backend that exposes its tokenizer");
        return tokenTextsByDecoding(async (sequences) => sequences.map((tokens) => detokenizeCharacters(tokens)), requests);
    }

    async renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        this.require(this.capabilities.chatTemplate, "render chat messages", "a backend with a chat template");
        const roleToken = {system: systemToken, user: userToken, assistant: assistantToken} as const;
        return requests.map(({messages, assistantResponse}) => {
            const tokens: TokenId[] = this.vocabulary.addBos ? [bosToken] : [];
            for (const message of messages) tokens.push(roleToken[message.role], ...tokenizeCharacters(message.content), endOfTurnToken);
            tokens.push(assistantToken);
            if (assistantResponse !== undefined) tokens.push(...tokenizeCharacters(assistantResponse));
            return tokens;
        });
    }

    async score(request: ScoreRequest, lane: number): Promise<ScoreResult> {
        this.require(this.capabilities.scoring, "score given tokens", "a backend that returns prompt-token log-probabilities");
        this.checkLane(lane);
        this.checkArray(request.context, "context");
        this.checkArray(request.target, "target");
        checkScoreWindow(request, windowLimits(this, "shorten the prompt or raise the context size"));
        if (this.busy[lane]) throw new Error(`scripted backend: lane ${lane} called while busy (calls on a lane must be serialised)`);
        const info: ScriptedCallInfo = {call: this.scoreLog.length, lane, request};
        this.scoreLog.push({lane, request});
        this.busy[lane] = true;
        this.maxConcurrentLanes = Math.max(this.maxConcurrentLanes, this.busy.filter(Boolean).length);
        try {
            const latency = typeof this.options.latencyMs === "function" ? this.options.latencyMs(info) : (this.options.latencyMs ?? 0);
            await new Promise<void>((resolve) => (latency > 0 ? setTimeout(resolve, latency) : setImmediate(resolve)));
            const failure = this.options.failure?.(info);
            if (failure !== undefined) {
                this.held[lane] = [];
                throw failure;
            }
            const all = [...request.context, ...request.target];
            const {reusedTokens, evaluatedTokens} = this.account(lane, all, request.context.length);
            const logprobs = request.target.map((token, index) => {
                const distribution = logSoftmax(this.logits(all.slice(0, request.context.length + index)));
                return distribution[token] as number;
            });
            return this.options.reportsTokenCounts === false ? {logprobs} : {logprobs, reusedTokens, evaluatedTokens};
        } finally {
            this.busy[lane] = false;
        }
    }

    async generate(request: GenerateRequest, lane: number): Promise<Generation> {
        this.require(this.capabilities.generation, "generate text", "a backend that generates");
        this.checkLane(lane);
        this.checkArray(request.context, "context");
        if (!Number.isInteger(request.topLogprobs) || request.topLogprobs < 0 || request.topLogprobs > this.capabilities.maxTopLogprobs)
            throw new CapabilityError("too many top alternatives requested", {
                expected: `0…${this.capabilities.maxTopLogprobs}`,
                received: String(request.topLogprobs),
                hint: "ask for fewer alternatives",
                parameter: "topLogprobs",
            });
        // Generation stops where the window ends, so the prompt only needs room for one token.
        checkTokenWindow(request.context, 1, "token to generate", windowLimits(this, "shorten the prompt"));
        if (this.busy[lane]) throw new Error(`scripted backend: lane ${lane} called while busy (calls on a lane must be serialised)`);
        this.generateLog.push({lane, request});
        this.busy[lane] = true;
        this.maxConcurrentLanes = Math.max(this.maxConcurrentLanes, this.busy.filter(Boolean).length);
        try {
            const latency = this.options.generationLatencyMs ?? 0;
            await new Promise<void>((resolve) => (latency > 0 ? setTimeout(resolve, latency) : setImmediate(resolve)));
            return this.generateNow(request, lane);
        } finally {
            this.busy[lane] = false;
        }
    }

    private generateNow(request: GenerateRequest, lane: number): Generation {
        const random = new SeededRandom(request.seed ^ 0x5bd1e995);
        const all = [...request.context];
        const tokens: GeneratedToken[] = [];
        let finishReason: Generation["finishReason"] = "length";
        while (tokens.length < request.maxTokens && all.length < this.capabilities.contextSize) {
            const logits = this.logits(all);
            const distribution = logSoftmax(logits);
            const token = request.temperature > 0 ? sample(logits, request.temperature, random.next()) : argmax(distribution);
            tokens.push({
                token,
                text: detokenizeCharacters([token]),
                logprob: distribution[token] as number,
                top: topAlternatives(distribution, request.topLogprobs),
            });
            all.push(token);
            if (isEndOfGeneration(token) && request.stopAtEog !== false) {
                finishReason = "eog";
                break;
            }
        }
        this.held[lane] = all.slice(0, -1);
        // The end-of-generation token is reported in `tokens` (with its log-probability) but not in `text`.
        return {tokens, text: detokenizeCharacters(tokens.map((entry) => entry.token)), finishReason};
    }

    async dispose(): Promise<void> {
        this.disposed = true;
    }

    get isDisposed(): boolean {
        return this.disposed;
    }

    /** Bookkeeping with the llama.cpp backend's rule: reuse the held prefix up to context − 1. */
    private account(lane: number, all: readonly TokenId[], contextLength: number): {reusedTokens: number; evaluatedTokens: number} {
        const held = this.held[lane] as TokenId[];
        let shared = 0;
        while (shared < held.length && shared < all.length && held[shared] === all[shared]) shared++;
        const reused = Math.max(0, Math.min(shared, contextLength - 1));
        const stats = this.laneStats[lane] as ScriptedLaneStats;
        stats.calls++;
        stats.reusedTokens += reused;
        const evaluated = Math.max(0, all.length - 1) - reused;
        stats.evaluatedTokens += evaluated;
        this.held[lane] = all.slice(0, Math.max(0, all.length - 1));
        return {reusedTokens: reused, evaluatedTokens: evaluated};
    }

    private require(capability: boolean, what: string, expected: string): void {
        if (!capability) throw new CapabilityError(`backend ${this.name} cannot ${what}`, {expected, received: this.name});
    }

    private checkLane(lane: number): void {
        if (!Number.isInteger(lane) || lane < 0 || lane >= this.laneStats.length)
            throw new ArgumentError("lane out of range", {expected: `an integer in 0…${this.laneStats.length - 1}`, received: String(lane)});
    }

    private checkArray(tokens: readonly TokenId[], what: string): void {
        if (!Array.isArray(tokens)) throw new InputError(`${what} is not a token array`, {expected: "an array of token ids", received: typeof tokens});
    }
}

function argmax(values: ArrayLike<number>): TokenId {
    let best = 0;
    for (let index = 1; index < values.length; index++) if ((values[index] as number) > (values[best] as number)) best = index;
    return best;
}

function sample(logits: ArrayLike<number>, temperature: number, draw: number): TokenId {
    const scaled = Array.from(logits, (value) => value / temperature);
    const distribution = logSoftmax(scaled);
    let cumulative = 0;
    for (let index = 0; index < distribution.length; index++) {
        cumulative += Math.exp(distribution[index] as number);
        if (draw < cumulative) return index;
    }
    return argmax(distribution);
}

function topAlternatives(distribution: Float64Array, count: number): TokenAlternative[] {
    if (count <= 0) return [];
    const order = Array.from(distribution.keys()).sort((left, right) => (distribution[right] as number) - (distribution[left] as number) || left - right);
    return order.slice(0, count).map((token) => ({
        token,
        text: detokenizeCharacters([token]),
        logprob: distribution[token] as number,
    }));
}
