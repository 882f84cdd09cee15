/**
 * The shape of a llama-family decoder, read from GGUF metadata: `llama` (grouped-query attention,
 * adjacent-pair rotary positions), `qwen2` (biases on q, k and v; rotary over the two halves of a
 * head) and `qwen3` (RMSNorm of every query and key head; rotary over the halves).
 */
import {ModelFileError} from "../errors.js";

export type Architecture = "llama" | "qwen2" | "qwen3";
export const supportedArchitectures: readonly Architecture[] = ["llama", "qwen2", "qwen3"];

/** "pairs": dimensions 2j and 2j+1 rotate together (llama). "halves": j and j + rotaryDim/2 (NeoX: qwen2, qwen3). */
export type RotaryLayout = "pairs" | "halves";

export interface EngineConfig {
    architecture: Architecture;
    vocabSize: number;
    dim: number;
    layers: number;
    heads: number;
    kvHeads: number;
    headDim: number;
    ffn: number;
    contextLength: number;
    normEps: number;
    ropeBase: number;
    /** Dimensions of each head that rotate (the first `rotaryDim`); the rest pass through. */
    rotaryDim: number;
    rotaryLayout: RotaryLayout;
    /** Positions are divided by this before rotation (linear RoPE scaling); 1 means none. */
    ropeLinearScale: number;
    /** q, k, v carry biases (qwen2). */
    attentionBias: boolean;
    /** Every query and key head is RMS-normalised with its own gain (qwen3). */
    queryKeyNorm: boolean;
}

export type Metadata = ReadonlyMap<string, unknown>;

function numberAt(metadata: Metadata, key: string): number | undefined {
    const value = metadata.get(key);
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    return undefined;
}

function required(metadata: Metadata, key: string): number {
    const value = numberAt(metadata, key);
    if (value === undefined || !Number.isFinite(value) || value <= 0) {
        throw new ModelFileError(`GGUF metadata ${key} is missing or not a positive number`, {received: String(metadata.get(key))});
    }
    return value;
}

/** Reads the configuration; `vocabSize` comes from the token embedding when metadata lacks it. */
export function readEngineConfig(metadata: Metadata, embeddingRows: number): EngineConfig {
    const architecture = metadata.get("general.architecture");
    if (typeof architecture !== "string" || !(supportedArchitectures as readonly string[]).includes(architecture)) {
        throw new ModelFileError(`architecture ${String(architecture)} is not supported by the engine`, {
            expected: supportedArchitectures.join(", "),
            received: String(architecture),
        });
    }
    const a = architecture as Architecture;
    const dim = required(metadata, `${a}.embedding_length`);
    const heads = required(metadata, `${a}.attention.head_count`);
    const kvHeads = numberAt(metadata, `${a}.attention.head_count_kv`) ?? heads;
    const headDim = numberAt(metadata, `${a}.attention.key_length`) ?? dim / heads;
    const valueDim = numberAt(metadata, `${a}.attention.value_length`) ?? headDim;
    if (!Number.isInteger(headDim) || valueDim !== headDim || heads % kvHeads !== 0) {
        throw new ModelFileError(`unsupported attention shape in ${a} metadata`, {
            expected: "key length = value length and a head count divisible by the key/value head count",
            received: `${heads} heads, ${kvHeads} key/value heads, key length ${headDim}, value length ${valueDim}`,
        });
    }
    const scalingType = metadata.get(`${a}.rope.scaling.type`);
    const scalingFactor = numberAt(metadata, `${a}.rope.scaling.factor`) ?? 1;
    let ropeLinearScale = 1;
    if (scalingType === "linear") ropeLinearScale = scalingFactor;
    else if (scalingType !== undefined && scalingType !== "none") {
        throw new ModelFileError(`rope scaling ${String(scalingType)} is not supported by the engine`, {
            expected: "none or linear",
            received: String(scalingType),
        });
    }
    const rotaryDim = numberAt(metadata, `${a}.rope.dimension_count`) ?? headDim;
    if (rotaryDim > headDim || rotaryDim % 2 !== 0) {
        throw new ModelFileError(`${a}.rope.dimension_count must be even and at most the head size`, {received: `${rotaryDim} (head size ${headDim})`});
    }
    return {
        architecture: a,
        vocabSize: numberAt(metadata, `${a}.vocab_size`) ?? embeddingRows,
        dim,
        layers: required(metadata, `${a}.block_count`),
        heads,
        kvHeads,
        headDim,
        ffn: required(metadata, `${a}.feed_forward_length`),
        contextLength: required(metadata, `${a}.context_length`),
        normEps: numberAt(metadata, `${a}.attention.layer_norm_rms_epsilon`) ?? 1e-5,
        ropeBase: numberAt(metadata, `${a}.rope.freq_base`) ?? 10000,
        rotaryDim,
        rotaryLayout: a === "llama" ? "pairs" : "halves",
        ropeLinearScale,
        attentionBias: a === "qwen2",
        queryKeyNorm: a === "qwen3",
    };
}
