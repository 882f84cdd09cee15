/**
 * Direct node-llama-cpp measurements for benchmarks: the naive from-scratch baseline, the engine
 * limit (only the tokens that must be evaluated, in large batches) and the cost of reading
 * target-token probabilities. Library code goes through src/backends; benchmarks may not.
 */
import type {ControlledEvaluateInputItem, LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {sharedLlama} from "../../src/backends/llama-cpp/llama-runtime.js";
import type {ScoreRequest, ScoreResult} from "../../src/model/backend-spec.js";
import {readTargetLogprob, targetReadingItem} from "../../src/backends/llama-cpp/target-reading.js";
import {laneStateAfter, prefixCost, prefixOrder, emptyLaneState} from "../../src/evaluator/schedule.js";
import {flattenRequest} from "../../src/evaluator/token-sequence.js";

export interface DirectModel {
    model: LlamaModel;
    context: LlamaContext;
    sequence: LlamaContextSequence;
    dispose(): Promise<void>;
}

/** One sequence with the llama.cpp backend's exact-mode settings (no flash attention, F32 KV cache). */
export async function openDirect(path: string, options: {contextSize: number; threads: number; batchSize?: number}): Promise<DirectModel> {
    const llama = await sharedLlama();
    const model = await llama.loadModel({modelPath: path, gpuLayers: 0});
    const context = await model.createContext({
        contextSize: options.contextSize,
        sequences: 1,
        threads: options.threads,
        batchSize: options.batchSize ?? 512,
        flashAttention: false,
        experimentalKvCacheKeyType: "F32",
        experimentalKvCacheValueType: "F32",
    });
    const sequence = context.getSequence();
    return {
        model,
        context,
        sequence,
        dispose: async () => {
            await context.dispose();
            await model.dispose();
        },
    };
}

/**
 * How a target position is read: "probabilities", the full distribution as a Map; "logit-weight",
 * the target's logit, the maximum and the total logit weight (src/backends/llama-cpp/target-reading.ts);
 * "confidence", the greedy token's probability only; "none", no logits.
 */
export type LogitsMode = "probabilities" | "logit-weight" | "confidence" | "none";

/** The input item for `token` at a position whose logits predict `next`, read as `mode` says. */
function itemFor(token: Token, next: Token, mode: LogitsMode): ControlledEvaluateInputItem {
    if (mode === "none") return token;
    if (mode === "confidence") return [token, {generateNext: {confidence: true}}];
    return targetReadingItem(token, next, mode === "probabilities" ? "full-distribution" : "logit-weight");
}

function inputFor(tokens: readonly number[], from: number, firstLogit: number, mode: LogitsMode): ControlledEvaluateInputItem[] {
    const input: ControlledEvaluateInputItem[] = [];
    for (let index = from; index < tokens.length - 1; index++) {
        const token = tokens[index] as Token;
        input.push(index < firstLogit ? token : itemFor(token, tokens[index + 1] as Token, mode));
    }
    return input;
}

/**
 * (a) What captum and inseq do (research notes, anchors-attribution.md, captum section): per
 * variant, a prefill of the prompt on a cleared sequence with the distribution at its last
 * position, then the target fed one token per call (KV cache kept within the variant), reading
 * the full distribution at each step. Batch 1, exact mode, the same tokens as every other arm.
 */
export async function captumScores(sequence: LlamaContextSequence, requests: readonly ScoreRequest[]): Promise<ScoreResult[]> {
    const results: ScoreResult[] = [];
    for (const request of requests) {
        await sequence.clearHistory();
        const prefill: ControlledEvaluateInputItem[] = request.context.map((token, index) =>
            index === request.context.length - 1 ? [token as Token, {generateNext: {probabilities: true}}] : (token as Token),
        );
        let distribution = (await sequence.controlledEvaluate(prefill)).at(-1)?.next.probabilities;
        const logprobs: number[] = [];
        for (let index = 0; index < request.target.length; index++) {
            const token = request.target[index]!;
            logprobs.push(Math.log(distribution?.get(token as Token) ?? 0));
            if (index === request.target.length - 1) break;
            distribution = (await sequence.controlledEvaluate([[token as Token, {generateNext: {probabilities: true}}]]))[0]?.next.probabilities;
        }
        results.push({logprobs});
    }
    return results;
}

/**
 * (a′) A stronger baseline than captum's: clear the sequence and evaluate prompt + target in ONE
 * teacher-forced call per variant (no prefix reuse), the distribution at every target position.
 */
export async function naiveScores(sequence: LlamaContextSequence, requests: readonly ScoreRequest[]): Promise<ScoreResult[]> {
    const results: ScoreResult[] = [];
    for (const request of requests) {
        await sequence.clearHistory();
        const all = [...request.context, ...request.target];
        const first = request.context.length - 1;
        const output = await sequence.controlledEvaluate(inputFor(all, 0, first, "probabilities"));
        results.push({logprobs: request.target.map((token, index) => Math.log(output[first + index]?.next.probabilities?.get(token as Token) ?? 0))});
    }
    return results;
}

/**
 * log p(target) at every target position of `requests`, each from scratch, in float64 from all the
 * raw logits (`logits: true`): the reference both float32 readings are compared with.
 */
export async function float64Scores(sequence: LlamaContextSequence, requests: readonly ScoreRequest[]): Promise<ScoreResult[]> {
    const results: ScoreResult[] = [];
    for (const request of requests) {
        await sequence.clearHistory();
        const all = [...request.context, ...request.target];
        const first = request.context.length - 1;
        const input: ControlledEvaluateInputItem[] = all
            .slice(0, -1)
            .map((token, index) => (index >= first ? [token as Token, {generateNext: {logits: true}}] : (token as Token)));
        const output = await sequence.controlledEvaluate(input);
        results.push({
            logprobs: request.target.map((token, index) => {
                const logits = [...(output[first + index]?.next.logits ?? new Map<Token, number>()).entries()];
                const max = Math.max(...logits.map(([, value]) => value));
                const logSum = max + Math.log(logits.reduce((sum, [, value]) => sum + Math.exp(value - max), 0));
                return (logits.find(([candidate]) => candidate === token)?.[1] ?? Number.NEGATIVE_INFINITY) - logSum;
            }),
        });
    }
    return results;
}

/** The tokens that must be evaluated for `requests` on one lane in prefix order, with logit flags and the token each logit row predicts. */
export function mustEvaluateStream(requests: readonly ScoreRequest[]): {tokens: number[]; logits: boolean[]; next: number[]} {
    const flats = requests.map(flattenRequest);
    const tokens: number[] = [];
    const logits: boolean[] = [];
    const next: number[] = [];
    let held = emptyLaneState;
    for (const index of prefixOrder(flats)) {
        const flat = flats[index]!;
        const {reused} = prefixCost(held, flat, true);
        for (let position = reused; position < flat.tokens.length - 1; position++) {
            tokens.push(flat.tokens[position]!);
            logits.push(position >= flat.contextLength - 1);
            next.push(flat.tokens[position + 1]!);
        }
        held = laneStateAfter(flat);
    }
    return {tokens, logits, next};
}

/**
 * (c) The engine limit: the must-evaluate tokens, in windows of `window` tokens (each window one
 * controlledEvaluate on a cleared sequence, so attention spans stay prompt-sized), with logits
 * at the same number of positions (or none).
 */
export async function engineLimit(
    sequence: LlamaContextSequence,
    stream: {tokens: number[]; logits: boolean[]; next: number[]},
    window: number,
    mode: LogitsMode,
): Promise<number> {
    let calls = 0;
    for (let start = 0; start < stream.tokens.length; start += window) {
        await sequence.clearHistory();
        const input: ControlledEvaluateInputItem[] = [];
        for (let index = start; index < Math.min(stream.tokens.length, start + window); index++) {
            const token = stream.tokens[index] as Token;
            input.push(stream.logits[index] ? itemFor(token, stream.next[index] as Token, mode) : token);
        }
        await sequence.controlledEvaluate(input);
        calls++;
    }
    return calls;
}

/**
 * The evaluator's work on one lane done directly (prefix order, `adaptStateToTokens` reuse, one
 * controlledEvaluate per request), reading the target positions as `mode` says.
 */
export async function prefixReplay(sequence: LlamaContextSequence, requests: readonly ScoreRequest[], mode: LogitsMode): Promise<ScoreResult[]> {
    await sequence.clearHistory();
    const flats = requests.map(flattenRequest);
    const results: ScoreResult[] = new Array(requests.length);
    for (const index of prefixOrder(flats)) {
        const request = requests[index]!;
        const all = [...request.context, ...request.target];
        const first = request.context.length - 1;
        await sequence.adaptStateToTokens(all.slice(0, first) as Token[], false);
        const start = sequence.nextTokenIndex;
        const output = await sequence.controlledEvaluate(inputFor(all, start, first, mode));
        const reading = mode === "probabilities" ? "full-distribution" : "logit-weight";
        results[index] = {
            logprobs:
                mode === "none" || mode === "confidence"
                    ? []
                    : request.target.map((token, offset) => readTargetLogprob(output[first + offset - start], token as Token, reading) ?? Number.NaN),
        };
    }
    return results;
}

/**
 * Internals of node-llama-cpp used by {@link prefixReplayBiasedTopK} (not public API; present in
 * 3.21.1 and 3.22.1). This was the backend's reading for large vocabularies before node-llama-cpp
 * 3.22 offered the total logit weight; it stays here as the comparison.
 */
interface SequenceInternals {
    _decodeTokens(
        tokens: Token[],
        logits: boolean[],
        priority: number,
        tokenMeter: unknown,
        shift: unknown,
        mapper: (batchLogitIndex: number, tokenIndex: number) => Promise<unknown>,
        afterBatch: unknown,
    ): Promise<unknown[]>;
    _resolveSamplerConfig(options: object): object;
    _tokenMeter: unknown;
    _contextShift: {size: unknown; strategy: unknown};
    _takeIntervalCheckpointIfNeededAfterBatch: unknown;
    _context: {
        _ctx: {
            sampleToken(
                index: number,
                sampler: unknown,
                probabilities: boolean,
                confidence: boolean,
            ): Promise<[number, number[] | undefined, number | undefined]>;
        };
    };
}

interface ModelInternals {
    _llama: {_bindings: {AddonSampler: new (model: unknown) => {applyConfig(config: object): void; dispose(): void}}};
    _model: unknown;
}

/**
 * An exact reading of target-token probabilities without transferring the vocabulary, from two
 * samplings of the same logits (node-llama-cpp internals, an experiment):
 *   1. greedy with `confidence`: the argmax token m and c = p(m) = e^{l_m} / Z (full softmax, in native code);
 *   2. the target t biased by +B, top-k truncation, temperature 1, with `probabilities`: q over
 *      the k best biased logits, so q_t / q_m = e^{l_t + B − l_m};
 *   then log p(t) = log c + log q_t − log q_m − B. Where t is m, log p(t) = log c. Where t does
 *   not reach the top k even with the bias, a third sampling reads the full map (counted).
 */
export async function prefixReplayBiasedTopK(
    model: LlamaModel,
    sequence: LlamaContextSequence,
    requests: readonly ScoreRequest[],
    options: {topK: number; bias: number},
): Promise<{results: ScoreResult[]; fallbacks: number}> {
    const internals = sequence as unknown as SequenceInternals;
    const modelInternals = model as unknown as ModelInternals;
    const greedy = new modelInternals._llama._bindings.AddonSampler(modelInternals._model);
    const truncated = new modelInternals._llama._bindings.AddonSampler(modelInternals._model);
    greedy.applyConfig(internals._resolveSamplerConfig({}));
    const truncatedBase = internals._resolveSamplerConfig({temperature: 1, topK: options.topK, topP: 1, minP: 0, seed: 1});
    const sample = internals._context._ctx.sampleToken.bind(internals._context._ctx);
    const results: ScoreResult[] = new Array(requests.length);
    let fallbacks = 0;
    try {
        await sequence.clearHistory();
        const flats = requests.map(flattenRequest);
        for (const requestIndex of prefixOrder(flats)) {
            const request = requests[requestIndex]!;
            const all = [...request.context, ...request.target];
            const first = request.context.length - 1;
            await sequence.adaptStateToTokens(all.slice(0, first) as Token[], false);
            const start = sequence.nextTokenIndex;
            const tokens = all.slice(start, -1) as Token[];
            const logits = tokens.map((_, offset) => start + offset >= first);
            const logprobs = new Array<number>(request.target.length).fill(-Infinity);
            await internals._decodeTokens(
                tokens,
                logits,
                5,
                internals._tokenMeter,
                {size: internals._contextShift.size, strategy: internals._contextShift.strategy},
                async (batchLogitIndex, tokenIndex) => {
                    const targetIndex = start + tokenIndex - first;
                    const wanted = request.target[targetIndex];
                    if (wanted === undefined) return undefined;
                    const [best, , confidence] = await sample(batchLogitIndex, greedy, false, true);
                    if (best === wanted && confidence !== undefined) {
                        logprobs[targetIndex] = Math.log(confidence);
                        return undefined;
                    }
                    truncated.applyConfig({...truncatedBase, tokenBiasKeys: Uint32Array.of(wanted), tokenBiasValues: Float32Array.of(options.bias)});
                    const [, top] = await sample(batchLogitIndex, truncated, true, false);
                    const probabilityOf = (flat: readonly number[] | undefined, token: number): number | undefined => {
                        if (flat === undefined) return undefined;
                        for (let index = 0; index < flat.length; index += 2) if (flat[index] === token) return flat[index + 1];
                        return undefined;
                    };
                    const targetShare = probabilityOf(top, wanted);
                    const bestShare = probabilityOf(top, best);
                    if (confidence !== undefined && targetShare !== undefined && bestShare !== undefined) {
                        logprobs[targetIndex] = Math.log(confidence) + Math.log(targetShare) - Math.log(bestShare) - options.bias;
                        return undefined;
                    }
                    fallbacks++;
                    const [, full] = await sample(batchLogitIndex, greedy, true, false);
                    logprobs[targetIndex] = Math.log(probabilityOf(full, wanted) ?? 0);
                    return undefined;
                },
                internals._takeIntervalCheckpointIfNeededAfterBatch,
            );
            results[requestIndex] = {logprobs};
        }
    } finally {
        greedy.dispose();
        truncated.dispose();
    }
    return {results, fallbacks};
}
