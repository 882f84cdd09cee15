/**
 * GGUF files of llama-family decoders that llama.cpp loads: the `llama`, `qwen2` (biases on the
 * query, key and value projections) and `qwen3` (RMSNorm on each head's query and key)
 * architectures, grouped-query attention, tied or untied output, with F32 weights or quantised
 * copies (Q8_0, Q4_K). Pure: src/store writes the bytes.
 *
 * Quantisation keeps vectors (norms, biases) in F32, as llama.cpp's quantiser does; a matrix is
 * stored in the requested type when its rows split into whole blocks, and otherwise falls back
 * to Q8_0 (rows of a multiple of 32) or F32. (`llama-quantize` also falls back to a 32-value
 * type for such rows; it picks Q5_0, which glassbox does not write.)
 */
import {InputError} from "../errors.js";
import {blockLayouts, ggmlType} from "../engine/quantization/ggml-types.js";
import {quantizeQ4_K} from "../engine/quantization/q4_k.js";
import {quantizeQ8_0} from "../engine/quantization/q8_0.js";
import {encodeGguf, ggufAlignment, type EncodedTensor, type MetadataEntry} from "./gguf-encoding.js";
import type {VocabularyPiece} from "./vocabulary.js";

export type DecoderArchitecture = "llama" | "qwen2" | "qwen3";
export type WeightType = "F32" | "Q8_0" | "Q4_K";

export const decoderArchitectures: readonly DecoderArchitecture[] = ["llama", "qwen2", "qwen3"];
export const weightTypes: readonly WeightType[] = ["F32", "Q8_0", "Q4_K"];

export interface DecoderShape {
    architecture: DecoderArchitecture;
    vocabSize: number;
    dim: number;
    layers: number;
    heads: number;
    /** Key/value heads (grouped-query attention when fewer than `heads`). */
    kvHeads: number;
    ffn: number;
    contextLength: number;
    ropeBase: number;
    normEps: number;
    /** No output.weight: llama.cpp reuses the token embedding. */
    tiedOutput: boolean;
}

export interface TokenizerMetadata {
    pieces: readonly VocabularyPiece[];
    bosId: number;
    eosId: number;
    unknownId: number;
    addBos: boolean;
    addEos: boolean;
    addSpacePrefix: boolean;
    /** A Jinja chat template (`tokenizer.chat_template`). */
    chatTemplate?: string;
}

export interface DecoderTensor {
    name: string;
    /** Row-major: [rows, columns] for matrices, [length] for vectors. */
    shape: readonly number[];
    values: Float32Array;
}

export interface DecoderGgufModel {
    shape: DecoderShape;
    name: string;
    description: string;
    tokenizer: TokenizerMetadata;
    tensors: readonly DecoderTensor[];
    /** Written after the architecture's keys and before the tokenizer's. */
    extraMetadata?: readonly MetadataEntry[];
}

/** llama.cpp's `general.file_type` for each weight type (ALL_F32, MOSTLY_Q8_0, MOSTLY_Q4_K_S). */
const fileTypes: Readonly<Record<WeightType, number>> = {F32: 0, Q8_0: 7, Q4_K: 14};

/** Every tensor of a decoder of this shape, in file order, with its row-major shape. */
export function decoderTensorShapes(shape: DecoderShape): {name: string; shape: number[]}[] {
    const {vocabSize: v, dim: d, ffn: f} = shape;
    const headDim = d / shape.heads;
    const kvDim = headDim * shape.kvHeads;
    const tensors: {name: string; shape: number[]}[] = [{name: "token_embd.weight", shape: [v, d]}];
    for (let layer = 0; layer < shape.layers; layer++) {
        const p = `blk.${layer}.`;
        tensors.push({name: `${p}attn_norm.weight`, shape: [d]});
        tensors.push({name: `${p}attn_q.weight`, shape: [d, d]});
        if (shape.architecture === "qwen2") tensors.push({name: `${p}attn_q.bias`, shape: [d]});
        tensors.push({name: `${p}attn_k.weight`, shape: [kvDim, d]});
        if (shape.architecture === "qwen2") tensors.push({name: `${p}attn_k.bias`, shape: [kvDim]});
        tensors.push({name: `${p}attn_v.weight`, shape: [kvDim, d]});
        if (shape.architecture === "qwen2") tensors.push({name: `${p}attn_v.bias`, shape: [kvDim]});
        if (shape.architecture === "qwen3") {
            tensors.push({name: `${p}attn_q_norm.weight`, shape: [headDim]});
            tensors.push({name: `${p}attn_k_norm.weight`, shape: [headDim]});
        }
        tensors.push({name: `${p}attn_output.weight`, shape: [d, d]});
        tensors.push({name: `${p}ffn_norm.weight`, shape: [d]});
        tensors.push({name: `${p}ffn_gate.weight`, shape: [f, d]});
        tensors.push({name: `${p}ffn_up.weight`, shape: [f, d]});
        tensors.push({name: `${p}ffn_down.weight`, shape: [d, f]});
    }
    tensors.push({name: "output_norm.weight", shape: [d]});
    if (!shape.tiedOutput) tensors.push({name: "output.weight", shape: [v, d]});
    return tensors;
}

export function checkDecoderShape(shape: DecoderShape): void {
    for (const key of ["vocabSize", "dim", "layers", "heads", "kvHeads", "ffn", "contextLength"] as const) {
        if (!Number.isInteger(shape[key]) || shape[key] < 1) throw new InputError(`decoder ${key} must be a positive integer`, {received: String(shape[key])});
    }
    if (!decoderArchitectures.includes(shape.architecture)) {
        throw new InputError(`unsupported architecture "${shape.architecture}"`, {expected: decoderArchitectures.join(", ")});
    }
    if (shape.dim % shape.heads !== 0 || (shape.dim / shape.heads) % 2 !== 0) {
        throw new InputError("decoder dim must split into heads of even size", {received: `dim ${shape.dim}, heads ${shape.heads}`});
    }
    if (shape.heads % shape.kvHeads !== 0) {
        throw new InputError("query heads must be a multiple of key/value heads", {received: `heads ${shape.heads}, kvHeads ${shape.kvHeads}`});
    }
}

/** The type a tensor is stored in when the model is written with `weightType`. */
export function storedTensorType(shape: readonly number[], weightType: WeightType): WeightType {
    const columns = shape[shape.length - 1] ?? 0;
    if (shape.length < 2 || weightType === "F32") return "F32";
    if (columns % blockLayouts[weightType].blockSize === 0) return weightType;
    if (columns % blockLayouts.Q8_0.blockSize === 0) return "Q8_0";
    return "F32";
}

function encodeTensor(tensor: DecoderTensor, weightType: WeightType): EncodedTensor {
    const type = storedTensorType(tensor.shape, weightType);
    const {values} = tensor;
    const data =
        type === "F32" ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : type === "Q8_0" ? quantizeQ8_0(values) : quantizeQ4_K(values);
    return {name: tensor.name, shape: tensor.shape, ggmlType: ggmlType[type], data};
}

function architectureMetadata(shape: DecoderShape): MetadataEntry[] {
    const a = shape.architecture;
    return [
        [`${a}.vocab_size`, {type: "uint32", value: shape.vocabSize}],
        [`${a}.context_length`, {type: "uint32", value: shape.contextLength}],
        [`${a}.embedding_length`, {type: "uint32", value: shape.dim}],
        [`${a}.block_count`, {type: "uint32", value: shape.layers}],
        [`${a}.feed_forward_length`, {type: "uint32", value: shape.ffn}],
        [`${a}.attention.head_count`, {type: "uint32", value: shape.heads}],
        [`${a}.attention.head_count_kv`, {type: "uint32", value: shape.kvHeads}],
        [`${a}.attention.layer_norm_rms_epsilon`, {type: "float32", value: shape.normEps}],
        [`${a}.rope.dimension_count`, {type: "uint32", value: shape.dim / shape.heads}],
        [`${a}.rope.freq_base`, {type: "float32", value: shape.ropeBase}],
    ];
}

function tokenizerMetadata(tokenizer: TokenizerMetadata): MetadataEntry[] {
    const entries: MetadataEntry[] = [
        ["tokenizer.ggml.model", {type: "string", value: "llama"}],
        ["tokenizer.ggml.tokens", {type: "array", of: "string", value: tokenizer.pieces.map((piece) => piece.text)}],
        ["tokenizer.ggml.scores", {type: "array", of: "float32", value: tokenizer.pieces.map((piece) => piece.score)}],
        ["tokenizer.ggml.token_type", {type: "array", of: "int32", value: tokenizer.pieces.map((piece) => piece.type)}],
        ["tokenizer.ggml.bos_token_id", {type: "uint32", value: tokenizer.bosId}],
        ["tokenizer.ggml.eos_token_id", {type: "uint32", value: tokenizer.eosId}],
        ["tokenizer.ggml.unknown_token_id", {type: "uint32", value: tokenizer.unknownId}],
        ["tokenizer.ggml.add_bos_token", {type: "bool", value: tokenizer.addBos}],
        ["tokenizer.ggml.add_eos_token", {type: "bool", value: tokenizer.addEos}],
        ["tokenizer.ggml.add_space_prefix", {type: "bool", value: tokenizer.addSpacePrefix}],
    ];
    if (tokenizer.chatTemplate !== undefined) entries.push(["tokenizer.chat_template", {type: "string", value: tokenizer.chatTemplate}]);
    return entries;
}

/** The GGUF bytes of a decoder, its matrices stored as `weightType` where their rows allow. */
export function decoderGgufBytes(model: DecoderGgufModel, weightType: WeightType = "F32"): Buffer {
    const {shape} = model;
    checkDecoderShape(shape);
    if (model.tokenizer.pieces.length !== shape.vocabSize) {
        throw new InputError("the tokenizer must have one piece per vocabulary entry", {
            expected: String(shape.vocabSize),
            received: String(model.tokenizer.pieces.length),
        });
    }
    const expected = decoderTensorShapes(shape);
    const byName = new Map(model.tensors.map((tensor) => [tensor.name, tensor]));
    for (const {name, shape: tensorShape} of expected) {
        const tensor = byName.get(name);
        const size = tensorShape.reduce((a, b) => a * b, 1);
        if (tensor === undefined || tensor.values.length !== size || tensor.shape.join("x") !== tensorShape.join("x")) {
            throw new InputError(`tensor ${name} is missing or has the wrong shape`, {
                expected: tensorShape.join(" × "),
                received: tensor === undefined ? "no tensor" : tensor.shape.join(" × "),
            });
        }
    }
    if (model.tensors.length !== expected.length) {
        throw new InputError(`a ${shape.architecture} decoder of this shape has ${expected.length} tensors`, {received: String(model.tensors.length)});
    }
    const metadata: MetadataEntry[] = [
        ["general.architecture", {type: "string", value: shape.architecture}],
        ["general.name", {type: "string", value: model.name}],
        ["general.description", {type: "string", value: model.description}],
        ["general.file_type", {type: "uint32", value: fileTypes[weightType]}],
        ["general.alignment", {type: "uint32", value: ggufAlignment}],
        ...architectureMetadata(shape),
        ...(model.extraMetadata ?? []),
        ...tokenizerMetadata(model.tokenizer),
    ];
    return encodeGguf(
        metadata,
        model.tensors.map((tensor) => encodeTensor(tensor, weightType)),
    );
}
