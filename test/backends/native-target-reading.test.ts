import assert from "node:assert/strict";
import {availableParallelism} from "node:os";
import {after, before, test} from "node:test";
import type {Token} from "node-llama-cpp";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {defaultThreads, sharedLlama} from "../../src/backends/llama-cpp/llama-runtime.js";
import {openNativeTargetReader, verifyNativeTargetReader, type NativeTargetReader} from "../../src/backends/llama-cpp/native-target-reading.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {createSeededRandom} from "../../src/model/sampling.js";
import {sharedModel} from "../helpers/models.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

const tinyRandom = sharedModel("llama-2-tiny-random.gguf");
const stories = sharedModel("stories260K.gguf");
let full: LlamaCppBackend;
let native: LlamaCppBackend;
/** Bias 0 and top-2: most positions miss the truncated set, so the fall-back is exercised. */
let narrow: LlamaCppBackend;

before(async () => {
    full = await openLlamaCppModel(tinyRandom, {contextSize: 256, targetReading: "full-distribution"});
    native = await openLlamaCppModel(tinyRandom, {contextSize: 256});
    narrow = await openLlamaCppModel(tinyRandom, {contextSize: 256, targetReading: "biased-top-k", biasedTopK: {topK: 2, bias: 0}});
});
after(async () => {
    await full.dispose();
    await native.dispose();
    await narrow.dispose();
});

function maxDifference(left: readonly number[], right: readonly number[]): number {
    assert.equal(left.length, right.length);
    return left.reduce((worst, value, index) => Math.max(worst, Math.abs(value - (right[index] ?? Number.NaN))), 0);
}

/** Requests whose targets span the distribution: uniform random ids, the greedy tokens, the least likely tokens. */
async function requests(): Promise<ScoreRequest[]> {
    const context = (await tokenizeWithBos(full, "Once upon a time, there was a little girl named Lily. She loved to play"));
    const random = createSeededRandom(7);
    const randomTarget = Array.from({length: 48}, () => Math.floor(random() * full.vocabulary.size));
    const greedy = await full.generate({context, maxTokens: 8, temperature: 0, seed: 1, topLogprobs: full.vocabulary.size, stopAtEog: false}, 0);
    const leastLikely = greedy.tokens.map((token) => token.top.at(-1)?.token ?? 0);
    return [
        {context, target: randomTarget},
        {context, target: greedy.tokens.map((token) => token.token)},
        {context, target: leastLikely},
        {context: context.slice(0, 1), target: randomTarget.slice(0, 16)},
    ];
}

test("auto reading: llama-2-tiny-random (32k vocabulary) reads natively, stories260K (512) reads full distributions", async () => {
    assert.equal(native.targetReading, "biased-top-k");
    assert.equal(full.targetReading, "full-distribution");
    const small = await openLlamaCppModel(stories, {contextSize: 64});
    try {
        assert.equal(small.targetReading, "full-distribution");
    } finally {
        await small.dispose();
    }
});

test("biased top-k reading equals the full-distribution reading within 1e-5, low-probability targets included", async () => {
    for (const request of await requests()) {
        const expected = await full.score(request, 0);
        const actual = await native.score(request, 0);
        assert.ok(maxDifference(actual.logprobs, expected.logprobs) <= 1e-5,
            `max |Δ| ${maxDifference(actual.logprobs, expected.logprobs)} for targets ${request.target.slice(0, 4).join(",")}…`);
        for (const value of actual.logprobs) assert.ok(Number.isFinite(value) && value <= 0);
    }
    assert.ok(native.targetReadingStats.positions >= 48 + 8 + 8 + 16);
});

test("positions outside the truncated set fall back to the full distribution and stay equal", async () => {
    const before = narrow.targetReadingStats.fullDistributionFallbacks;
    for (const request of await requests()) {
        const expected = await full.score(request, 0);
        const actual = await narrow.score(request, 0);
        assert.ok(maxDifference(actual.logprobs, expected.logprobs) <= 1e-5);
    }
    assert.ok(narrow.targetReadingStats.fullDistributionFallbacks - before > 0);
});

test("prefix reuse on the native reading equals a fresh evaluation", async () => {
    const [first, second] = await requests();
    const fresh = await openLlamaCppModel(tinyRandom, {contextSize: 256});
    try {
        await native.score(first!, 0);
        const reused = await native.score({context: first!.context, target: second!.target}, 0);
        assert.ok((reused.reusedTokens ?? 0) > 0);
        const scratch = await fresh.score({context: first!.context, target: second!.target}, 0);
        assert.ok(maxDifference(reused.logprobs, scratch.logprobs) <= 1e-5);
    } finally {
        await fresh.dispose();
    }
});

test("threads: 1 for a model under 64 MiB by default; an explicit count of every available core is used unclamped", async () => {
    assert.equal(defaultThreads(63 << 20), 1);
    assert.equal(defaultThreads(64 << 20), availableParallelism());
    assert.equal(full.threads, 1);
    assert.ok((await sharedLlama()).maxThreads >= availableParallelism());
    const wide = await openLlamaCppModel(stories, {contextSize: 64, threads: availableParallelism()});
    try {
        assert.equal(wide.threads, availableParallelism());
    } finally {
        await wide.dispose();
    }
});

test("the start-up check keeps a reader that agrees with the public distribution and drops one that does not", async () => {
    const llama = await sharedLlama();
    const model = await llama.loadModel({modelPath: tinyRandom, gpuLayers: 0});
    const context = await model.createContext({contextSize: 64, sequences: 1, threads: 1,
        flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32"});
    try {
        const sequence = context.getSequence();
        const probe = {context: (model.tokens.bos ?? 1) as Token, target: 1234 as Token};
        const real = openNativeTargetReader(model, [sequence]);
        assert.ok(real !== undefined);
        assert.equal(await verifyNativeTargetReader(real, sequence, probe), real);
        assert.equal(sequence.nextTokenIndex, 0);
        real.dispose();
        let disposed = false;
        const wrong: NativeTargetReader = {
            evaluate: async (_sequence, tokens) => ({logprobs: tokens.map(() => -0.5), fallbacks: 0}),
            dispose: () => {
                disposed = true;
            },
        };
        assert.equal(await verifyNativeTargetReader(wrong, sequence, probe), undefined);
        assert.ok(disposed);
        const failing: NativeTargetReader = {evaluate: () => Promise.reject(new Error("internal changed")), dispose: () => undefined};
        assert.equal(await verifyNativeTargetReader(failing, sequence, probe), undefined);
    } finally {
        await context.dispose();
        await model.dispose();
    }
});
