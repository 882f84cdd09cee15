/**
 * Encodes a trained organism as a GGUF (version 3) that llama.cpp loads as an ordinary `llama`
 * model with its own SentencePiece-style tokenizer: F32 tensors (or a quantised copy), 32-byte
 * alignment, the word list as `glassbox.organism.words`. Pure: the file is written by
 * src/store/organism-file.ts.
 */
import {decoderGgufBytes, type DecoderGgufModel, type WeightType} from "./decoder-gguf.js";
import type {MetadataEntry} from "./gguf-encoding.js";
import {tensorLayout, type ModelConfig} from "./parameters.js";
import {bosId, eosId, unknownId, type WordVocabulary} from "./vocabulary.js";

export interface GgufModel {
    name: string;
    description: string;
    config: ModelConfig;
    vocabulary: WordVocabulary;
    parameters: Float32Array;
}

export interface OrganismGgufOptions {
    /** F32 (the committed files) or a quantised copy. */
    weightType?: WeightType;
    /** A Jinja chat template stored as `tokenizer.chat_template`. */
    chatTemplate?: string;
}

/** An organism as a llama decoder description (the tensors are views of its parameters). */
export function organismDecoder(model: GgufModel, options: OrganismGgufOptions = {}): DecoderGgufModel {
    const {config, vocabulary, parameters} = model;
    return {
        shape: {architecture: "llama", ...config, kvHeads: config.heads, tiedOutput: false},
        name: model.name,
        description: model.description,
        tokenizer: {
            pieces: vocabulary.pieces,
            bosId,
            eosId,
            unknownId,
            addBos: true,
            addEos: false,
            addSpacePrefix: true,
            ...(options.chatTemplate === undefined ? {} : {chatTemplate: options.chatTemplate}),
        },
        tensors: tensorLayout(config).map((spec) => ({name: spec.name, shape: spec.shape, values: parameters.subarray(spec.offset, spec.offset + spec.size)})),
        extraMetadata: [
            ["glassbox.organism.words", {type: "array", of: "string", value: vocabulary.words}],
            ...(vocabulary.specialTokens.length === 0
                ? []
                : [["glassbox.organism.special_tokens", {type: "array", of: "string", value: vocabulary.specialTokens}] as MetadataEntry]),
        ],
    };
}

/** The GGUF bytes of a model (header, metadata, tensor table, aligned tensor data). */
export function ggufBytes(model: GgufModel, options: OrganismGgufOptions = {}): Buffer {
    return decoderGgufBytes(organismDecoder(model, options), options.weightType ?? "F32");
}
