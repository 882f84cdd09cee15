/**
 * The llama.cpp backend: a GGUF model in this process through node-llama-cpp. Each lane is one
 * context sequence with its own KV cache; scoring keeps the longest token prefix the lane already
 * holds (never shifting cached tokens) and evaluates the rest in one call. In exact mode (the
 * default) flash attention is off and the KV cache is F32, so reuse equals evaluation from scratch.
 * For a file the engine reads, the white-box capability gives the engine's model of the same
 * weights (white-box-access.ts).
 */
import {createHash} from "node:crypto";
import {openSync, readSync, closeSync} from "node:fs";
import {basename, resolve} from "node:path";
import type {ChatWrapper, ControlledEvaluateInputItem, LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {BackendError, InputError, isGlassboxError, ModelFileError} from "../../errors.js";
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
import {tokenTextsByDecoding} from "../../model/token-texts.js";
import {checkGenerateWindow, checkScoreWindow, windowLimits} from "../../model/token-window.js";
import {SeededRandom} from "../../foundation/random.js";
import {sampleCandidate, type WeightedCandidate} from "../../model/sampling.js";
import {chooseChatWrapper, renderChatTokens} from "./chat-rendering.js";
import {defaultThreads, gpuLikelyPresent, lastNativeError, sharedLlama} from "./llama-runtime.js";
import {checkContextRequest} from "./context-size-check.js";
import {checkModelFile, type ModelFileSummary} from "./model-file-check.js";
import {greedyLogprob, greedyStepOptions, readTargetLogprob, targetReadingItem, type TargetReading} from "./target-reading.js";
import {readDistribution, type TokenDistribution} from "./token-distribution.js";
import {whiteBoxAccess} from "./white-box-access.js";

export type LlamaCppPrecision = "exact" | "fast";
export type {TargetReading} from "./target-reading.js";

export interface LlamaCppOptions {
    /**
     * Tokens per lane (prompt and target together). Default: the model's trained context, at most
     * 2048. A size beyond the trained context is refused unless `allowLongContext` is set, and a
     * size whose KV cache does not fit in the memory available is always refused.
     */
    contextSize?: number;
    /** Accept a context size beyond the model's trained context (quality degrades there). */
    allowLongContext?: boolean;
    /** Independent sequences evaluated concurrently. Default 1. */
    lanes?: number;
    /** "exact" (default): no flash attention, F32 KV cache. "fast": library defaults (F16 KV, flash attention auto). */
    precision?: LlamaCppPrecision;
    /**
     * CPU threads. Default: 1 for models under 64 MiB (llama.cpp's spinning threads collapse when a
     * core is shared), else os.availableParallelism(), the real number of cores this process may use.
     */
    threads?: number;
    /** Tokens per decode batch. Default: min(contextSize × lanes, 512). */
    batchSize?: number;
    /** Layers offloaded to a GPU when one is present. Default "auto"; ignored without a GPU. */
    gpuLayers?: number | "auto";
    /** How target-token probabilities are read when scoring (target-reading.ts). Default "logit-weight". */
    targetReading?: TargetReading;
}

const defaultContextCap = 2048;

export async function openLlamaCppModel(path: string, options: LlamaCppOptions = {}): Promise<LlamaCppBackend> {
    const file = checkModelFile(path);
    const precision = options.precision ?? "exact";
    const lanes = options.lanes ?? 1;
    if (!Number.isInteger(lanes) || lanes < 1) throw new InputError("lanes must be a positive integer", {received: String(lanes)});
    checkContextRequest(file, options.contextSize, lanes, precision, options.allowLongContext === true);
    const llama = await sharedLlama().catch((error: unknown) => {
        throw new BackendError("llama.cpp could not start", {received: errorText(error), cause: error});
    });
    const useGpu = llama.gpu !== false && gpuLikelyPresent();
    let model: LlamaModel;
    try {
        model = await llama.loadModel({modelPath: resolve(path), gpuLayers: useGpu ? (options.gpuLayers ?? "auto") : 0});
    } catch (error) {
        throw new ModelFileError(`llama.cpp could not load ${basename(path)}`, {
            received: lastNativeError() ?? errorText(error),
            hint: "give a GGUF model file that llama.cpp supports",
            cause: error,
        });
    }
    const trained = file.trainedContextLength ?? model.trainContextSize;
    const contextSize = options.contextSize ?? Math.min(trained, defaultContextCap);
    let context: LlamaContext;
    try {
        context = await model.createContext({
            contextSize,
            sequences: lanes,
            threads: options.threads ?? defaultThreads(file.size),
            batchSize: options.batchSize ?? Math.min(contextSize * lanes, 512),
            ...(precision === "exact" ? {flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32"} : {}),
        });
    } catch (error) {
        await model.dispose();
        throw new BackendError(`llama.cpp could not create a context of ${contextSize} tokens × ${lanes} lanes`, {
            received: lastNativeError() ?? errorText(error),
            hint: "try a smaller context size",
            parameter: "contextSize",
            cause: error,
        });
    }
    const sequences = Array.from({length: lanes}, () => context.getSequence());
    const identity = fileIdentity(file);
    const targetReading = options.targetReading ?? "logit-weight";
    if (targetReading !== "logit-weight" && targetReading !== "full-distribution") {
        throw new InputError("unknown target reading", {expected: '"logit-weight" or "full-distribution"', received: String(targetReading)});
    }
    return new LlamaCppBackend({
        model,
        context,
        sequences,
        file,
        precision,
        gpu: useGpu,
        targetReading,
        contextLimit: Math.min(contextSize, context.contextSize),
        id: `llama-cpp:${identity}:${precision}${useGpu ? ":gpu" : ":cpu"}`,
    });
}

interface BackendParts {
    model: LlamaModel;
    context: LlamaContext;
    sequences: LlamaContextSequence[];
    file: ModelFileSummary;
    precision: LlamaCppPrecision;
    gpu: boolean;
    targetReading: TargetReading;
    id: string;
    /** Tokens a request may use per lane: the size asked for (llama.cpp may allocate a little more). */
    contextLimit: number;
}

export class LlamaCppBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo;
    private readonly model: LlamaModel;
    private readonly context: LlamaContext;
    private readonly sequences: LlamaContextSequence[];
    private readonly chatWrapper: ChatWrapper;
    /** How scoring reads target-token probabilities (see {@link TargetReading}). */
    readonly targetReading: TargetReading;
    /**
     * Evaluations run one at a time per lane and concurrently across lanes: node-llama-cpp puts the
     * tokens of concurrent sequences in one decode batch. Before 3.22 this raced (the sequences of a
     * batch were sampled on parallel worker threads while llama.cpp reordered the batch's output
     * rows lazily and without a lock, so a lane sometimes read another position's logits: errors up
     * to 0.28 in log-probability on llama-2-tiny-random), and the backend ran one evaluation at a
     * time on any lane. node-llama-cpp 3.22 fetches the logits under a per-context lock;
     * test/backends/concurrent-lanes.test.ts compares every score of many concurrent lanes with
     * evaluation from scratch.
     */
    private readonly laneQueues: Array<Promise<unknown>>;
    private disposed = false;

    constructor(parts: BackendParts) {
        this.model = parts.model;
        this.context = parts.context;
        this.sequences = parts.sequences;
        this.id = parts.id;
        this.name = basename(parts.file.path);
        this.targetReading = parts.targetReading;
        this.laneQueues = parts.sequences.map(() => Promise.resolve());
        this.chatWrapper = chooseChatWrapper(parts.model, parts.file.hasChatTemplate);
        const vocabularySize = parts.file.vocabularySize ?? 0;
        this.vocabulary = {
            size: vocabularySize,
            bos: parts.model.tokens.bos ?? undefined,
            eos: parts.model.tokens.eos ?? undefined,
            addBos: parts.model.tokens.shouldPrependBosToken && parts.model.tokens.bos !== null,
        };
        this.capabilities = {
            scoring: true,
            generation: true,
            maxTopLogprobs: vocabularySize,
            tokenizer: true,
            chatTemplate: parts.file.hasChatTemplate,
            // node-llama-cpp's name for the wrapper ("General" for files without a chat template).
            chatFormat: this.chatWrapper.wrapperName,
            contextSize: parts.contextLimit,
            lanes: parts.sequences.length,
            precision: parts.precision,
            ...whiteBoxAccess(
                {path: parts.file.path, header: parts.file.header, vocabularySize: parts.file.vocabularySize, matchLlamaCpp: !parts.gpu},
                () => !this.disposed,
            ),
        };
    }

    /** CPU threads llama.cpp evaluates with (the option, or the default for the file's size). */
    get threads(): number {
        return this.context.idealThreads;
    }

    async tokenize(texts: readonly string[]): Promise<TokenId[][]> {
        this.checkOpen();
        return texts.map((text) => this.model.tokenize(text, false));
    }

    async detokenize(sequences: readonly (readonly TokenId[])[], options: {special?: boolean} = {}): Promise<string[]> {
        this.checkOpen();
        return sequences.map((tokens) => this.model.detokenize(asTokens(tokens), options.special ?? false));
    }

    tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        this.checkOpen();
        return tokenTextsByDecoding(async (sequences) => sequences.map((tokens) => this.model.detokenize(asTokens(tokens), false)), requests);
    }

    async renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        this.checkOpen();
        return requests.map((request) => renderChatTokens(this.model, this.chatWrapper, request.messages, request.assistantResponse));
    }

    score(request: ScoreRequest, lane: number): Promise<ScoreResult> {
        this.checkOpen();
        checkScoreWindow(request, windowLimits(this));
        return this.onLane(lane, (sequence) => this.scoreOnSequence(sequence, request));
    }

    generate(request: GenerateRequest, lane: number): Promise<Generation> {
        this.checkOpen();
        checkGenerateWindow(request, windowLimits(this));
        return this.onLane(lane, (sequence) => this.generateOnSequence(sequence, request));
    }

    async dispose(): Promise<void> {
        if (this.disposed) return;
        this.disposed = true;
        await Promise.all(this.laneQueues.map((queue) => queue.catch(() => undefined)));
        await this.context.dispose();
        await this.model.dispose();
    }

    private checkOpen(): void {
        if (this.disposed) throw new BackendError("the model was already closed");
    }

    private onLane<T>(lane: number, work: (sequence: LlamaContextSequence) => Promise<T>): Promise<T> {
        const sequence = this.sequences[lane];
        if (sequence === undefined || !Number.isInteger(lane)) {
            return Promise.reject(new BackendError(`lane ${lane} does not exist`, {expected: `a lane from 0 to ${this.sequences.length - 1}`}));
        }
        const queued = this.laneQueues[lane] ?? Promise.resolve();
        const run = queued.then(
            () => work(sequence),
            () => work(sequence),
        );
        this.laneQueues[lane] = run.catch(() => undefined);
        return run.catch((error: unknown) => {
            throw toBackendError(error);
        });
    }

    private async scoreOnSequence(sequence: LlamaContextSequence, request: ScoreRequest): Promise<ScoreResult> {
        const all = [...request.context, ...request.target];
        // Logits at position i predict all[i + 1]; the first target token is predicted at `first`.
        const first = request.context.length - 1;
        await sequence.adaptStateToTokens(asTokens(all.slice(0, first)), false);
        const start = sequence.nextTokenIndex;
        const input: ControlledEvaluateInputItem[] = all
            .slice(start, all.length - 1)
            .map((token, offset) =>
                start + offset >= first ? targetReadingItem(token as Token, all[start + offset + 1] as Token, this.targetReading) : (token as Token),
            );
        const output = await sequence.controlledEvaluate(input);
        const logprobs = request.target.map((token, index) => {
            const logprob = readTargetLogprob(output[first + index - start], token as Token, this.targetReading);
            if (logprob === undefined) throw new BackendError(`llama.cpp returned no logits for target token ${index}`);
            return logprob;
        });
        return {logprobs, reusedTokens: start, evaluatedTokens: input.length};
    }

    private async generateOnSequence(sequence: LlamaContextSequence, request: GenerateRequest): Promise<Generation> {
        const random = new SeededRandom(request.seed);
        const stopAtEog = request.stopAtEog ?? true;
        const context = request.context;
        await sequence.adaptStateToTokens(asTokens(context.slice(0, -1)), false);
        let pending: TokenId[] = context.slice(sequence.nextTokenIndex);
        const generated: WeightedCandidate[] = [];
        const alternatives: WeightedCandidate[][] = [];
        let finishReason: Generation["finishReason"] = "length";
        // Greedy without alternatives needs only the argmax and its log-probability, −ln W (target-reading.ts),
        // without sending or sorting the vocabulary.
        const fullDistribution = request.temperature > 0 || request.topLogprobs > 0;
        while (generated.length < request.maxTokens) {
            const next = fullDistribution ? {probabilities: true} : greedyStepOptions;
            const input: ControlledEvaluateInputItem[] = pending.map((token, index) =>
                index === pending.length - 1 ? [token as Token, {generateNext: next}] : (token as Token),
            );
            const output = (await sequence.controlledEvaluate(input))[pending.length - 1]?.next;
            let chosen: WeightedCandidate;
            if (fullDistribution) {
                if (output?.probabilities === undefined) throw new BackendError("llama.cpp returned no distribution while generating");
                const distribution: TokenDistribution = readDistribution(output.probabilities);
                chosen = sampleCandidate(distribution.candidates, request.temperature, random);
                alternatives.push(distribution.candidates.slice(0, request.topLogprobs));
            } else {
                const logprob = greedyLogprob(output);
                if (output?.token == null || logprob === undefined) throw new BackendError("llama.cpp returned no token while generating");
                chosen = {token: output.token, logprob};
                alternatives.push([]);
            }
            generated.push(chosen);
            if (stopAtEog && this.model.isEogToken(chosen.token as Token)) {
                finishReason = "eog";
                break;
            }
            pending = [chosen.token];
        }
        // Token texts in context: the generated row after the prompt, each alternative after the tokens before it.
        const chosenTokens = generated.map((item) => item.token);
        const [rowTexts = [], ...alternativeTexts] = await this.tokenTexts([
            {tokens: chosenTokens, previous: context},
            ...alternatives.flatMap((candidates, step) =>
                candidates.map((candidate) => ({tokens: [candidate.token], previous: [...context, ...chosenTokens.slice(0, step)]})),
            ),
        ]);
        let alternativeIndex = 0;
        const tokens: GeneratedToken[] = generated.map((item, step) => ({
            token: item.token,
            text: rowTexts[step] ?? "",
            logprob: item.logprob,
            top: (alternatives[step] ?? []).map((candidate) => ({
                token: candidate.token,
                text: alternativeTexts[alternativeIndex++]?.[0] ?? "",
                logprob: candidate.logprob,
            })),
        }));
        const textTokens = chosenTokens.filter((token) => !(stopAtEog && this.model.isEogToken(token as Token)));
        const text = this.model.detokenize(asTokens(textTokens), false, asTokens(context.slice(-8)));
        return {tokens, text, finishReason};
    }
}

/**
 * Model identity: a hash of the file's header bytes (metadata, tensor layout), of three samples of
 * its tensor data (start, middle, end: fine-tunes share headers) and of its size.
 */
function fileIdentity(file: ModelFileSummary): string {
    const hash = createHash("sha256");
    const fd = openSync(file.path, "r");
    const hashRange = (start: number, length: number): void => {
        const buffer = Buffer.alloc(Math.min(Math.max(length, 0), 1 << 20));
        for (let position = start; position < start + length; position += buffer.length) {
            const read = readSync(fd, buffer, 0, Math.min(buffer.length, start + length - position), position);
            if (read <= 0) break;
            hash.update(buffer.subarray(0, read));
        }
    };
    try {
        hashRange(0, Math.min(file.header.dataOffset, 64 << 20));
        const sample = 256 << 10;
        const dataLength = file.size - file.header.dataOffset;
        for (const fraction of [0, 0.5, 1]) {
            const start = file.header.dataOffset + Math.floor(Math.max(0, dataLength - sample) * fraction);
            hashRange(start, Math.min(sample, file.size - start));
        }
    } finally {
        closeSync(fd);
    }
    hash.update(`:${file.size}`);
    return `${basename(file.path)}@${hash.digest("hex").slice(0, 16)}`;
}

/** node-llama-cpp brands token ids; the contract uses plain numbers. */
function asTokens(tokens: readonly TokenId[]): Token[] {
    return tokens as Token[];
}

function toBackendError(error: unknown): Error {
    if (isGlassboxError(error)) return error;
    return new BackendError("llama.cpp failed while evaluating", {received: errorText(error), cause: error});
}

function errorText(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unknown error";
}
