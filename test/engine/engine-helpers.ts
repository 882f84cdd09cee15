/**
 * Shared by the engine tests: tiny random-weight decoders of each architecture built in memory,
 * and small numeric helpers.
 */
import type {EngineConfig} from "../../src/engine/config.js";
import {WhiteBoxModel} from "../../src/engine/white-box-model.js";
import type {BlockWeights, EngineWeights} from "../../src/engine/weights.js";
import {SeededRandom} from "../../src/foundation/random.js";

export function tinyConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
    return {
        architecture: "llama",
        vocabSize: 11,
        dim: 8,
        layers: 2,
        heads: 4,
        kvHeads: 2,
        headDim: 4,
        ffn: 12,
        contextLength: 16,
        normEps: 1e-5,
        ropeBase: 10000,
        rotaryDim: 4,
        rotaryLayout: "pairs",
        ropeLinearScale: 1,
        attentionBias: false,
        queryKeyNorm: false,
        ...overrides,
    };
}

export const architectureConfigs: Record<string, EngineConfig> = {
    "llama (GQA, tied output, linear rope scaling, partial rotary)": tinyConfig({ropeLinearScale: 2, rotaryDim: 2}),
    "qwen2 (q/k/v biases)": tinyConfig({architecture: "qwen2", rotaryLayout: "halves", attentionBias: true, kvHeads: 4}),
    "qwen3 (q/k RMSNorm, head size ≠ width / heads)": tinyConfig({architecture: "qwen3", rotaryLayout: "halves", queryKeyNorm: true, headDim: 6, rotaryDim: 6}),
};

export function randomArray(random: SeededRandom, size: number, scale: number, offset = 0): Float32Array {
    return Float32Array.from({length: size}, () => offset + scale * random.normal());
}

export function randomModel(config: EngineConfig, seed: number, tied = config.architecture === "llama"): WhiteBoxModel {
    const random = new SeededRandom(seed);
    const {dim, heads, kvHeads, headDim, ffn, vocabSize} = config;
    const matrix = (rows: number, columns: number): Float32Array => randomArray(random, rows * columns, 1 / Math.sqrt(columns));
    const gain = (size: number): Float32Array => randomArray(random, size, 0.2, 1);
    const tokenEmbedding = randomArray(random, vocabSize * dim, 1);
    const blocks = Array.from({length: config.layers}, (): BlockWeights => ({
        attentionNorm: gain(dim),
        query: matrix(heads * headDim, dim),
        key: matrix(kvHeads * headDim, dim),
        value: matrix(kvHeads * headDim, dim),
        output: matrix(dim, heads * headDim),
        queryBias: config.attentionBias ? randomArray(random, heads * headDim, 0.3) : undefined,
        keyBias: config.attentionBias ? randomArray(random, kvHeads * headDim, 0.3) : undefined,
        valueBias: config.attentionBias ? randomArray(random, kvHeads * headDim, 0.3) : undefined,
        queryNorm: config.queryKeyNorm ? gain(headDim) : undefined,
        keyNorm: config.queryKeyNorm ? gain(headDim) : undefined,
        mlpNorm: gain(dim),
        gate: matrix(ffn, dim),
        up: matrix(ffn, dim),
        down: matrix(dim, ffn),
    }));
    const weights: EngineWeights = {
        tokenEmbedding,
        outputNorm: gain(dim),
        unembedding: tied ? tokenEmbedding : matrix(vocabSize, dim),
        tied,
        ropeFrequencyFactors: undefined,
        blocks,
    };
    return new WhiteBoxModel(config, weights);
}

export function randomTokens(random: SeededRandom, sequences: number, length: number, vocabSize: number): number[][] {
    return Array.from({length: sequences}, () => Array.from({length}, () => random.integer(vocabSize)));
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let largest = 0;
    for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
    return largest;
}

export function logSoftmaxAt(logits: ArrayLike<number>, offset: number, size: number, index: number): number {
    let max = -Infinity;
    for (let v = 0; v < size; v++) max = Math.max(max, logits[offset + v]!);
    let sum = 0;
    for (let v = 0; v < size; v++) sum += Math.exp(logits[offset + v]! - max);
    return logits[offset + index]! - max - Math.log(sum);
}

export function largestMagnitude(values: ArrayLike<number>): number {
    let largest = 0;
    for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
    return largest;
}

export function sum(values: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i]!;
    return total;
}
