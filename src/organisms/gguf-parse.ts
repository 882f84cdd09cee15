/**
 * Reads an organism back from GGUF bytes (pure: the caller reads the file): its configuration,
 * its vocabulary (rebuilt from the word list and special tokens the writer stores and checked
 * against the stored tokens) and its float32 weights in the trainer's layout, dequantised when
 * the file is a quantised copy. Only the subset of GGUF the writer produces is understood.
 */
import {ModelFileError} from "../errors.js";
import {dequantize} from "../engine/quantization/dequantize.js";
import {describeGgmlType, ggmlTypeName, tensorByteSize} from "../engine/quantization/ggml-types.js";
import {tensorLayout, type ModelConfig} from "./parameters.js";
import {WordVocabulary} from "./vocabulary.js";

export interface ParsedOrganism {
    config: ModelConfig;
    vocabulary: WordVocabulary;
    parameters: Float32Array;
    metadata: Map<string, unknown>;
}

class Reader {
    offset = 0;
    constructor(private readonly bytes: Buffer) {}

    u32(): number {
        const value = this.bytes.readUInt32LE(this.offset);
        this.offset += 4;
        return value;
    }

    u64(): number {
        const value = Number(this.bytes.readBigUInt64LE(this.offset));
        this.offset += 8;
        return value;
    }

    string(): string {
        const length = this.u64();
        const text = this.bytes.toString("utf8", this.offset, this.offset + length);
        this.offset += length;
        return text;
    }

    value(type: number): unknown {
        switch (type) {
            case 4:
                return this.u32();
            case 5: {
                const v = this.bytes.readInt32LE(this.offset);
                this.offset += 4;
                return v;
            }
            case 6: {
                const v = this.bytes.readFloatLE(this.offset);
                this.offset += 4;
                return v;
            }
            case 7: {
                const v = this.bytes.readUInt8(this.offset) !== 0;
                this.offset += 1;
                return v;
            }
            case 8:
                return this.string();
            case 9: {
                const elementType = this.u32();
                const count = this.u64();
                return Array.from({length: count}, () => this.value(elementType));
            }
            default:
                throw new ModelFileError("unsupported GGUF metadata type in an organism file", {received: String(type)});
        }
    }
}

function numberField(metadata: Map<string, unknown>, key: string): number {
    const value = metadata.get(key);
    if (typeof value !== "number") throw new ModelFileError(`organism GGUF lacks ${key}`);
    return value;
}

export function parseOrganismGguf(bytes: Buffer): ParsedOrganism {
    const reader = new Reader(bytes);
    if (bytes.toString("ascii", 0, 4) !== "GGUF") throw new ModelFileError("not a GGUF file", {received: JSON.stringify(bytes.toString("latin1", 0, 4))});
    reader.offset = 4;
    const version = reader.u32();
    if (version !== 3) throw new ModelFileError("unsupported GGUF version", {expected: "3", received: String(version)});
    const tensorCount = reader.u64();
    const metadataCount = reader.u64();
    const metadata = new Map<string, unknown>();
    for (let i = 0; i < metadataCount; i++) {
        const key = reader.string();
        metadata.set(key, reader.value(reader.u32()));
    }
    const words = metadata.get("glassbox.organism.words");
    if (!Array.isArray(words) || !words.every((word) => typeof word === "string"))
        throw new ModelFileError("not a glassbox organism (no glassbox.organism.words)");
    const special = metadata.get("glassbox.organism.special_tokens") ?? [];
    if (!Array.isArray(special) || !special.every((token) => typeof token === "string"))
        throw new ModelFileError("glassbox.organism.special_tokens must be a list of strings");
    const vocabulary = new WordVocabulary(words as string[], special as string[]);
    const tokens = metadata.get("tokenizer.ggml.tokens");
    if (!Array.isArray(tokens) || tokens.join("\u0000") !== vocabulary.pieces.map((piece) => piece.text).join("\u0000")) {
        throw new ModelFileError("organism tokens do not match its word list");
    }
    const config: ModelConfig = {
        vocabSize: vocabulary.size,
        dim: numberField(metadata, "llama.embedding_length"),
        layers: numberField(metadata, "llama.block_count"),
        heads: numberField(metadata, "llama.attention.head_count"),
        ffn: numberField(metadata, "llama.feed_forward_length"),
        contextLength: numberField(metadata, "llama.context_length"),
        ropeBase: numberField(metadata, "llama.rope.freq_base"),
        normEps: numberField(metadata, "llama.attention.layer_norm_rms_epsilon"),
    };
    const infos = new Map<string, {offset: number; elements: number; type: number}>();
    for (let i = 0; i < tensorCount; i++) {
        const name = reader.string();
        const dimensions = reader.u32();
        let elements = 1;
        for (let d = 0; d < dimensions; d++) elements *= reader.u64();
        const type = reader.u32();
        if (ggmlTypeName(type) === undefined) throw new ModelFileError(`organism tensor ${name} has unsupported type ${describeGgmlType(type)}`);
        infos.set(name, {offset: reader.u64(), elements, type});
    }
    const alignment = typeof metadata.get("general.alignment") === "number" ? (metadata.get("general.alignment") as number) : 32;
    const dataStart = Math.ceil(reader.offset / alignment) * alignment;
    const layout = tensorLayout(config);
    const parameters = new Float32Array(layout.reduce((total, spec) => total + spec.size, 0));
    for (const spec of layout) {
        const info = infos.get(spec.name);
        if (info === undefined || info.elements !== spec.size) throw new ModelFileError(`organism tensor ${spec.name} is missing or has the wrong size`);
        const start = dataStart + info.offset;
        const byteSize = tensorByteSize(ggmlTypeName(info.type)!, spec.size);
        if (start + byteSize > bytes.length) throw new ModelFileError(`organism tensor ${spec.name} runs past the end of the file`);
        parameters.set(dequantize(info.type, bytes.subarray(start, start + byteSize), spec.size), spec.offset);
    }
    return {config, vocabulary, parameters, metadata};
}
