/**
 * Gradients with respect to the weights, in float64, one array per weight tensor and shaped like
 * it (row-major `[out, in]` for matrices). The backward pass adds to them, so that calls for
 * successive sequences accumulate the gradient of a batch; clear them between optimizer steps.
 * When the model ties its output to its token embedding, both fields hold the same array.
 */
import type {EngineConfig} from "./config.js";
import type {EngineWeights} from "./weights.js";

export interface BlockWeightGradients {
    attentionNorm: Float64Array;
    query: Float64Array;
    key: Float64Array;
    value: Float64Array;
    output: Float64Array;
    queryBias: Float64Array | undefined;
    keyBias: Float64Array | undefined;
    valueBias: Float64Array | undefined;
    queryNorm: Float64Array | undefined;
    keyNorm: Float64Array | undefined;
    mlpNorm: Float64Array;
    gate: Float64Array;
    up: Float64Array;
    down: Float64Array;
}

export interface WeightGradients {
    tokenEmbedding: Float64Array;
    outputNorm: Float64Array;
    unembedding: Float64Array;
    blocks: BlockWeightGradients[];
}

/** Zeroed gradients for every weight of the model (none for `rope_freqs`, which is not learned). */
export function zeroWeightGradients(weights: EngineWeights): WeightGradients {
    const like = (array: Float32Array): Float64Array => new Float64Array(array.length);
    const optional = (array: Float32Array | undefined): Float64Array | undefined => (array === undefined ? undefined : like(array));
    const tokenEmbedding = like(weights.tokenEmbedding);
    return {
        tokenEmbedding,
        outputNorm: like(weights.outputNorm),
        unembedding: weights.tied ? tokenEmbedding : like(weights.unembedding),
        blocks: weights.blocks.map((block) => ({
            attentionNorm: like(block.attentionNorm),
            query: like(block.query),
            key: like(block.key),
            value: like(block.value),
            output: like(block.output),
            queryBias: optional(block.queryBias),
            keyBias: optional(block.keyBias),
            valueBias: optional(block.valueBias),
            queryNorm: optional(block.queryNorm),
            keyNorm: optional(block.keyNorm),
            mlpNorm: like(block.mlpNorm),
            gate: like(block.gate),
            up: like(block.up),
            down: like(block.down),
        })),
    };
}

/** Why the gradients do not fit the model (a tensor missing, extra or of another size), or undefined when they do. */
export function weightGradientsFit(config: EngineConfig, weights: EngineWeights, gradients: WeightGradients): string | undefined {
    const pairs: [string, Float32Array | undefined, Float64Array | undefined][] = [
        ["token_embd.weight", weights.tokenEmbedding, gradients.tokenEmbedding],
        ["output_norm.weight", weights.outputNorm, gradients.outputNorm],
        ["output.weight", weights.unembedding, gradients.unembedding],
    ];
    if (gradients.blocks.length !== config.layers) return `${gradients.blocks.length} blocks of gradients for ${config.layers} layers`;
    weights.blocks.forEach((block, layer) => {
        const g = gradients.blocks[layer]!;
        const p = `blk.${layer}.`;
        pairs.push(
            [`${p}attn_norm.weight`, block.attentionNorm, g.attentionNorm],
            [`${p}attn_q.weight`, block.query, g.query],
            [`${p}attn_k.weight`, block.key, g.key],
            [`${p}attn_v.weight`, block.value, g.value],
            [`${p}attn_output.weight`, block.output, g.output],
            [`${p}attn_q.bias`, block.queryBias, g.queryBias],
            [`${p}attn_k.bias`, block.keyBias, g.keyBias],
            [`${p}attn_v.bias`, block.valueBias, g.valueBias],
            [`${p}attn_q_norm.weight`, block.queryNorm, g.queryNorm],
            [`${p}attn_k_norm.weight`, block.keyNorm, g.keyNorm],
            [`${p}ffn_norm.weight`, block.mlpNorm, g.mlpNorm],
            [`${p}ffn_gate.weight`, block.gate, g.gate],
            [`${p}ffn_up.weight`, block.up, g.up],
            [`${p}ffn_down.weight`, block.down, g.down],
        );
    });
    for (const [name, weight, gradient] of pairs) {
        if ((weight === undefined) !== (gradient === undefined))
            return `${name}: ${weight === undefined ? "a gradient for a tensor the model lacks" : "no gradient"}`;
        if (weight !== undefined && gradient !== undefined && weight.length !== gradient.length) {
            return `${name}: ${gradient.length} gradient values for ${weight.length} weights`;
        }
    }
    return undefined;
}
