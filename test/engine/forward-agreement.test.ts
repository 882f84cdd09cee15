import {test} from "node:test";
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {loadWhiteBoxModel} from "../../src/backends/engine/index.js";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import type {WhiteBoxModel} from "../../src/engine/white-box-model.js";
import {organismPath, organisms} from "../../src/organisms/registry.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {sharedModel} from "../helpers/models.js";
import {logSoftmaxAt} from "./engine-helpers.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

/** Largest |engine − llama.cpp| log-probability over the texts, tokenised by llama.cpp. */
async function largestDifference(path: string, texts: readonly string[]): Promise<{largest: number; tokens: number}> {
    const model: WhiteBoxModel = loadWhiteBoxModel(path);
    const backend = await openLlamaCppModel(path, {precision: "exact"});
    try {
        let largest = 0,
            tokens = 0;
        for (const text of texts) {
            const ids = await tokenizeWithBos(backend, text);
            const {logprobs} = await backend.score({context: ids.slice(0, 1), target: ids.slice(1)}, 0);
            const logits = model.run([ids]);
            const vocab = model.config.vocabSize;
            logprobs.forEach((expected, position) => {
                const ours = logSoftmaxAt(logits.data, position * vocab, vocab, ids[position + 1]!);
                largest = Math.max(largest, Math.abs(ours - expected));
                tokens++;
            });
        }
        return {largest, tokens};
    } finally {
        await backend.dispose();
    }
}

const stories = [
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.",
    "The sun was shining and the birds were singing. Tom wanted to find a big red ball.",
    "One day, a cat saw a fish in the water.",
];

test("stories260K (GQA 8/4 heads): engine log-probabilities equal llama.cpp in exact mode within 1e-4", async (t) => {
    const {largest, tokens} = await largestDifference(sharedModel("stories260K.gguf"), stories);
    assert.ok(tokens > 40);
    t.diagnostic(`largest difference ${largest.toExponential(2)} over ${tokens} tokens`);
    assert.ok(largest <= 1e-4, `largest difference ${largest}`);
});

test("llama-2-tiny-random (F16 weights, 32k vocabulary): engine log-probabilities equal llama.cpp in exact mode within 1e-4", async (t) => {
    const {largest, tokens} = await largestDifference(sharedModel("llama-2-tiny-random.gguf"), [...stories, "Ünïcödé and numbers 12345 — mixed text."]);
    assert.ok(tokens > 40);
    t.diagnostic(`largest difference ${largest.toExponential(2)} over ${tokens} tokens`);
    assert.ok(largest <= 1e-4, `largest difference ${largest}`);
});

for (const spec of organisms) {
    const path = organismPath(spec.name);
    test(
        `organism ${spec.name}: engine log-probabilities equal llama.cpp in exact mode within 1e-4 on 20 held-out items`,
        {skip: existsSync(path) ? false : `${spec.name}.gguf is not committed`},
        async (t) => {
            const task = spec.task();
            const random = new SeededRandom(4243);
            const texts = Array.from({length: 20}, () => {
                const item = task.heldOutItem(random);
                return item.prompt + item.completion;
            });
            const {largest, tokens} = await largestDifference(path, texts);
            assert.ok(tokens > 100);
            t.diagnostic(`largest difference ${largest.toExponential(2)} over ${tokens} tokens`);
            assert.ok(largest <= 1e-4, `largest difference ${largest}`);
        },
    );
}
