/**
 * llama.cpp loads the decoders glassbox writes — llama, qwen2 (QKV biases) and qwen3 (q/k
 * RMSNorm), grouped-query attention, tied output, F32 and quantised (Q8_0, Q4_K) — tokenizes
 * their synthetic vocabulary as written, and gives finite log-probabilities. A quantised file
 * gives nearly the log-probabilities of an F32 file holding glassbox's dequantisation of the same
 * blocks (llama.cpp also rounds the activations to 8 bits in quantised products, hence not
 * exactly), which a misread block layout would not.
 */
import {test, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {readGgufHeader} from "../../src/backends/llama-cpp/gguf-reader.js";
import {
    decoderArchitectures,
    storedTensorType,
    type DecoderArchitecture,
    type DecoderGgufModel,
    type DecoderShape,
    type WeightType,
} from "../../src/organisms/decoder-gguf.js";
import {dequantize} from "../../src/engine/quantization/dequantize.js";
import {quantizeQ4_K} from "../../src/engine/quantization/q4_k.js";
import {quantizeQ8_0} from "../../src/engine/quantization/q8_0.js";
import {randomDecoderModel, syntheticWord} from "../../src/organisms/random-decoder.js";
import {ggmlType} from "../../src/engine/quantization/ggml-types.js";
import {writeDecoderGguf} from "../../src/store/decoder-file.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

const directory = mkdtempSync(join(tmpdir(), "glassbox-decoders-"));
after(() => rmSync(directory, {recursive: true, force: true}));

function shapeOf(architecture: DecoderArchitecture): DecoderShape {
    return {
        architecture,
        vocabSize: 400,
        dim: 256,
        layers: 2,
        heads: 4,
        kvHeads: 2,
        ffn: 512,
        contextLength: 64,
        ropeBase: 10000,
        normEps: 1e-6,
        tiedOutput: architecture !== "llama",
    };
}

// Largest differences measured on these models: 0.02–0.03 (Q8_0) and 0.03–0.05 (Q4_K) against
// the dequantised weights; 0.03–0.05 (Q8_0) and 0.43–0.61 (Q4_K) against the unquantised ones.
// For Q8_0 llama.cpp's rounding of the activations dominates; Q4_K's own rounding is larger.
const closeness = 0.1;

function writeModel(model: DecoderGgufModel, name: string, weightType: WeightType): string {
    const path = join(directory, `${name}.gguf`);
    writeDecoderGguf(path, model, weightType);
    return path;
}

async function logProbabilities(path: string, words: string): Promise<{tokens: number[]; logprobs: number[]}> {
    const backend = await openLlamaCppModel(path, {precision: "exact", contextSize: 64});
    try {
        const tokens = await tokenizeWithBos(backend, words);
        const {logprobs} = await backend.score({context: tokens.slice(0, 1), target: tokens.slice(1)}, 0);
        return {tokens, logprobs};
    } finally {
        await backend.dispose();
    }
}

/** The model with every tensor replaced by glassbox's dequantisation of what the file stores. */
function dequantizedCopy(model: DecoderGgufModel, weightType: WeightType): DecoderGgufModel {
    return {
        ...model,
        tensors: model.tensors.map((tensor) => {
            const type = storedTensorType(tensor.shape, weightType);
            if (type === "F32") return tensor;
            const bytes = type === "Q8_0" ? quantizeQ8_0(tensor.values) : quantizeQ4_K(tensor.values);
            return {...tensor, values: dequantize(ggmlType[type], bytes, tensor.values.length)};
        }),
    };
}

for (const architecture of decoderArchitectures) {
    test(`${architecture}: llama.cpp loads the written F32, Q8_0 and Q4_K files and gives finite log-probabilities close to each other`, async () => {
        const model = randomDecoderModel(shapeOf(architecture), 7);
        const ids = [300, 290, 301, 302, 377, 390, 288, 310, 349, 299];
        const text = ids.map((id) => syntheticWord(model.tokenizer.pieces, id)).join(" ");
        const reference = await logProbabilities(writeModel(model, `${architecture}-F32`, "F32"), text);
        assert.deepEqual(reference.tokens, [1, ...ids], "llama.cpp tokenizes each synthetic word into its own piece");
        assert.ok(reference.logprobs.length === ids.length && reference.logprobs.every((value) => Number.isFinite(value) && value < 0));
        for (const weightType of ["Q8_0", "Q4_K"] as const) {
            const path = writeModel(model, `${architecture}-${weightType}`, weightType);
            const header = readGgufHeader(path);
            assert.equal(header.metadata.get("general.architecture"), architecture);
            const types = new Set(header.tensors.filter((tensor) => tensor.dimensions.length === 2).map((tensor) => tensor.ggmlType));
            assert.deepEqual([...types], [ggmlType[weightType]], `every matrix of the ${weightType} file is ${weightType}`);
            const quantized = (await logProbabilities(path, text)).logprobs;
            const dequantized = (
                await logProbabilities(writeModel(dequantizedCopy(model, weightType), `${architecture}-${weightType}-dequantized`, "F32"), text)
            ).logprobs;
            assert.ok(
                quantized.every((value) => Number.isFinite(value) && value < 0),
                `${weightType} log-probabilities ${quantized.join(", ")}`,
            );
            const fromDequantized = Math.max(...quantized.map((value, i) => Math.abs(value - dequantized[i]!)));
            const fromOriginal = Math.max(...quantized.map((value, i) => Math.abs(value - reference.logprobs[i]!)));
            assert.ok(fromDequantized <= closeness, `${weightType} file against glassbox's dequantisation: largest difference ${fromDequantized}`);
            if (weightType === "Q4_K")
                assert.ok(
                    fromOriginal > 4 * fromDequantized,
                    `Q4_K: the unquantised weights (${fromOriginal}) are much further away than their dequantisation (${fromDequantized})`,
                );
        }
    });
}

test("qwen2 biases and qwen3 q/k norms are read by llama.cpp: changing them changes the log-probabilities", async () => {
    for (const [architecture, suffix] of [
        ["qwen2", "attn_q.bias"],
        ["qwen3", "attn_k_norm.weight"],
    ] as const) {
        const model = randomDecoderModel(shapeOf(architecture), 11);
        const text = [300, 301, 302, 303, 304].map((id) => syntheticWord(model.tokenizer.pieces, id)).join(" ");
        const path = join(directory, `${architecture}-base.gguf`);
        writeDecoderGguf(path, model);
        const base = (await logProbabilities(path, text)).logprobs;
        const changed = {
            ...model,
            tensors: model.tensors.map((tensor) => (tensor.name === `blk.0.${suffix}` ? {...tensor, values: tensor.values.map((value) => value * 3)} : tensor)),
        };
        writeDecoderGguf(path, changed);
        const after = (await logProbabilities(path, text)).logprobs;
        assert.ok(
            after.some((value, i) => Math.abs(value - base[i]!) > 1e-4),
            `${architecture}: scaling blk.0.${suffix} changed nothing`,
        );
    }
});
