import assert from "node:assert/strict";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, test} from "node:test";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {ModelFileError} from "../../src/errors.js";
import {writeTestGguf, type TestMetadataValue} from "./gguf-writer.js";
import {sharedModel} from "../helpers/models.js";

const directory = mkdtempSync(join(tmpdir(), "glassbox-load-"));
after(() => rmSync(directory, {recursive: true, force: true}));

const bytePieces = Array.from({length: 256}, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
const tokens = ["<unk>", "<s>", "</s>", ...bytePieces, "▁a", "▁b"];

function model(architecture: string, extra: Record<string, TestMetadataValue> = {}): string {
    const path = join(directory, `${architecture}.gguf`);
    writeFileSync(
        path,
        writeTestGguf(
            {
                "general.architecture": architecture,
                "tokenizer.ggml.model": "llama",
                "tokenizer.ggml.tokens": tokens,
                "tokenizer.ggml.scores": {f32: tokens.map(() => 0)},
                "tokenizer.ggml.token_type": {i32: tokens.map((_, index) => (index === 0 ? 2 : index < 3 ? 3 : index < 259 ? 6 : 1))},
                "tokenizer.ggml.bos_token_id": 1,
                "tokenizer.ggml.eos_token_id": 2,
                ...extra,
            },
            [{name: "token_embd.weight", dimensions: [8, tokens.length], values: new Array<number>(8 * tokens.length).fill(0.01)}],
        ),
    );
    return path;
}

test("a well-formed GGUF that llama.cpp cannot load is a ModelFileError with llama.cpp's reason", async () => {
    await assert.rejects(openLlamaCppModel(model("qwen9")), (error: unknown) => {
        assert.ok(error instanceof ModelFileError);
        assert.match(error.message, /llama\.cpp could not load qwen9\.gguf; received .*unknown model architecture: 'qwen9'/);
        return true;
    });
    await assert.rejects(openLlamaCppModel(model("llama", {"llama.context_length": 64, "llama.embedding_length": 8})), (error: unknown) => {
        assert.ok(error instanceof ModelFileError);
        assert.match(error.message, /key not found in model/);
        return true;
    });
});

test("the backend's identity names the file, a content hash and the precision", async () => {
    const backend = await openLlamaCppModel(sharedModel("stories260K.gguf"), {contextSize: 64});
    try {
        assert.match(backend.id, /^llama-cpp:stories260K\.gguf@[0-9a-f]{16}:exact:(cpu|gpu)$/);
        assert.equal(backend.capabilities.contextSize, 64);
        assert.deepEqual(backend.vocabulary, {size: 512, bos: 1, eos: 2, addBos: true});
        assert.equal(backend.capabilities.chatTemplate, false);
        assert.equal(backend.capabilities.chatFormat, "General");
    } finally {
        await backend.dispose();
    }
    const fast = await openLlamaCppModel(sharedModel("stories260K.gguf"), {contextSize: 64, precision: "fast"});
    try {
        assert.match(fast.id, /:fast:(cpu|gpu)$/);
        assert.equal(fast.capabilities.precision, "fast");
    } finally {
        await fast.dispose();
    }
});
