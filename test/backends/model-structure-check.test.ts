import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {checkContextRequest} from "../../src/backends/llama-cpp/context-size-check.js";
import {checkModelFile} from "../../src/backends/llama-cpp/model-file-check.js";
import {kvCacheBytes} from "../../src/backends/llama-cpp/model-structure-check.js";
import {ArgumentError, ModelFileError} from "../../src/errors.js";
import {craftLlamaGguf, type CraftedShape} from "../helpers/crafted-gguf.js";
import {scratchFolder} from "../helpers/scratch.js";
import {writeTestGguf} from "./gguf-writer.js";

const directory = scratchFolder("structure");

function crafted(name: string, overrides: Partial<CraftedShape> = {}, metadata = {}): string {
    const path = join(directory, `${name}.gguf`);
    writeFileSync(path, craftLlamaGguf(overrides, metadata));
    return path;
}

function refused(path: string, pattern: RegExp): void {
    assert.throws(
        () => checkModelFile(path),
        (error: unknown) => {
            assert.ok(error instanceof ModelFileError, String(error));
            assert.match(error.message, pattern);
            assert.equal(error.message.includes("\n"), false);
            return true;
        },
    );
}

test("a consistent crafted file passes and reports its shape", () => {
    const summary = checkModelFile(crafted("valid"));
    assert.deepEqual(summary.shape, {embeddingLength: 8, blockCount: 2, headCount: 2, headCountKv: 2, keyLength: 4, valueLength: 4});
    assert.equal(summary.trainedContextLength, 256);
});

test("each structural defect is one ModelFileError naming the key or tensor", () => {
    refused(crafted("zero-heads", {heads: 0}), /llama\.attention\.head_count is 0; expected a positive integer/);
    refused(crafted("zero-kv-heads", {kvHeads: 0}), /llama\.attention\.head_count_kv is 0/);
    refused(crafted("heads-not-dividing", {embedding: 8, heads: 3}), /head_count = 3 does not divide llama\.embedding_length = 8/);
    refused(crafted("kv-not-dividing", {heads: 4, kvHeads: 3}), /head_count_kv = 3 does not divide llama\.attention\.head_count = 4/);
    refused(
        crafted("too-many-blocks", {blocks: 6, blocksPresent: 2}),
        /block_count = 6 but the file holds tensors for 2 blocks: block 2 is missing \(4 of 6 absent\)/,
    );
    refused(crafted("blocks-beyond-limit", {blocks: 1000, blocksPresent: 2}), /block_count = 1000, more than llama\.cpp's limit of 512/);
    refused(crafted("extra-block", {blocks: 1, blocksPresent: 2}), /block 1 is present beyond it/);
    refused(crafted("zero-blocks", {blocks: 0, blocksPresent: 1}), /llama\.block_count is 0/);
    refused(crafted("vocab-mismatch", {embeddingRows: 100}), /token_embd\.weight has 100 rows but the vocabulary \(tokenizer\.ggml\.tokens\) has 262 tokens/);
    refused(crafted("wide-embedding", {shapes: {"token_embd.weight": [16, 262]}}), /token_embd\.weight is 16 wide but llama\.embedding_length = 8/);
    refused(crafted("bad-q", {shapes: {"blk.1.attn_q.weight": [8, 6]}}), /tensor "blk\.1\.attn_q\.weight" is \[8 × 6\] but the metadata implies \[8 × 8\]/);
    refused(crafted("bad-ffn", {shapes: {"blk.0.ffn_down.weight": [16, 4]}}), /"blk\.0\.ffn_down\.weight" is \[16 × 4\] but the metadata implies \[16 × 8\]/);
    refused(crafted("bad-norm", {shapes: {"output_norm.weight": [7]}}), /"output_norm\.weight" is \[7\] but embedding_length = 8/);
    refused(crafted("zero-dimension", {shapes: {"blk.0.attn_norm.weight": [0]}}), /"blk\.0\.attn_norm\.weight" has size 0 along dimension 0/);
    refused(crafted("zero-context", {context: 0}), /llama\.context_length is 0/);
});

test("blocks without a block count are refused", () => {
    const path = join(directory, "no-block-count.gguf");
    const vocabulary = ["a", "b"];
    writeFileSync(
        path,
        writeTestGguf({"general.architecture": "gpt2", "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": vocabulary}, [
            {name: "blk.0.attn_norm.weight", dimensions: [2], values: [1, 1]},
        ]),
    );
    refused(path, /the file holds 1 blocks but has no gpt2\.block_count/);
});

test("the context size is bounded by the trained context unless allowed, and by memory always", () => {
    const file = checkModelFile(crafted("context"));
    assert.doesNotThrow(() => checkContextRequest(file, 256, 1, "exact", false));
    assert.throws(
        () => checkContextRequest(file, 257, 1, "exact", false),
        (error: unknown) =>
            error instanceof ArgumentError && /--context-size 257 is beyond the 256-token context context\.gguf was trained with/.test(error.message),
    );
    assert.doesNotThrow(() => checkContextRequest(file, 4096, 1, "exact", true, 1 << 30));
    // 2 blocks × 1e9 tokens × 2 kv heads × (4 + 4) × 4 bytes.
    assert.equal(kvCacheBytes(file.shape, 1e9, 1, 4), 128e9);
    assert.throws(
        () => checkContextRequest(file, 1e9, 1, "exact", true, 64 << 30),
        (error: unknown) => error instanceof ArgumentError && /needs 119\.2 GiB of KV cache \(128000000000 bytes\)/.test(error.message),
    );
    assert.throws(
        () => checkContextRequest(file, 1 << 20, 4, "fast", true, 200 << 20),
        /needs 256\.0 MiB of KV cache \(268435456 bytes\).*more than the 200\.0 MiB/,
    );
});
