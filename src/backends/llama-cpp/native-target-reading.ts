/**
 * Reading target-token log-probabilities without sending the vocabulary to JavaScript. This is
 * the only file that uses node-llama-cpp internals; they are those of node-llama-cpp 3.21.1 (pinned
 * exactly in package.json) and not public API:
 *   - LlamaContextSequence._decodeTokens(tokens, logits, priority, tokenMeter, contextShift,
 *     mapper, afterBatch): the decode that controlledEvaluate runs, with a callback per logits row;
 *     and the fields it is given there: _tokenMeter, _contextShift, _takeIntervalCheckpointIfNeededAfterBatch;
 *   - LlamaContextSequence._resolveSamplerConfig(options): sampler settings as the native sampler takes them;
 *   - LlamaContextSequence._context._ctx.sampleToken(batchLogitIndex, sampler, probabilities, confidence):
 *     the native sampling of one logits row, returning [token, flat [id, p, id, p, …] | undefined, confidence];
 *   - LlamaModel._llama._bindings.AddonSampler and LlamaModel._model: a native sampler for the model.
 * The public controlledEvaluate samples each logits row once; the exact reading below samples the
 * same row two or three times. {@link openNativeTargetReader} checks that every internal exists and
 * returns undefined otherwise, and {@link verifyNativeTargetReader} compares one reading with the
 * public API at start-up; where either fails the backend reads full distributions through the public API.
 *
 * The reading at one position with logits l, target t (all in llama.cpp's float arithmetic):
 *   1. greedy with confidence: the argmax m and c = p(m) = e^{l_m} / Σ e^{l} over the whole vocabulary;
 *      if t = m, log p(t) = log c;
 *   2. t's logit raised by a bias B, top-k truncation, temperature 1, with probabilities: q over the
 *      k best biased logits, so q_t / q_m = e^{l_t + B − l_m} whenever t and m are both among them,
 *      and log p(t) = log c + log q_t − log q_m − B (an identity, not an approximation; the only
 *      error is rounding l_t + B in float32, below 4e-6 for |l_t + B| < 64);
 *   3. otherwise (t or m outside the k, or a zero probability): the full distribution, as the
 *      public API would read it (counted as a fall-back).
 */
import type {LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";

/** The flat [id, p, id, p, …] array, the chosen token and its confidence, as the native sampler returns them. */
type SampleResult = [number, number[] | undefined, number | undefined];

interface NativeSampler {
    applyConfig(config: object): void;
    dispose(): void;
}

interface SequenceInternals {
    _decodeTokens(tokens: Token[], logits: boolean[], priority: number, tokenMeter: unknown, contextShift: {size: unknown; strategy: unknown},
        mapper: (batchLogitIndex: number, tokenIndex: number) => Promise<undefined>, afterBatch: unknown): Promise<unknown[]>;
    _resolveSamplerConfig(options: object): object;
    _tokenMeter: unknown;
    _contextShift: {size: unknown; strategy: unknown};
    _takeIntervalCheckpointIfNeededAfterBatch: unknown;
    _context: {_ctx: {sampleToken(batchLogitIndex: number, sampler: NativeSampler, probabilities: boolean, confidence: boolean): Promise<SampleResult>}};
}

interface ModelInternals {
    _llama: {_bindings: {AddonSampler: new (model: unknown) => NativeSampler}};
    _model: unknown;
}

/** node-llama-cpp's priority for controlledEvaluate's decodes (defaultEvaluationPriority in 3.21.1). */
const evaluationPriority = 5;

export interface BiasedTopKSettings {
    /** Tokens kept after the bias (k). */
    topK: number;
    /** Bias added to the target's logit (B). */
    bias: number;
}

export const defaultBiasedTopK: BiasedTopKSettings = {topK: 32, bias: 32};

export interface NativeTargetReadings {
    /** log p(target) per input token that has a target (undefined elsewhere). */
    logprobs: Array<number | undefined>;
    /** Positions read from the full distribution because the truncated reading did not hold both tokens. */
    fallbacks: number;
}

export interface NativeTargetReader {
    /**
     * Evaluates `tokens` on `sequence` after its current state (as controlledEvaluate does) and
     * reads log p(targets[i]) from the logits after token i wherever targets[i] is defined. The
     * caller guarantees that nothing else evaluates on this model meanwhile.
     */
    evaluate(sequence: LlamaContextSequence, tokens: readonly Token[], targets: ReadonlyArray<Token | undefined>): Promise<NativeTargetReadings>;
    dispose(): void;
}

function hasFunction(owner: unknown, name: string): boolean {
    return typeof owner === "object" && owner !== null && typeof (owner as Record<string, unknown>)[name] === "function";
}

function hasField(owner: unknown, name: string): boolean {
    return typeof owner === "object" && owner !== null && name in owner;
}

/** Whether `sequence` exposes every internal the reader uses. */
function sequenceHasInternals(sequence: LlamaContextSequence): boolean {
    const internals = sequence as unknown as Record<string, unknown>;
    const context = internals["_context"] as Record<string, unknown> | undefined;
    return hasFunction(internals, "_decodeTokens") && hasFunction(internals, "_resolveSamplerConfig")
        && hasField(internals, "_tokenMeter") && hasField(internals, "_contextShift")
        && hasFunction(internals, "_takeIntervalCheckpointIfNeededAfterBatch")
        && hasFunction(context?.["_ctx"], "sampleToken");
}

function probabilityOf(flat: readonly number[] | undefined, token: number): number | undefined {
    if (flat === undefined) return undefined;
    for (let index = 0; index < flat.length; index += 2) if (flat[index] === token) return flat[index + 1];
    return undefined;
}

/**
 * A reader for `model` usable on each of `sequences`, or undefined when this node-llama-cpp lacks
 * the internals (or creating its samplers fails).
 */
export function openNativeTargetReader(model: LlamaModel, sequences: readonly LlamaContextSequence[],
    settings: BiasedTopKSettings = defaultBiasedTopK): NativeTargetReader | undefined {
    const modelInternals = model as unknown as Partial<ModelInternals>;
    const Sampler = modelInternals._llama?._bindings?.AddonSampler;
    if (typeof Sampler !== "function" || modelInternals._model === undefined) return undefined;
    if (sequences.length === 0 || !sequences.every(sequenceHasInternals)) return undefined;
    const first = sequences[0] as unknown as SequenceInternals;
    let greedy: NativeSampler | undefined;
    let truncated: NativeSampler | undefined;
    let truncatedBase: object;
    try {
        greedy = new Sampler(modelInternals._model);
        truncated = new Sampler(modelInternals._model);
        greedy.applyConfig(first._resolveSamplerConfig({}));
        truncatedBase = first._resolveSamplerConfig({temperature: 1, topK: settings.topK, topP: 1, minP: 0, seed: 1});
        truncated.applyConfig(truncatedBase);
    } catch {
        greedy?.dispose();
        truncated?.dispose();
        return undefined;
    }
    const greedySampler = greedy;
    const truncatedSampler = truncated;
    const biasValues = Float32Array.of(settings.bias);

    const readPosition = async (sample: SequenceInternals["_context"]["_ctx"], row: number, target: Token): Promise<{logprob: number; fellBack: boolean}> => {
        const [best, , confidence] = await sample.sampleToken(row, greedySampler, false, true);
        if (confidence !== undefined && confidence > 0) {
            if (best === target) return {logprob: Math.log(confidence), fellBack: false};
            truncatedSampler.applyConfig({...truncatedBase, tokenBiasKeys: Uint32Array.of(target), tokenBiasValues: biasValues});
            const [, top] = await sample.sampleToken(row, truncatedSampler, true, false);
            const targetShare = probabilityOf(top, target);
            const bestShare = probabilityOf(top, best);
            if (targetShare !== undefined && bestShare !== undefined && targetShare > 0 && bestShare > 0) {
                return {logprob: Math.log(confidence) + Math.log(targetShare) - Math.log(bestShare) - settings.bias, fellBack: false};
            }
        }
        const [, full] = await sample.sampleToken(row, greedySampler, true, false);
        return {logprob: Math.log(probabilityOf(full, target) ?? 0), fellBack: true};
    };

    return {
        async evaluate(sequence, tokens, targets) {
            const internals = sequence as unknown as SequenceInternals;
            const logprobs = new Array<number | undefined>(tokens.length).fill(undefined);
            let fallbacks = 0;
            const logits = tokens.map((_, index) => targets[index] !== undefined);
            const sample = internals._context._ctx;
            await internals._decodeTokens([...tokens], logits, evaluationPriority, internals._tokenMeter,
                {size: internals._contextShift.size, strategy: internals._contextShift.strategy},
                async (batchLogitIndex, tokenIndex) => {
                    const target = targets[tokenIndex];
                    if (target === undefined) return undefined;
                    const reading = await readPosition(sample, batchLogitIndex, target);
                    logprobs[tokenIndex] = reading.logprob;
                    if (reading.fellBack) fallbacks++;
                    return undefined;
                }, internals._takeIntervalCheckpointIfNeededAfterBatch);
            return {logprobs, fallbacks};
        },
        dispose() {
            greedySampler.dispose();
            truncatedSampler.dispose();
        },
    };
}

/** Largest |Δ log p| accepted from the start-up check (the reading's rounding is below 4e-6). */
const selfCheckTolerance = 1e-4;

/**
 * The reader when it works on this build: it reads log p(`probe.target` | `probe.context`) on
 * `sequence` and compares the value with the public full distribution; on any difference or error
 * the reader is disposed and undefined returned (the backend then reads full distributions). The
 * sequence is cleared afterwards. Runs before the backend takes requests.
 */
export async function verifyNativeTargetReader(reader: NativeTargetReader | undefined, sequence: LlamaContextSequence,
    probe: {context: Token; target: Token}): Promise<NativeTargetReader | undefined> {
    if (reader === undefined) return undefined;
    try {
        await sequence.clearHistory();
        const fast = (await reader.evaluate(sequence, [probe.context], [probe.target])).logprobs[0];
        await sequence.clearHistory();
        const [output] = await sequence.controlledEvaluate([[probe.context, {generateNext: {probabilities: true}}]]);
        await sequence.clearHistory();
        const full = Math.log(output?.next.probabilities?.get(probe.target) ?? 0);
        if (fast !== undefined && Number.isFinite(fast) && Number.isFinite(full) && Math.abs(fast - full) <= selfCheckTolerance) return reader;
    } catch {
        // Fall through: an internal that exists but misbehaves is treated as absent.
    }
    reader.dispose();
    await sequence.clearHistory().catch(() => undefined);
    return undefined;
}
