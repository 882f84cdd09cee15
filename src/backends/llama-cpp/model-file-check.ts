/**
 * Checks a model file before llama.cpp sees it: it exists, is GGUF, is complete, its vocabulary
 * satisfies what llama.cpp's loader assumes, and its hyperparameters agree with its tensors
 * (model-structure-check.ts); a crash in the loader aborts the process.
 */
import {statSync} from "node:fs";
import {basename} from "node:path";
import {ModelFileError} from "../../errors.js";
import {GgufFormatError, readGgufHeader, type GgufHeader, type GgufValue} from "./gguf-reader.js";
import {checkModelStructure, type ModelShape} from "./model-structure-check.js";

export interface ModelFileSummary {
    path: string;
    size: number;
    modifiedMs: number;
    architecture: string | undefined;
    /** `<architecture>.context_length`, the context the model was trained with. */
    trainedContextLength: number | undefined;
    tokenizerModel: string | undefined;
    vocabularySize: number | undefined;
    hasChatTemplate: boolean;
    header: GgufHeader;
    /** Hyperparameters checked against the tensors (see model-structure-check.ts). */
    shape: ModelShape;
}

const fixHint = "give a complete .gguf model file";

/** Validate a model file; every problem is a ModelFileError naming the file. */
export function checkModelFile(path: string): ModelFileSummary {
    let stats;
    try {
        stats = statSync(path);
    } catch (error) {
        const code = (error as {code?: string}).code;
        throw new ModelFileError(`model file ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`}`, {
            expected: "a readable GGUF file",
            hint: "check the model path",
            cause: error,
        });
    }
    if (!stats.isFile()) {
        throw new ModelFileError(`model path ${path} is not a file`, {expected: "a GGUF file", hint: "check the model path", parameter: "model"});
    }
    let header: GgufHeader;
    try {
        header = readGgufHeader(path);
    } catch (error) {
        if (error instanceof GgufFormatError) {
            const summary = error.message.startsWith("not a GGUF file")
                ? `${basename(path)} is ${error.message}`
                : `${basename(path)} is truncated or malformed: ${error.message}`;
            throw new ModelFileError(summary, {
                expected: "a complete GGUF model file",
                received: `${stats.size} bytes`,
                hint: fixHint,
                fields: {path, offset: error.offset},
                cause: error,
            });
        }
        throw new ModelFileError(`model file ${path} cannot be read`, {hint: "check the model path", parameter: "model", cause: error});
    }
    const text = (key: string): string | undefined => {
        const value = header.metadata.get(key);
        return typeof value === "string" ? value : undefined;
    };
    const architecture = text("general.architecture");
    const contextValue = architecture === undefined ? undefined : header.metadata.get(`${architecture}.context_length`);
    const tokens = header.metadata.get("tokenizer.ggml.tokens");
    const tokenList = Array.isArray(tokens) ? tokens : undefined;
    const summary: Omit<ModelFileSummary, "shape"> = {
        path,
        size: stats.size,
        modifiedMs: stats.mtimeMs,
        architecture,
        trainedContextLength: typeof contextValue === "number" ? contextValue : undefined,
        tokenizerModel: text("tokenizer.ggml.model"),
        vocabularySize: tokenList?.length,
        hasChatTemplate: text("tokenizer.chat_template") !== undefined,
        header,
    };
    if (architecture === undefined) {
        throw new ModelFileError(`${basename(path)} has no general.architecture metadata`, {
            expected: "a GGUF model file (not a vocabulary-only or adapter file)",
            hint: fixHint,
        });
    }
    if (tokenList === undefined || tokenList.length === 0) {
        throw new ModelFileError(`${basename(path)} has no tokenizer vocabulary (tokenizer.ggml.tokens)`, {
            expected: "a GGUF model with an embedded tokenizer",
            hint: fixHint,
        });
    }
    checkVocabulary(path, header.metadata, tokenList, summary.tokenizerModel);
    const shape = checkModelStructure(path, header, architecture, tokenList.length);
    return {...summary, shape};
}

function checkVocabulary(path: string, metadata: Map<string, GgufValue>, tokens: readonly unknown[], tokenizerModel: string | undefined): void {
    const tokenTypes = metadata.get("tokenizer.ggml.token_type");
    if (Array.isArray(tokenTypes) && tokenTypes.length !== tokens.length) {
        throw new ModelFileError(`${basename(path)} has ${tokenTypes.length} token types for ${tokens.length} tokens`, {
            expected: "one tokenizer.ggml.token_type entry per token",
            hint: fixHint,
        });
    }
    for (const key of ["tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id"]) {
        const id = metadata.get(key);
        if (typeof id === "number" && (id < 0 || id >= tokens.length)) {
            throw new ModelFileError(`${basename(path)} has ${key} = ${id}, outside its vocabulary of ${tokens.length} tokens`, {
                expected: `a token id below ${tokens.length}`,
                hint: fixHint,
            });
        }
    }
    if (tokenizerModel === "llama") {
        // llama.cpp's SentencePiece tokenizer looks up "<0xXX>" byte pieces (the newline at load
        // time, any unknown character while tokenizing) and aborts the process when one is missing.
        const present = new Set(tokens.filter((token): token is string => typeof token === "string"));
        const missing: string[] = [];
        for (let byte = 0; byte < 256; byte++) {
            const piece = `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;
            if (!present.has(piece)) missing.push(piece);
        }
        if (missing.length > 0) {
            throw new ModelFileError(
                `${basename(path)} uses the "llama" tokenizer but lacks ${missing.length} of the 256 byte-fallback pieces (first missing: ${missing[0]})`,
                {expected: "tokens <0x00> … <0xFF> in tokenizer.ggml.tokens, which llama.cpp requires", hint: fixHint},
            );
        }
    }
}
