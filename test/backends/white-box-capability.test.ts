/**
 * The white-box capability: the llama.cpp backend offers the engine's model of its GGUF file
 * (same tokens, the same log-probabilities as its scoring), and every backend without it — remote
 * servers, the scripted backend, a local model the engine cannot read — is refused by
 * requireWhiteBox with a capability error that names it, says what is needed and how to get it.
 */
import {test, after} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {loadWhiteBoxModel} from "../../src/backends/engine/index.js";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {readGgufHeader} from "../../src/backends/llama-cpp/gguf-reader.js";
import {whiteBoxAccess} from "../../src/backends/llama-cpp/white-box-access.js";
import {openOpenAiCompatibleModel} from "../../src/backends/openai-compatible/openai-backend.js";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {VllmBackend} from "../../src/backends/vllm/vllm-backend.js";
import {CapabilityError} from "../../src/errors.js";
import {requireWhiteBox, whiteBoxLogprobs} from "../../src/model/white-box.js";
import {randomDecoderModel, syntheticWord} from "../../src/organisms/random-decoder.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";
import {writeDecoderGguf} from "../../src/store/decoder-file.js";
import {sharedModel} from "../helpers/models.js";

const directory = mkdtempSync(join(tmpdir(), "glassbox-white-box-"));
after(() => rmSync(directory, {recursive: true, force: true}));

const stories = [
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.",
    "The sun was shining and the birds were singing. Tom wanted to find a big red ball.",
    "One day, a cat saw a fish in the water.",
];

test("stories260K through llama.cpp: the white-box capability's model gives the backend's log-probabilities within 1e-4, on the backend's tokens", async (t) => {
    const backend = await openLlamaCppModel(sharedModel("stories260K.gguf"), {precision: "exact"});
    try {
        const whiteBox = requireWhiteBox(backend, "integrated gradients");
        assert.equal(whiteBox.architecture, "llama");
        assert.equal(backend.capabilities.whiteBoxUnavailable, undefined);
        const model = await whiteBox.loadModel();
        assert.equal(await whiteBox.loadModel(), model, "the model is loaded once and shared");
        assert.equal(model.config.vocabSize, backend.vocabulary.size);
        let largest = 0;
        let tokens = 0;
        for (const text of stories) {
            const ids = await tokenizeWithBos(backend, text);
            for (const split of [1, 5]) {
                const request = {context: ids.slice(0, split), target: ids.slice(split)};
                const {logprobs} = await backend.score(request, 0);
                whiteBoxLogprobs(model, request).forEach((value, index) => {
                    largest = Math.max(largest, Math.abs(value - logprobs[index]!));
                    tokens++;
                });
            }
        }
        t.diagnostic(`largest difference ${largest.toExponential(2)} over ${tokens} tokens`);
        assert.ok(tokens > 80);
        assert.ok(largest <= 1e-4, `largest difference ${largest}`);
    } finally {
        await backend.dispose();
    }
    await assert.rejects(backend.capabilities.whiteBox!.loadModel(), /already closed/);
});

test("written qwen3 GGUFs: the capability names the architecture; F32 agrees with llama.cpp's scoring within 1e-4, Q8_0 is read with activations rounded as llama.cpp does", async () => {
    const written = randomDecoderModel(
        {
            architecture: "qwen3",
            vocabSize: 400,
            dim: 256,
            layers: 2,
            heads: 4,
            kvHeads: 2,
            ffn: 512,
            contextLength: 64,
            ropeBase: 10000,
            normEps: 1e-6,
            tiedOutput: true,
        },
        5,
    );
    for (const weightType of ["F32", "Q8_0"] as const) {
        const path = join(directory, `qwen3-${weightType}.gguf`);
        writeDecoderGguf(path, written, weightType);
        const backend = await openLlamaCppModel(path, {precision: "exact", contextSize: 64});
        try {
            const whiteBox = requireWhiteBox(backend);
            assert.equal(whiteBox.architecture, "qwen3");
            const text = [300, 290, 301, 302, 377, 390, 288, 310, 349, 299, 333, 361].map((id) => syntheticWord(written.tokenizer.pieces, id)).join(" ");
            const ids = await tokenizeWithBos(backend, text);
            const request = {context: ids.slice(0, 2), target: ids.slice(2)};
            const {logprobs} = await backend.score(request, 0);
            const model = await whiteBox.loadModel();
            const differences = whiteBoxLogprobs(model, request).map((value, index) => Math.abs(value - logprobs[index]!));
            if (weightType === "F32") {
                assert.ok(Math.max(...differences) <= 1e-4, `F32: largest difference ${Math.max(...differences)}`);
                continue;
            }
            // On the CPU the capability's model rounds activations as llama.cpp does; a rounding step
            // taken the other way moves a position and those after it (test/engine/written-models-agreement.test.ts).
            assert.deepEqual(model.run([ids]).data, loadWhiteBoxModel(path, {matchLlamaCpp: true}).run([ids]).data);
            const exact = whiteBoxLogprobs(loadWhiteBoxModel(path), request).map((value, index) => Math.abs(value - logprobs[index]!));
            const agreeing = (values: number[]): number => values.filter((value) => value <= 1e-4).length;
            assert.ok(agreeing(differences) > agreeing(exact), `Q8_0: ${differences.join(", ")} against the exact product's ${exact.join(", ")}`);
        } finally {
            await backend.dispose();
        }
    }
});

/** The error requireWhiteBox throws for `backend`. */
function refusal(backend: Parameters<typeof requireWhiteBox>[0]): CapabilityError {
    try {
        requireWhiteBox(backend, "integrated gradients");
    } catch (error) {
        assert.ok(error instanceof CapabilityError, String(error));
        return error;
    }
    assert.fail(`${backend.name} was not refused`);
}

test("remote and scripted backends are refused: the error names the backend, what is needed and to use a local GGUF file", () => {
    const vllm = new VllmBackend({
        endpoint: {baseUrl: "http://127.0.0.1:9/v1"},
        root: "http://127.0.0.1:9",
        model: "served-model",
        contextSize: 2048,
        extension: undefined,
        bos: 1,
        addBos: true,
        lanes: 1,
        maxLogprobs: 20,
        batch: 16,
        scoreFromTarget: false,
    });
    const openai = openOpenAiCompatibleModel({baseUrl: "http://127.0.0.1:9/v1", model: "chat-model"});
    const scripted = new ScriptedBackend();
    for (const backend of [vllm, openai, scripted]) {
        assert.equal(backend.capabilities.whiteBox, undefined);
        const error = refusal(backend);
        assert.equal(error.code, "capability");
        assert.equal(error.parameter, "model");
        assert.equal(
            error.summary,
            `integrated gradients needs the white-box engine (activations and gradients), which backend ${backend.name} does not offer`,
        );
        assert.match(
            error.message,
            /expected a backend that runs the model in this process: a local GGUF file whose architecture the white-box engine reads \(llama, qwen2, qwen3\)/,
        );
        assert.match(error.message, /remote servers and the scripted backend have no insides to read/);
        assert.match(error.message, /\(give the path of a local GGUF file of the model as the model\)$/);
        assert.ok(!error.message.includes("\n"));
    }
});

test("a local GGUF of an architecture the engine does not run: no capability, and the refusal names the architecture in one line", () => {
    const path = join(directory, "llama.gguf");
    writeDecoderGguf(
        path,
        randomDecoderModel(
            {
                architecture: "llama",
                vocabSize: 300,
                dim: 64,
                layers: 1,
                heads: 2,
                kvHeads: 2,
                ffn: 128,
                contextLength: 32,
                ropeBase: 10000,
                normEps: 1e-5,
                tiedOutput: true,
            },
            1,
        ),
    );
    const header = readGgufHeader(path);
    const metadata = new Map(header.metadata);
    metadata.set("general.architecture", "gemma2");
    const access = whiteBoxAccess({path, header: {...header, metadata}, vocabularySize: 300, matchLlamaCpp: true}, () => true);
    assert.deepEqual(access, {whiteBoxUnavailable: "architecture gemma2 is not supported by the engine"});
    const error = refusal({name: "gemma-2.gguf", capabilities: {...new ScriptedBackend().capabilities, ...access}});
    assert.equal(
        error.message,
        "integrated gradients needs the white-box engine, which cannot run gemma-2.gguf: architecture gemma2 is not supported by the engine; " +
            "expected a backend that runs the model in this process: a local GGUF file whose architecture the white-box engine reads (llama, qwen2, qwen3) " +
            "(convert the model to a supported architecture and tensor type, or use another local GGUF model)",
    );
    const mismatch = whiteBoxAccess({path, header, vocabularySize: 301, matchLlamaCpp: true}, () => true);
    assert.deepEqual(mismatch, {whiteBoxUnavailable: "the engine reads 300 token embeddings, the tokenizer has 301 tokens"});
    assert.equal(whiteBoxAccess({path, header, vocabularySize: 300, matchLlamaCpp: true}, () => true).whiteBox?.architecture, "llama");
});
