/**
 * The forward pass of a llama-family decoder over a batch of equal-length sequences, with a hook
 * point at every activation. Storage is float32 ("f32") or float64 ("f64", the reference path);
 * sums inside kernels run in float64 either way. With `keepTape` the activations the backward pass
 * needs are kept (after hooks, so that a patched run is differentiated as patched).
 */
import type {EngineConfig} from "./config.js";
import {blockHook, type HookSet, type Tensor} from "./hooks.js";
import {attentionMix, attentionScores, softmaxRows, type AttentionShape} from "./kernels/attention.js";
import {swigluForward} from "./kernels/gated-mlp.js";
import {linearForward, type Floats} from "./kernels/matmul.js";
import {applyRotary, rotaryTables, type RotaryTables} from "./kernels/rotary.js";
import {applyGain, rmsNormalize} from "./kernels/rms-norm.js";
import type {EngineWeights} from "./weights.js";

export type Precision = "f32" | "f64";

export interface BlockTape {
    residPre: Floats;
    inverseRms1: Floats;
    /** After the hook: the input of the attention norm's gain (and, times the gain, of q, k, v). */
    normalized1: Floats;
    queryLinear: Floats;
    keyLinear: Floats;
    valueLinear: Floats;
    queryInverseRms: Floats | undefined;
    keyInverseRms: Floats | undefined;
    rotQuery: Floats;
    rotKey: Floats;
    value: Floats;
    softmaxOutput: Floats;
    pattern: Floats;
    /** The input of the attention output projection. */
    z: Floats;
    attnOut: Floats;
    residMid: Floats;
    inverseRms2: Floats;
    normalized2: Floats;
    gate: Floats;
    up: Floats;
    /** The input of the down projection. */
    post: Floats;
    mlpOut: Floats;
}

export interface Tape {
    tokens: readonly (readonly number[])[];
    blocks: BlockTape[];
    residFinal: Floats;
    inverseRmsFinal: Floats;
    normalizedFinal: Floats;
    logits: Floats;
    shape: AttentionShape;
    rotary: RotaryTables;
}

export interface ForwardModel {
    config: EngineConfig;
    weights: EngineWeights;
}

export interface ForwardOutput {
    /** `[sequences, length, vocabSize]`. */
    logits: Tensor;
    tape: Tape | undefined;
}

export function allocate(precision: Precision, length: number): Floats {
    return precision === "f32" ? new Float32Array(length) : new Float64Array(length);
}

export function attentionScale(config: EngineConfig): number {
    return 1 / Math.sqrt(config.headDim);
}

export function runForward(
    model: ForwardModel,
    tokens: readonly (readonly number[])[],
    precision: Precision,
    hooks: HookSet,
    keepTape: boolean,
): ForwardOutput {
    const {config, weights} = model;
    const {dim, heads, kvHeads, headDim, ffn, vocabSize, normEps} = config;
    const sequences = tokens.length;
    const length = tokens[0]?.length ?? 0;
    const rows = sequences * length;
    const shape: AttentionShape = {sequences, length, heads, kvHeads, headDim};
    const rotary = rotaryTables(length, config.rotaryDim, config.ropeBase, config.ropeLinearScale, weights.ropeFrequencyFactors);
    const alloc = (size: number): Floats => allocate(precision, size);
    const residShape = [sequences, length, dim];

    let resid = alloc(rows * dim);
    tokens.forEach((sequence, b) =>
        sequence.forEach((token, t) => {
            resid.set(weights.tokenEmbedding.subarray(token * dim, (token + 1) * dim), (b * length + t) * dim);
        }),
    );
    resid = hooks.apply("hook_embed", resid, residShape);

    const blocks: BlockTape[] = [];
    const scratchNormalized = alloc(rows * dim);
    /** A fresh array where the tape keeps it, else the shared scratch. */
    const normalizedBuffer = (): Floats => (keepTape ? alloc(rows * dim) : scratchNormalized);
    const scaled = alloc(rows * dim);
    for (let layer = 0; layer < config.layers; layer++) {
        const w = weights.blocks[layer]!;
        const hook = (name: Parameters<typeof blockHook>[1], data: Floats, dims: readonly number[]): Floats => hooks.apply(blockHook(layer, name), data, dims);
        const residPre = hook("hook_resid_pre", resid, residShape);

        const inverseRms1 = alloc(rows);
        const normalized1 = normalizedBuffer();
        rmsNormalize(residPre, rows, dim, normEps, normalized1, inverseRms1);
        const hookedNormalized1 = hook("ln1.hook_normalized", normalized1, residShape);
        applyGain(hookedNormalized1, rows * dim, w.attentionNorm, scaled);

        const queryLinear = alloc(rows * heads * headDim);
        const keyLinear = alloc(rows * kvHeads * headDim);
        const valueLinear = alloc(rows * kvHeads * headDim);
        linearForward(scaled, rows, dim, w.query, heads * headDim, w.queryBias, queryLinear);
        linearForward(scaled, rows, dim, w.key, kvHeads * headDim, w.keyBias, keyLinear);
        linearForward(scaled, rows, dim, w.value, kvHeads * headDim, w.valueBias, valueLinear);
        let query = queryLinear,
            key = keyLinear;
        let queryInverseRms: Floats | undefined, keyInverseRms: Floats | undefined;
        if (w.queryNorm !== undefined && w.keyNorm !== undefined) {
            queryInverseRms = alloc(rows * heads);
            keyInverseRms = alloc(rows * kvHeads);
            query = alloc(rows * heads * headDim);
            key = alloc(rows * kvHeads * headDim);
            rmsNormalize(queryLinear, rows * heads, headDim, normEps, query, queryInverseRms);
            applyGain(query, query.length, w.queryNorm, query);
            rmsNormalize(keyLinear, rows * kvHeads, headDim, normEps, key, keyInverseRms);
            applyGain(key, key.length, w.keyNorm, key);
        }
        const queryShape = [sequences, length, heads, headDim];
        const keyShape = [sequences, length, kvHeads, headDim];
        const rotQuery = hook("attn.hook_q", query, queryShape).slice();
        const rotKey = hook("attn.hook_k", key, keyShape).slice();
        const value = hook("attn.hook_v", valueLinear, keyShape);
        applyRotary(rotQuery, sequences, length, heads, headDim, rotary, config.rotaryLayout, 1);
        applyRotary(rotKey, sequences, length, kvHeads, headDim, rotary, config.rotaryLayout, 1);
        const q = hook("attn.hook_rot_q", rotQuery, queryShape);
        const k = hook("attn.hook_rot_k", rotKey, keyShape);

        const patternShape = [sequences, heads, length, length];
        const scores = alloc(sequences * heads * length * length);
        attentionScores(q, k, shape, attentionScale(config), scores);
        const softmaxOutput = alloc(scores.length);
        softmaxRows(hook("attn.hook_attn_scores", scores, patternShape), sequences * heads * length, length, softmaxOutput);
        const pattern = hook("attn.hook_pattern", softmaxOutput, patternShape);
        const mixed = alloc(rows * heads * headDim);
        attentionMix(pattern, value, shape, mixed);
        const z = hook("attn.hook_z", mixed, queryShape);
        const attnLinear = alloc(rows * dim);
        linearForward(z, rows, heads * headDim, w.output, dim, undefined, attnLinear);
        const attnOut = hook("hook_attn_out", attnLinear, residShape);
        const midSum = alloc(rows * dim);
        for (let i = 0; i < midSum.length; i++) midSum[i] = residPre[i]! + attnOut[i]!;
        const residMid = hook("hook_resid_mid", midSum, residShape);

        const inverseRms2 = alloc(rows);
        const normalized2 = normalizedBuffer();
        rmsNormalize(residMid, rows, dim, normEps, normalized2, inverseRms2);
        const hookedNormalized2 = hook("ln2.hook_normalized", normalized2, residShape);
        applyGain(hookedNormalized2, rows * dim, w.mlpNorm, scaled);
        const gateLinear = alloc(rows * ffn);
        const upLinear = alloc(rows * ffn);
        linearForward(scaled, rows, dim, w.gate, ffn, undefined, gateLinear);
        linearForward(scaled, rows, dim, w.up, ffn, undefined, upLinear);
        const mlpShape = [sequences, length, ffn];
        const gate = hook("mlp.hook_pre", gateLinear, mlpShape);
        const up = hook("mlp.hook_pre_linear", upLinear, mlpShape);
        const product = alloc(rows * ffn);
        swigluForward(gate, up, rows * ffn, product);
        const post = hook("mlp.hook_post", product, mlpShape);
        const mlpLinear = alloc(rows * dim);
        linearForward(post, rows, ffn, w.down, dim, undefined, mlpLinear);
        const mlpOut = hook("hook_mlp_out", mlpLinear, residShape);
        const postSum = alloc(rows * dim);
        for (let i = 0; i < postSum.length; i++) postSum[i] = residMid[i]! + mlpOut[i]!;
        resid = hook("hook_resid_post", postSum, residShape);
        if (keepTape) {
            blocks.push({
                residPre,
                inverseRms1,
                normalized1: hookedNormalized1,
                queryLinear,
                keyLinear,
                valueLinear,
                queryInverseRms,
                keyInverseRms,
                rotQuery: q,
                rotKey: k,
                value,
                softmaxOutput,
                pattern,
                z,
                attnOut,
                residMid,
                inverseRms2,
                normalized2: hookedNormalized2,
                gate,
                up,
                post,
                mlpOut,
            });
        }
    }

    const inverseRmsFinal = alloc(rows);
    const normalizedFinal = normalizedBuffer();
    rmsNormalize(resid, rows, dim, normEps, normalizedFinal, inverseRmsFinal);
    const hookedNormalizedFinal = hooks.apply("ln_final.hook_normalized", normalizedFinal, residShape);
    applyGain(hookedNormalizedFinal, rows * dim, weights.outputNorm, scaled);
    const logitsLinear = alloc(rows * vocabSize);
    linearForward(scaled, rows, dim, weights.unembedding, vocabSize, undefined, logitsLinear);
    const logitShape = [sequences, length, vocabSize];
    const logits = hooks.apply("hook_logits", logitsLinear, logitShape);
    return {
        logits: {data: logits, shape: logitShape},
        tape: keepTape ? {tokens, blocks, residFinal: resid, inverseRmsFinal, normalizedFinal: hookedNormalizedFinal, logits, shape, rotary} : undefined,
    };
}
