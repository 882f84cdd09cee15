/**
 * Reverse mode through a recorded forward pass, for a scalar objective of the logits. Each layer
 * kind's local backward follows the chosen {@link BackwardRules}; the gradient passes through a
 * hook point unchanged, and is recorded at the hook names asked for. Given {@link WeightGradients},
 * the pass also adds the gradients with respect to every weight (plain rules only: the caller
 * checks), from the activations the forward pass fed each weight (after hooks).
 */
import {blockHook, type BlockHookName, type Tensor} from "./hooks.js";
import {attentionMixBackward, attentionScoresBackward, softmaxBackward} from "./kernels/attention.js";
import {swigluBackward} from "./kernels/gated-mlp.js";
import {biasBackward, linearBackwardInput, linearBackwardWeight, type Floats} from "./kernels/matmul.js";
import {applyRotary} from "./kernels/rotary.js";
import {applyGain, gainBackward, rmsNormalizeBackward} from "./kernels/rms-norm.js";
import {allocate, attentionScale, type ForwardModel, type Precision, type Tape} from "./forward.js";
import {evaluateObjective, type Objective} from "./objectives.js";
import {applyLinearRule, type BackwardRules} from "./rules.js";
import type {WeightGradients} from "./weight-gradients.js";

export interface BackwardOutput {
    /** The objective's value. */
    value: number;
    /** Gradient (under the rules) at each hook name asked for, shaped like the activation. */
    gradients: Map<string, Tensor>;
}

function scale(data: Floats, factor: number): void {
    if (factor === 1) return;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * factor;
}

export function runBackward(
    model: ForwardModel,
    tape: Tape,
    objective: Objective,
    rules: BackwardRules,
    precision: Precision,
    recordAt: ReadonlySet<string>,
    weightGradients?: WeightGradients,
): BackwardOutput {
    const {config, weights} = model;
    const {dim, heads, kvHeads, headDim, ffn, vocabSize} = config;
    const {sequences, length} = tape.shape;
    const rows = sequences * length;
    const alloc = (size: number): Floats => allocate(precision, size);
    const gradients = new Map<string, Tensor>();
    const record = (name: string, data: Floats, shape: readonly number[]): void => {
        if (recordAt.has(name)) gradients.set(name, {data: data.slice(), shape: [...shape]});
    };
    const residShape = [sequences, length, dim];
    const queryShape = [sequences, length, heads, headDim];
    const keyShape = [sequences, length, kvHeads, headDim];
    const patternShape = [sequences, heads, length, length];
    const mlpShape = [sequences, length, ffn];

    const {value, dLogits} = evaluateObjective(objective, tape.logits, sequences, length, vocabSize);
    if (recordAt.has("hook_logits")) {
        const full = alloc(rows * vocabSize);
        for (const [row, gradient] of dLogits) full.set(gradient, row * vocabSize);
        gradients.set("hook_logits", {data: full, shape: [sequences, length, vocabSize]});
    }
    const dScaled = alloc(rows * dim);
    const wg = weightGradients;
    /** The input of a linear layer: the hooked normalised values times the norm's gain. */
    const scaledInput = (normalized: Floats, gain: Float32Array): Floats => {
        const out = alloc(rows * dim);
        applyGain(normalized, rows * dim, gain, out);
        return out;
    };
    const finalInput = wg === undefined ? undefined : scaledInput(tape.normalizedFinal, weights.outputNorm);
    for (const [row, gradient] of dLogits) {
        const modified = applyLinearRule(rules.linear, gradient, tape.logits.subarray(row * vocabSize, (row + 1) * vocabSize));
        linearBackwardInput(modified, 1, vocabSize, weights.unembedding, dim, dScaled.subarray(row * dim, (row + 1) * dim));
        if (wg !== undefined) linearBackwardWeight(finalInput!.subarray(row * dim, (row + 1) * dim), modified, 1, dim, vocabSize, wg.unembedding);
    }
    if (wg !== undefined) gainBackward(dScaled, tape.normalizedFinal, rows * dim, wg.outputNorm);
    const dNormalized = alloc(rows * dim);
    applyGain(dScaled, rows * dim, weights.outputNorm, dNormalized);
    record("ln_final.hook_normalized", dNormalized, residShape);
    let dResid = alloc(rows * dim);
    rmsNormalizeBackward(tape.residFinal, tape.inverseRmsFinal, dNormalized, rows, dim, rules.normalization, dResid);

    const buffer = alloc(rows * dim);
    for (let layer = config.layers - 1; layer >= 0; layer--) {
        const w = weights.blocks[layer]!;
        const t = tape.blocks[layer]!;
        const g = wg?.blocks[layer];
        const at = (name: BlockHookName, data: Floats, shape: readonly number[]): void => record(blockHook(layer, name), data, shape);
        at("hook_resid_post", dResid, residShape);
        at("hook_mlp_out", dResid, residShape);

        // MLP
        const dPost = alloc(rows * ffn);
        linearBackwardInput(applyLinearRule(rules.linear, dResid, t.mlpOut), rows, dim, w.down, ffn, dPost);
        if (g !== undefined) linearBackwardWeight(t.post, dResid, rows, ffn, dim, g.down);
        at("mlp.hook_post", dPost, mlpShape);
        const dGate = alloc(rows * ffn);
        const dUp = alloc(rows * ffn);
        swigluBackward(t.gate, t.up, dPost, rows * ffn, rules.activation, rules.gate, dGate, dUp);
        at("mlp.hook_pre", dGate, mlpShape);
        at("mlp.hook_pre_linear", dUp, mlpShape);
        linearBackwardInput(applyLinearRule(rules.linear, dGate, t.gate), rows, ffn, w.gate, dim, dScaled);
        linearBackwardInput(applyLinearRule(rules.linear, dUp, t.up), rows, ffn, w.up, dim, buffer);
        for (let i = 0; i < rows * dim; i++) dScaled[i] = dScaled[i]! + buffer[i]!;
        if (g !== undefined) {
            const mlpInput = scaledInput(t.normalized2, w.mlpNorm);
            linearBackwardWeight(mlpInput, dGate, rows, dim, ffn, g.gate);
            linearBackwardWeight(mlpInput, dUp, rows, dim, ffn, g.up);
            gainBackward(dScaled, t.normalized2, rows * dim, g.mlpNorm);
        }
        applyGain(dScaled, rows * dim, w.mlpNorm, dNormalized);
        at("ln2.hook_normalized", dNormalized, residShape);
        rmsNormalizeBackward(t.residMid, t.inverseRms2, dNormalized, rows, dim, rules.normalization, buffer);
        for (let i = 0; i < rows * dim; i++) dResid[i] = dResid[i]! + buffer[i]!;
        at("hook_resid_mid", dResid, residShape);
        at("hook_attn_out", dResid, residShape);

        // Attention
        const dz = alloc(rows * heads * headDim);
        linearBackwardInput(applyLinearRule(rules.linear, dResid, t.attnOut), rows, dim, w.output, heads * headDim, dz);
        if (g !== undefined) linearBackwardWeight(t.z, dResid, rows, heads * headDim, dim, g.output);
        at("attn.hook_z", dz, queryShape);
        const dPattern = alloc(sequences * heads * length * length);
        const dValue = alloc(rows * kvHeads * headDim);
        attentionMixBackward(t.pattern, t.value, dz, tape.shape, dPattern, dValue);
        if (rules.attention === "attnlrp") {
            scale(dPattern, 0.5);
            scale(dValue, 0.5);
        } else if (rules.attention === "constant-pattern") dPattern.fill(0);
        at("attn.hook_pattern", dPattern, patternShape);
        const dScores = alloc(dPattern.length);
        softmaxBackward(t.softmaxOutput, dPattern, sequences * heads * length, length, dScores);
        at("attn.hook_attn_scores", dScores, patternShape);
        const dQuery = alloc(rows * heads * headDim);
        const dKey = alloc(rows * kvHeads * headDim);
        attentionScoresBackward(t.rotQuery, t.rotKey, dScores, tape.shape, attentionScale(config), dQuery, dKey);
        if (rules.attention === "attnlrp") {
            scale(dQuery, 0.5);
            scale(dKey, 0.5);
        }
        at("attn.hook_rot_q", dQuery, queryShape);
        at("attn.hook_rot_k", dKey, keyShape);
        applyRotary(dQuery, sequences, length, heads, headDim, tape.rotary, config.rotaryLayout, -1);
        applyRotary(dKey, sequences, length, kvHeads, headDim, tape.rotary, config.rotaryLayout, -1);
        at("attn.hook_q", dQuery, queryShape);
        at("attn.hook_k", dKey, keyShape);
        at("attn.hook_v", dValue, keyShape);
        let dQueryLinear = dQuery,
            dKeyLinear = dKey;
        if (w.queryNorm !== undefined && w.keyNorm !== undefined && t.queryInverseRms !== undefined && t.keyInverseRms !== undefined) {
            if (g?.queryNorm !== undefined && g.keyNorm !== undefined) {
                gainBackward(dQuery, headNormalized(t.queryLinear, t.queryInverseRms, headDim), dQuery.length, g.queryNorm);
                gainBackward(dKey, headNormalized(t.keyLinear, t.keyInverseRms, headDim), dKey.length, g.keyNorm);
            }
            applyGain(dQuery, dQuery.length, w.queryNorm, dQuery);
            applyGain(dKey, dKey.length, w.keyNorm, dKey);
            dQueryLinear = alloc(dQuery.length);
            dKeyLinear = alloc(dKey.length);
            rmsNormalizeBackward(t.queryLinear, t.queryInverseRms, dQuery, rows * heads, headDim, rules.normalization, dQueryLinear);
            rmsNormalizeBackward(t.keyLinear, t.keyInverseRms, dKey, rows * kvHeads, headDim, rules.normalization, dKeyLinear);
        }
        linearBackwardInput(applyLinearRule(rules.linear, dQueryLinear, t.queryLinear), rows, heads * headDim, w.query, dim, dScaled);
        linearBackwardInput(applyLinearRule(rules.linear, dKeyLinear, t.keyLinear), rows, kvHeads * headDim, w.key, dim, buffer);
        for (let i = 0; i < rows * dim; i++) dScaled[i] = dScaled[i]! + buffer[i]!;
        linearBackwardInput(applyLinearRule(rules.linear, dValue, t.valueLinear), rows, kvHeads * headDim, w.value, dim, buffer);
        for (let i = 0; i < rows * dim; i++) dScaled[i] = dScaled[i]! + buffer[i]!;
        if (g !== undefined) {
            const attentionInput = scaledInput(t.normalized1, w.attentionNorm);
            linearBackwardWeight(attentionInput, dQueryLinear, rows, dim, heads * headDim, g.query);
            linearBackwardWeight(attentionInput, dKeyLinear, rows, dim, kvHeads * headDim, g.key);
            linearBackwardWeight(attentionInput, dValue, rows, dim, kvHeads * headDim, g.value);
            if (g.queryBias !== undefined) biasBackward(dQueryLinear, rows, heads * headDim, g.queryBias);
            if (g.keyBias !== undefined) biasBackward(dKeyLinear, rows, kvHeads * headDim, g.keyBias);
            if (g.valueBias !== undefined) biasBackward(dValue, rows, kvHeads * headDim, g.valueBias);
            gainBackward(dScaled, t.normalized1, rows * dim, g.attentionNorm);
        }
        applyGain(dScaled, rows * dim, w.attentionNorm, dNormalized);
        at("ln1.hook_normalized", dNormalized, residShape);
        rmsNormalizeBackward(t.residPre, t.inverseRms1, dNormalized, rows, dim, rules.normalization, buffer);
        const next = alloc(rows * dim);
        for (let i = 0; i < rows * dim; i++) next[i] = dResid[i]! + buffer[i]!;
        dResid = next;
        at("hook_resid_pre", dResid, residShape);
    }
    record("hook_embed", dResid, residShape);
    if (wg !== undefined) {
        tape.tokens.forEach((sequence, b) =>
            sequence.forEach((token, position) => {
                const from = (b * length + position) * dim;
                const row = token * dim;
                for (let i = 0; i < dim; i++) wg.tokenEmbedding[row + i] = wg.tokenEmbedding[row + i]! + dResid[from + i]!;
            }),
        );
    }
    return {value, gradients};
}

/** The per-head RMS-normalised values x · r of q or k (before the gain), as the forward pass made them. */
function headNormalized(linear: Floats, inverseRms: Floats, headDim: number): Float64Array {
    const out = new Float64Array(linear.length);
    for (let i = 0; i < linear.length; i++) out[i] = linear[i]! * inverseRms[Math.floor(i / headDim)]!;
    return out;
}
