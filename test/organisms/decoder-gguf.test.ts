/** The decoder GGUF writer's pure parts: shapes, type fallbacks, determinism and bad input. */
import {test} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {decoderGgufBytes, decoderTensorShapes, storedTensorType, type DecoderShape} from "../../src/organisms/decoder-gguf.js";
import {benchmarkDecoderShape, decoderParameterCount, randomDecoderModel, syntheticPieces} from "../../src/organisms/random-decoder.js";
import {GlassboxError} from "../../src/errors.js";

const small: DecoderShape = {
    architecture: "qwen2",
    vocabSize: 320,
    dim: 64,
    layers: 1,
    heads: 4,
    kvHeads: 2,
    ffn: 96,
    contextLength: 16,
    ropeBase: 10000,
    normEps: 1e-6,
    tiedOutput: true,
};

test("the benchmark decoder: width 512, 8 layers, 32,000 pieces, tied output, 43,655,680 parameters", () => {
    assert.equal(decoderParameterCount(benchmarkDecoderShape), 32000 * 512 + 8 * (2 * 512 + 4 * 512 * 512 + 3 * 512 * 1536) + 512);
    assert.equal(decoderParameterCount(benchmarkDecoderShape), 43_655_680);
    assert.ok(!decoderTensorShapes(benchmarkDecoderShape).some((tensor) => tensor.name === "output.weight"));
});

test("tensor shapes per architecture: qwen2 adds QKV biases, qwen3 per-head q/k norms, GQA narrows k and v", () => {
    const names = (shape: DecoderShape) => decoderTensorShapes(shape).map((tensor) => `${tensor.name}:${tensor.shape.join("x")}`);
    assert.ok(names(small).includes("blk.0.attn_k.bias:32"));
    assert.ok(names(small).includes("blk.0.attn_v.weight:32x64"));
    assert.ok(names({...small, architecture: "qwen3"}).includes("blk.0.attn_q_norm.weight:16"));
    assert.ok(!names({...small, architecture: "llama"}).some((name) => name.includes("bias") || name.includes("q_norm")));
    assert.ok(names({...small, tiedOutput: false}).includes("output.weight:320x64"));
});

test("stored types: vectors stay F32; rows that do not split into whole blocks fall back to Q8_0, then F32", () => {
    assert.equal(storedTensorType([64], "Q4_K"), "F32");
    assert.equal(storedTensorType([96, 512], "Q4_K"), "Q4_K");
    assert.equal(storedTensorType([96, 64], "Q4_K"), "Q8_0");
    assert.equal(storedTensorType([96, 48], "Q8_0"), "F32");
    assert.equal(storedTensorType([96, 64], "F32"), "F32");
});

test("the synthetic vocabulary has every prefix of each word piece, and the same seed writes the same bytes", () => {
    const pieces = syntheticPieces(1000);
    const texts = new Set(pieces.map((piece) => piece.text));
    assert.equal(texts.size, 1000);
    for (const piece of pieces.slice(286)) assert.ok(texts.has(piece.text.slice(0, -1)) || piece.text.length === 2, piece.text);
    const hash = (seed: number) =>
        createHash("sha256")
            .update(decoderGgufBytes(randomDecoderModel(small, seed), "Q8_0"))
            .digest("hex");
    assert.equal(hash(5), hash(5));
    assert.notEqual(hash(5), hash(6));
});

test("bad decoders are typed errors naming the problem", () => {
    const model = randomDecoderModel(small, 1);
    const check = (bad: Parameters<typeof decoderGgufBytes>[0], pattern: RegExp) =>
        assert.throws(
            () => decoderGgufBytes(bad),
            (error: unknown) => {
                assert.ok(error instanceof GlassboxError);
                assert.match(error.message, pattern);
                return true;
            },
        );
    check({...model, shape: {...small, kvHeads: 3}}, /query heads must be a multiple of key\/value heads/);
    check({...model, shape: {...small, architecture: "gemma" as "llama"}}, /unsupported architecture "gemma".*llama, qwen2, qwen3/);
    check(
        {...model, tensors: model.tensors.filter((tensor) => tensor.name !== "blk.0.attn_q.bias")},
        /tensor blk\.0\.attn_q\.bias is missing or has the wrong shape/,
    );
    check({...model, tokenizer: {...model.tokenizer, pieces: model.tokenizer.pieces.slice(1)}}, /one piece per vocabulary entry.*320.*319/);
});
