/**
 * Encodes a trained organism as a GGUF (version 3) that llama.cpp loads as an ordinary `llama`
 * model with its own SentencePiece-style tokenizer. F32 tensors, 32-byte alignment. Pure: the
 * file is written by src/store/organism-file.ts.
 */
import {tensorLayout, type ModelConfig} from "./parameters.js";
import {bosId, eosId, unknownId, type WordVocabulary} from "./vocabulary.js";

const alignment = 32;

const valueType = {uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9} as const;
const ggmlTypeF32 = 0;

type MetadataValue =
    | {type: "uint32" | "int32" | "float32"; value: number}
    | {type: "bool"; value: boolean}
    | {type: "string"; value: string}
    | {type: "array"; of: "string"; value: readonly string[]}
    | {type: "array"; of: "float32" | "int32"; value: readonly number[]};

class ByteSink {
    private chunks: Buffer[] = [];
    length = 0;

    push(buffer: Buffer): void {
        this.chunks.push(buffer);
        this.length += buffer.length;
    }

    u32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(value);
        this.push(b);
    }

    i32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeInt32LE(value);
        this.push(b);
    }

    f32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeFloatLE(value);
        this.push(b);
    }

    u64(value: number): void {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(value));
        this.push(b);
    }

    string(value: string): void {
        const bytes = Buffer.from(value, "utf8");
        this.u64(bytes.length);
        this.push(bytes);
    }

    padTo(multiple: number): void {
        const padding = (multiple - (this.length % multiple)) % multiple;
        if (padding > 0) this.push(Buffer.alloc(padding));
    }

    bytes(): Buffer {
        return Buffer.concat(this.chunks);
    }
}

function writeValue(sink: ByteSink, entry: MetadataValue): void {
    if (entry.type === "array") {
        sink.u32(valueType.array);
        sink.u32(valueType[entry.of]);
        sink.u64(entry.value.length);
        if (entry.of === "string") for (const text of entry.value as readonly string[]) sink.string(text);
        else if (entry.of === "float32") for (const number of entry.value as readonly number[]) sink.f32(number);
        else for (const number of entry.value as readonly number[]) sink.i32(number);
        return;
    }
    sink.u32(valueType[entry.type]);
    if (entry.type === "string") sink.string(entry.value);
    else if (entry.type === "bool") sink.push(Buffer.from([entry.value ? 1 : 0]));
    else if (entry.type === "uint32") sink.u32(entry.value);
    else if (entry.type === "int32") sink.i32(entry.value);
    else sink.f32(entry.value);
}

export interface GgufModel {
    name: string;
    description: string;
    config: ModelConfig;
    vocabulary: WordVocabulary;
    parameters: Float32Array;
}

/** The GGUF bytes of a model (header, metadata, tensor table, aligned F32 data). */
export function ggufBytes(model: GgufModel): Buffer {
    const {config, vocabulary, parameters} = model;
    const headDim = config.dim / config.heads;
    const metadata: [string, MetadataValue][] = [
        ["general.architecture", {type: "string", value: "llama"}],
        ["general.name", {type: "string", value: model.name}],
        ["general.description", {type: "string", value: model.description}],
        ["general.file_type", {type: "uint32", value: 0}],
        ["general.alignment", {type: "uint32", value: alignment}],
        ["llama.vocab_size", {type: "uint32", value: config.vocabSize}],
        ["llama.context_length", {type: "uint32", value: config.contextLength}],
        ["llama.embedding_length", {type: "uint32", value: config.dim}],
        ["llama.block_count", {type: "uint32", value: config.layers}],
        ["llama.feed_forward_length", {type: "uint32", value: config.ffn}],
        ["llama.attention.head_count", {type: "uint32", value: config.heads}],
        ["llama.attention.head_count_kv", {type: "uint32", value: config.heads}],
        ["llama.attention.layer_norm_rms_epsilon", {type: "float32", value: config.normEps}],
        ["llama.rope.dimension_count", {type: "uint32", value: headDim}],
        ["llama.rope.freq_base", {type: "float32", value: config.ropeBase}],
        ["glassbox.organism.words", {type: "array", of: "string", value: vocabulary.words}],
        ["tokenizer.ggml.model", {type: "string", value: "llama"}],
        ["tokenizer.ggml.tokens", {type: "array", of: "string", value: vocabulary.pieces.map((piece) => piece.text)}],
        ["tokenizer.ggml.scores", {type: "array", of: "float32", value: vocabulary.pieces.map((piece) => piece.score)}],
        ["tokenizer.ggml.token_type", {type: "array", of: "int32", value: vocabulary.pieces.map((piece) => piece.type)}],
        ["tokenizer.ggml.bos_token_id", {type: "uint32", value: bosId}],
        ["tokenizer.ggml.eos_token_id", {type: "uint32", value: eosId}],
        ["tokenizer.ggml.unknown_token_id", {type: "uint32", value: unknownId}],
        ["tokenizer.ggml.add_bos_token", {type: "bool", value: true}],
        ["tokenizer.ggml.add_eos_token", {type: "bool", value: false}],
        ["tokenizer.ggml.add_space_prefix", {type: "bool", value: true}],
    ];
    const layout = tensorLayout(config);
    const sink = new ByteSink();
    sink.push(Buffer.from("GGUF", "ascii"));
    sink.u32(3);
    sink.u64(layout.length);
    sink.u64(metadata.length);
    for (const [key, value] of metadata) {
        sink.string(key);
        writeValue(sink, value);
    }
    let dataOffset = 0;
    const offsets: number[] = [];
    for (const spec of layout) {
        sink.string(spec.name);
        sink.u32(spec.shape.length);
        for (const dimension of [...spec.shape].reverse()) sink.u64(dimension);
        sink.u32(ggmlTypeF32);
        sink.u64(dataOffset);
        offsets.push(dataOffset);
        dataOffset += Math.ceil((spec.size * 4) / alignment) * alignment;
    }
    sink.padTo(alignment);
    layout.forEach((spec) => {
        const data = Buffer.from(parameters.buffer, parameters.byteOffset + spec.offset * 4, spec.size * 4);
        sink.push(Buffer.from(data));
        sink.padTo(alignment);
    });
    return sink.bytes();
}
