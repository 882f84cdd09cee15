import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, test} from "node:test";
import {readGgufHeader} from "../../src/backends/llama-cpp/gguf-reader.js";
import {checkModelFile} from "../../src/backends/llama-cpp/model-file-check.js";
import {ModelFileError} from "../../src/errors.js";
import {writeTestGguf} from "./gguf-writer.js";
import {sharedModel} from "../helpers/models.js";

const stories = sharedModel("stories260K.gguf");
const tinyRandom = sharedModel("llama-2-tiny-random.gguf");
const directory = mkdtempSync(join(tmpdir(), "glassbox-gguf-"));
after(() => rmSync(directory, {recursive: true, force: true}));

test("the shared models parse: metadata, tensors, and tensor data ending exactly at the end of the file", () => {
    for (const [path, vocabulary, tensorCount] of [
        [stories, 512, 48],
        [tinyRandom, 32000, 12],
    ] as const) {
        const summary = checkModelFile(path);
        assert.equal(summary.architecture, "llama");
        assert.equal(summary.tokenizerModel, "llama");
        assert.equal(summary.vocabularySize, vocabulary);
        assert.equal(summary.hasChatTemplate, false);
        assert.equal(summary.header.tensors.length, tensorCount);
        const ends = summary.header.tensors.map((tensor) => summary.header.dataOffset + tensor.offset + (tensor.byteSize ?? 0));
        assert.equal(Math.max(...ends), summary.size);
    }
    assert.equal(checkModelFile(stories).trainedContextLength, 2048);
});

test("a file truncated anywhere is a ModelFileError, never a crash", () => {
    const bytes = readFileSync(stories);
    const dataOffset = readGgufHeader(stories).dataOffset;
    const cuts = [0, 1, 3, 4, 7, 8, 15, 16, 23, 24, 40, 100, 1000, 4096, 9000, dataOffset - 1, dataOffset, dataOffset + 1, 500_000, bytes.length - 1];
    for (const cut of cuts) {
        const path = join(directory, `cut-${cut}.gguf`);
        writeFileSync(path, bytes.subarray(0, cut));
        assert.throws(
            () => checkModelFile(path),
            (error: unknown) => {
                assert.ok(error instanceof ModelFileError, `cut at ${cut}: ${String(error)}`);
                assert.match(error.message, cut < 4 ? /not a GGUF file|truncated/ : /truncated or malformed/);
                assert.equal(error.message.includes("\n"), false);
                return true;
            },
        );
    }
});

test("a file that is not GGUF names its first bytes", () => {
    const path = join(directory, "notes.gguf");
    writeFileSync(path, "hello world\n");
    assert.throws(() => checkModelFile(path), /notes\.gguf is not a GGUF file: first bytes were 68 65 6c 6c \("hell"\)/);
});

test("a missing file and a directory are ModelFileErrors", () => {
    assert.throws(
        () => checkModelFile(join(directory, "absent.gguf")),
        (error: unknown) => error instanceof ModelFileError && /does not exist/.test(error.message),
    );
    assert.throws(
        () => checkModelFile(directory),
        (error: unknown) => error instanceof ModelFileError && /is not a file/.test(error.message),
    );
});

test("corrupt lengths inside the metadata are caught", () => {
    const bytes = Buffer.from(readFileSync(stories));
    // The first metadata key's length (offset 24) claims more bytes than the file has.
    bytes.writeBigUInt64LE(1n << 40n, 24);
    const path = join(directory, "corrupt.gguf");
    writeFileSync(path, bytes);
    assert.throws(() => checkModelFile(path), /truncated or malformed: the length of metadata key 0 is 1099511627776, more than the file can hold/);
});

const smallVocabulary = ["<unk>", "<s>", "</s>", "▁a", "▁b"];

test("a llama tokenizer without the 256 byte-fallback pieces is refused before llama.cpp loads it", () => {
    const path = join(directory, "no-bytes.gguf");
    writeFileSync(
        path,
        writeTestGguf(
            {
                "general.architecture": "llama",
                "tokenizer.ggml.model": "llama",
                "tokenizer.ggml.tokens": smallVocabulary,
                "tokenizer.ggml.scores": {f32: smallVocabulary.map(() => 0)},
                "tokenizer.ggml.token_type": {i32: [2, 3, 3, 1, 1]},
            },
            [{name: "token_embd.weight", dimensions: [2, 5], values: new Array<number>(10).fill(0.5)}],
        ),
    );
    assert.throws(() => checkModelFile(path), /lacks 256 of the 256 byte-fallback pieces \(first missing: <0x00>\)/);
});

test("inconsistent tokenizer metadata and missing architecture are refused", () => {
    const mismatched = join(directory, "mismatch.gguf");
    writeFileSync(
        mismatched,
        writeTestGguf({
            "general.architecture": "llama",
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.tokens": smallVocabulary,
            "tokenizer.ggml.token_type": {i32: [1, 1]},
        }),
    );
    assert.throws(() => checkModelFile(mismatched), /has 2 token types for 5 tokens/);
    const badBos = join(directory, "bad-bos.gguf");
    writeFileSync(
        badBos,
        writeTestGguf({
            "general.architecture": "llama",
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.tokens": smallVocabulary,
            "tokenizer.ggml.bos_token_id": 99,
        }),
    );
    assert.throws(() => checkModelFile(badBos), /tokenizer.ggml.bos_token_id = 99, outside its vocabulary of 5 tokens/);
    const noArchitecture = join(directory, "vocab-only.gguf");
    writeFileSync(noArchitecture, writeTestGguf({"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": smallVocabulary}));
    assert.throws(() => checkModelFile(noArchitecture), /has no general.architecture metadata/);
});

test("tensor data past the end of the file is caught even when the header is intact", () => {
    const path = join(directory, "short-data.gguf");
    const bytes = writeTestGguf(
        {
            "general.architecture": "llama",
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.tokens": smallVocabulary,
        },
        [{name: "token_embd.weight", dimensions: [8, 5], values: new Array<number>(40).fill(1)}],
    );
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    assert.throws(() => checkModelFile(path), /the data of tensor "token_embd.weight" ends at byte \d+, past the end of the file/);
});
