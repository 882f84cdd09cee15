/**
 * The weights of a decoder as float32 arrays, row-major `[out, in]` (the byte order a GGUF
 * stores, whose dimension list reads `[in, out]`). Planning checks architecture, tensor names,
 * shapes and types and counts the bytes the weights will take, before anything is read or
 * allocated; building then decodes each tensor through {@link dequantize}.
 */
import {BudgetError, ModelFileError} from "../errors.js";
import {readEngineConfig, type EngineConfig, type Metadata} from "./config.js";
import {activationRounding, llamaCppActivationRounding} from "./kernels/activation-rounding.js";
import {dequantize, isSupportedTensorType, supportedTensorTypes} from "./quantization/dequantize.js";
import {describeGgmlType} from "./quantization/ggml-types.js";

export interface TensorDescription {
    name: string;
    /** ggml order: `[in, out]` for a matrix. */
    dimensions: readonly number[];
    ggmlType: number;
}

export interface BlockWeights {
    attentionNorm: Float32Array;
    query: Float32Array;
    key: Float32Array;
    value: Float32Array;
    output: Float32Array;
    queryBias: Float32Array | undefined;
    keyBias: Float32Array | undefined;
    valueBias: Float32Array | undefined;
    queryNorm: Float32Array | undefined;
    keyNorm: Float32Array | undefined;
    mlpNorm: Float32Array;
    gate: Float32Array;
    up: Float32Array;
    down: Float32Array;
}

export interface EngineWeights {
    tokenEmbedding: Float32Array;
    outputNorm: Float32Array;
    /** The unembedding; the same array as {@link tokenEmbedding} when the model ties them. */
    unembedding: Float32Array;
    tied: boolean;
    /** Per-frequency divisors of the rotary angles (`rope_freqs.weight`), when the model has them. */
    ropeFrequencyFactors: Float32Array | undefined;
    blocks: BlockWeights[];
}

export interface ModelPlan {
    config: EngineConfig;
    /** Bytes the float32 weights will take. */
    weightBytes: number;
    tied: boolean;
    tensors: ReadonlyMap<string, TensorDescription>;
}

type Shape = readonly number[];

function expectedTensors(config: EngineConfig, tied: boolean, hasRopeFreqs: boolean): Map<string, Shape> {
    const {dim, heads, kvHeads, headDim, ffn, vocabSize} = config;
    const shapes = new Map<string, Shape>([
        ["token_embd.weight", [dim, vocabSize]],
        ["output_norm.weight", [dim]],
    ]);
    if (!tied) shapes.set("output.weight", [dim, vocabSize]);
    if (hasRopeFreqs) shapes.set("rope_freqs.weight", [config.rotaryDim / 2]);
    for (let i = 0; i < config.layers; i++) {
        const block = `blk.${i}.`;
        shapes.set(`${block}attn_norm.weight`, [dim]);
        shapes.set(`${block}attn_q.weight`, [dim, heads * headDim]);
        shapes.set(`${block}attn_k.weight`, [dim, kvHeads * headDim]);
        shapes.set(`${block}attn_v.weight`, [dim, kvHeads * headDim]);
        shapes.set(`${block}attn_output.weight`, [heads * headDim, dim]);
        if (config.attentionBias) {
            shapes.set(`${block}attn_q.bias`, [heads * headDim]);
            shapes.set(`${block}attn_k.bias`, [kvHeads * headDim]);
            shapes.set(`${block}attn_v.bias`, [kvHeads * headDim]);
        }
        if (config.queryKeyNorm) {
            shapes.set(`${block}attn_q_norm.weight`, [headDim]);
            shapes.set(`${block}attn_k_norm.weight`, [headDim]);
        }
        shapes.set(`${block}ffn_norm.weight`, [dim]);
        shapes.set(`${block}ffn_gate.weight`, [dim, ffn]);
        shapes.set(`${block}ffn_up.weight`, [dim, ffn]);
        shapes.set(`${block}ffn_down.weight`, [ffn, dim]);
    }
    return shapes;
}

const elementsOf = (shape: Shape): number => shape.reduce((product, value) => product * value, 1);

/** Checks a model's metadata and tensor list; reads no weights. */
export function planModel(metadata: Metadata, descriptions: readonly TensorDescription[]): ModelPlan {
    const tensors = new Map(descriptions.map((tensor) => [tensor.name, tensor]));
    const embedding = tensors.get("token_embd.weight");
    if (embedding === undefined) throw new ModelFileError("the model has no token_embd.weight tensor");
    const config = readEngineConfig(metadata, embedding.dimensions[1] ?? 0);
    const tied = !tensors.has("output.weight");
    const shapes = expectedTensors(config, tied, tensors.has("rope_freqs.weight"));
    let elements = 0;
    for (const [name, shape] of shapes) {
        const tensor = tensors.get(name);
        if (tensor === undefined) throw new ModelFileError(`the ${config.architecture} model lacks tensor ${name}`);
        if (tensor.dimensions.length !== shape.length || tensor.dimensions.some((value, axis) => value !== shape[axis])) {
            throw new ModelFileError(`tensor ${name} has the wrong shape`, {expected: `[${shape.join(", ")}]`, received: `[${tensor.dimensions.join(", ")}]`});
        }
        if (!isSupportedTensorType(tensor.ggmlType)) {
            throw new ModelFileError(`tensor ${name} has type ${describeGgmlType(tensor.ggmlType)}, which the engine cannot decode`, {
                expected: supportedTensorTypes().join(", "),
                received: describeGgmlType(tensor.ggmlType),
            });
        }
        elements += elementsOf(shape);
    }
    return {config, weightBytes: 4 * elements, tied, tensors};
}

/** Refuses a model whose weights would not fit in `availableBytes`, before anything is allocated. */
export function checkMemory(plan: ModelPlan, availableBytes: number): void {
    if (plan.weightBytes > availableBytes) {
        throw new BudgetError("the model's weights would not fit in memory", {
            expected: `at most ${availableBytes} bytes available`,
            received: `${plan.weightBytes} bytes needed for float32 weights`,
            hint: "use a smaller model or free memory",
            fields: {needed: plan.weightBytes, available: availableBytes},
        });
    }
}

export interface BuildOptions {
    /**
     * Round the input of every product with an F16, BF16 or quantised matrix as llama.cpp's CPU
     * path does (kernels/activation-rounding.ts), so that log-probabilities equal llama.cpp's.
     * Default false: the exact product with the decoded weights.
     */
    matchLlamaCpp?: boolean;
}

/** Decodes every tensor of a planned model; `readTensor` returns the raw bytes of one tensor. */
export function buildWeights(plan: ModelPlan, readTensor: (tensor: TensorDescription) => Uint8Array, options: BuildOptions = {}): EngineWeights {
    const load = (name: string): Float32Array => {
        const tensor = plan.tensors.get(name);
        if (tensor === undefined) throw new ModelFileError(`the model lacks tensor ${name}`);
        const values = dequantize(tensor.ggmlType, readTensor(tensor), elementsOf(tensor.dimensions));
        const rounding = options.matchLlamaCpp === true && tensor.dimensions.length === 2 ? llamaCppActivationRounding(tensor.ggmlType) : undefined;
        if (rounding !== undefined) activationRounding.set(values, rounding);
        return values;
    };
    const optional = (name: string, present: boolean): Float32Array | undefined => (present ? load(name) : undefined);
    const {config} = plan;
    const tokenEmbedding = load("token_embd.weight");
    return {
        tokenEmbedding,
        outputNorm: load("output_norm.weight"),
        unembedding: plan.tied ? tokenEmbedding : load("output.weight"),
        tied: plan.tied,
        ropeFrequencyFactors: optional("rope_freqs.weight", plan.tensors.has("rope_freqs.weight")),
        blocks: Array.from({length: config.layers}, (_, i): BlockWeights => {
            const block = `blk.${i}.`;
            return {
                attentionNorm: load(`${block}attn_norm.weight`),
                query: load(`${block}attn_q.weight`),
                key: load(`${block}attn_k.weight`),
                value: load(`${block}attn_v.weight`),
                output: load(`${block}attn_output.weight`),
                queryBias: optional(`${block}attn_q.bias`, config.attentionBias),
                keyBias: optional(`${block}attn_k.bias`, config.attentionBias),
                valueBias: optional(`${block}attn_v.bias`, config.attentionBias),
                queryNorm: optional(`${block}attn_q_norm.weight`, config.queryKeyNorm),
                keyNorm: optional(`${block}attn_k_norm.weight`, config.queryKeyNorm),
                mlpNorm: load(`${block}ffn_norm.weight`),
                gate: load(`${block}ffn_gate.weight`),
                up: load(`${block}ffn_up.weight`),
                down: load(`${block}ffn_down.weight`),
            };
        }),
    };
}
