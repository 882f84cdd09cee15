/**
 * Checks a GGUF file's hyperparameters against the tensors it holds, before llama.cpp sees it.
 * llama.cpp trusts the metadata: zero attention heads, a block count larger than the blocks
 * present or a tensor whose shape disagrees with the metadata end in a native assertion that
 * aborts the whole process. Each rule here is one such assumption, checked and explained.
 *
 * Rules for every architecture: positive sizes, head counts that divide (the width, and each
 * other), blocks numbered 0 … block_count − 1 all present, no empty or duplicate tensors, and
 * the embedding (and output) matrices sized embedding_length × vocabulary. For the architectures
 * that share llama's block layout, each block's attention, feed-forward and norm shapes too.
 */
import {basename} from "node:path";
import {ModelFileError} from "../../errors.js";
import type {GgufHeader, GgufTensorInfo, GgufValue} from "./gguf-reader.js";

/** llama.cpp's LLAMA_MAX_LAYERS: per-layer arrays are fixed at this size. */
export const maxBlocks = 512;

/** Architectures whose blocks use llama's tensor names and shapes (attn_q/k/v/output, ffn_gate/up/down). */
const llamaLayoutArchitectures = new Set(["llama", "mistral", "qwen2", "qwen3", "granite", "internlm2", "deci"]);

const fixHint = "the file's metadata does not match its tensors: re-convert or re-download the model, and pass it with --model";

/** The hyperparameters that size the KV cache and the tensors (undefined where the file has none). */
export interface ModelShape {
    embeddingLength: number | undefined;
    blockCount: number | undefined;
    headCount: number | undefined;
    headCountKv: number | undefined;
    /** Width of one key head (attention.key_length, else embedding_length / head_count). */
    keyLength: number | undefined;
    /** Width of one value head (attention.value_length, else embedding_length / head_count). */
    valueLength: number | undefined;
}

/** Validate the structure; returns the shape the KV-cache estimate needs. */
export function checkModelStructure(path: string, header: GgufHeader, architecture: string, vocabularySize: number): ModelShape {
    const file = basename(path);
    const fail = (summary: string, expected: string): never => {
        throw new ModelFileError(`${file}: ${summary}`, {expected, hint: fixHint, fields: {path}});
    };
    const key = (name: string): string => `${architecture}.${name}`;
    const positive = (name: string): number | undefined => {
        const value = header.metadata.get(key(name));
        if (value === undefined || Array.isArray(value) || typeof value === "object") return undefined;
        const number = typeof value === "bigint" ? Number(value) : value;
        if (typeof number !== "number" || !Number.isInteger(number) || number < 1) {
            fail(`${key(name)} is ${String(value)}`, "a positive integer");
        }
        return number as number;
    };
    positive("context_length");
    const embeddingLength = positive("embedding_length");
    const headCount = positive("attention.head_count");
    const headCountKv = positive("attention.head_count_kv") ?? headCount;
    const explicitKeyLength = positive("attention.key_length");
    const explicitValueLength = positive("attention.value_length");
    const blockCount = header.metadata.has(key("block_count")) ? positive("block_count") : undefined;
    if (headCount !== undefined && embeddingLength !== undefined && explicitKeyLength === undefined && embeddingLength % headCount !== 0) {
        fail(
            `${key("attention.head_count")} = ${headCount} does not divide ${key("embedding_length")} = ${embeddingLength}`,
            `a head count that divides the embedding width ${embeddingLength}`,
        );
    }
    if (headCount !== undefined && headCountKv !== undefined && headCount % headCountKv !== 0) {
        fail(
            `${key("attention.head_count_kv")} = ${headCountKv} does not divide ${key("attention.head_count")} = ${headCount}`,
            `a key/value head count that divides the head count ${headCount}`,
        );
    }
    const defaultHeadLength = headCount !== undefined && embeddingLength !== undefined ? embeddingLength / headCount : undefined;
    const shape: ModelShape = {
        embeddingLength,
        blockCount,
        headCount,
        headCountKv,
        keyLength: explicitKeyLength ?? defaultHeadLength,
        valueLength: explicitValueLength ?? defaultHeadLength,
    };
    checkTensorList(header.tensors, fail);
    checkBlocks(header.tensors, blockCount, key("block_count"), fail);
    const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
    for (const name of ["token_embd.weight", "output.weight"]) {
        const tensor = byName.get(name);
        if (tensor === undefined || tensor.dimensions.length !== 2) continue;
        const [width, rows] = tensor.dimensions as [number, number];
        if (rows !== vocabularySize) {
            fail(`${name} has ${rows} rows but the vocabulary (tokenizer.ggml.tokens) has ${vocabularySize} tokens`, "one embedding row per vocabulary token");
        }
        if (embeddingLength !== undefined && width !== embeddingLength) {
            fail(`${name} is ${width} wide but ${key("embedding_length")} = ${embeddingLength}`, `rows of ${embeddingLength} values`);
        }
    }
    if (llamaLayoutArchitectures.has(architecture)) checkLlamaBlocks(header.tensors, shape, key("feed_forward_length"), header.metadata, fail);
    return shape;
}

type Fail = (summary: string, expected: string) => never;

function checkTensorList(tensors: readonly GgufTensorInfo[], fail: Fail): void {
    const seen = new Set<string>();
    for (const tensor of tensors) {
        if (seen.has(tensor.name)) fail(`tensor "${tensor.name}" appears twice`, "unique tensor names");
        seen.add(tensor.name);
        const axis = tensor.dimensions.findIndex((dimension) => dimension < 1);
        if (axis !== -1) fail(`tensor "${tensor.name}" has size 0 along dimension ${axis} (${formatShape(tensor.dimensions)})`, "every dimension ≥ 1");
    }
}

function checkBlocks(tensors: readonly GgufTensorInfo[], blockCount: number | undefined, blockKey: string, fail: Fail): void {
    const present = new Set<number>();
    for (const tensor of tensors) {
        const match = /^blk\.(\d+)\./.exec(tensor.name);
        if (match !== null) present.add(Number(match[1]));
    }
    if (blockCount === undefined) {
        if (present.size > 0) fail(`the file holds ${present.size} blocks but has no ${blockKey}`, `${blockKey} = ${present.size}`);
        return;
    }
    if (blockCount > maxBlocks) fail(`${blockKey} = ${blockCount}, more than llama.cpp's limit of ${maxBlocks}`, `at most ${maxBlocks} blocks`);
    if (present.size === 0) return;
    const missing = Array.from({length: blockCount}, (_, index) => index).filter((index) => !present.has(index));
    const extra = [...present].filter((index) => index >= blockCount).sort((a, b) => a - b);
    if (missing.length > 0 || extra.length > 0) {
        const detail =
            missing.length > 0 ? `block ${missing[0]} is missing (${missing.length} of ${blockCount} absent)` : `block ${extra[0]} is present beyond it`;
        fail(
            `${blockKey} = ${blockCount} but the file holds tensors for ${present.size} blocks: ${detail}`,
            `${blockKey} equal to the blocks present (${present.size})`,
        );
    }
}

function checkLlamaBlocks(tensors: readonly GgufTensorInfo[], shape: ModelShape, feedForwardKey: string, metadata: Map<string, GgufValue>, fail: Fail): void {
    const {embeddingLength: width, headCount, headCountKv, keyLength, valueLength} = shape;
    if (width === undefined) return;
    const feedForwardValue = metadata.get(feedForwardKey);
    const feedForward = typeof feedForwardValue === "number" ? feedForwardValue : undefined;
    const expected = new Map<string, number[]>([
        ["attn_norm.weight", [width]],
        ["ffn_norm.weight", [width]],
    ]);
    if (headCount !== undefined && keyLength !== undefined && valueLength !== undefined && headCountKv !== undefined) {
        expected.set("attn_q.weight", [width, headCount * keyLength]);
        expected.set("attn_k.weight", [width, headCountKv * keyLength]);
        expected.set("attn_v.weight", [width, headCountKv * valueLength]);
        expected.set("attn_output.weight", [headCount * valueLength, width]);
    }
    if (feedForward !== undefined) {
        expected.set("ffn_gate.weight", [width, feedForward]);
        expected.set("ffn_up.weight", [width, feedForward]);
        expected.set("ffn_down.weight", [feedForward, width]);
    }
    for (const tensor of tensors) {
        const match = /^blk\.\d+\.(.+)$/.exec(tensor.name);
        const want = match === null ? undefined : expected.get(match[1] ?? "");
        if (want === undefined) continue;
        if (tensor.dimensions.length !== want.length || tensor.dimensions.some((dimension, axis) => dimension !== want[axis])) {
            fail(
                `tensor "${tensor.name}" is ${formatShape(tensor.dimensions)} but the metadata implies ${formatShape(want)}`,
                "tensor shapes consistent with embedding_length, the head counts and feed_forward_length",
            );
        }
    }
    const norm = tensors.find((tensor) => tensor.name === "output_norm.weight");
    if (norm !== undefined && (norm.dimensions.length !== 1 || norm.dimensions[0] !== width)) {
        fail(`tensor "output_norm.weight" is ${formatShape(norm.dimensions)} but embedding_length = ${width}`, `[${width}]`);
    }
}

function formatShape(dimensions: readonly number[]): string {
    return `[${dimensions.join(" × ")}]`;
}

/**
 * Bytes of KV cache for `contextSize` tokens on each of `lanes` sequences: keys and values of
 * every block, `bytesPerValue` each (4 for the F32 cache of exact mode, 2 for F16).
 */
export function kvCacheBytes(shape: ModelShape, contextSize: number, lanes: number, bytesPerValue: number): number | undefined {
    const {blockCount, headCountKv, keyLength, valueLength} = shape;
    if (blockCount === undefined || headCountKv === undefined || keyLength === undefined || valueLength === undefined) return undefined;
    return blockCount * contextSize * lanes * headCountKv * (keyLength + valueLength) * bytesPerValue;
}
