import assert from "node:assert/strict";
import {after, before, test} from "node:test";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {InputError} from "../../src/errors.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {sharedModel} from "../helpers/models.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

interface Pair {
    file: string;
    /** The default reading: logit − max logit − ln(total logit weight). */
    weight: LlamaCppBackend;
    /** log of the full distribution's probability (node-llama-cpp's `probabilities: true`). */
    full: LlamaCppBackend;
}

const pairs: Pair[] = [];

before(async () => {
    for (const file of ["llama-2-tiny-random.gguf", "stories260K.gguf"]) {
        pairs.push({
            file,
            weight: await openLlamaCppModel(sharedModel(file), {contextSize: 256}),
            full: await openLlamaCppModel(sharedModel(file), {contextSize: 256, targetReading: "full-distribution"}),
        });
    }
});
after(async () => {
    for (const pair of pairs) {
        await pair.weight.dispose();
        await pair.full.dispose();
    }
});

function maxDifference(left: readonly number[], right: readonly number[]): number {
    assert.equal(left.length, right.length);
    return left.reduce((worst, value, index) => Math.max(worst, Math.abs(value - (right[index] ?? Number.NaN))), 0);
}

/** Targets across the distribution: uniformly random ids, the greedy tokens and the least likely tokens. */
async function requests(backend: LlamaCppBackend): Promise<ScoreRequest[]> {
    const context = await tokenizeWithBos(backend, "Once upon a time, there was a little girl named Lily. She loved to play");
    const random = new SeededRandom(7);
    const randomTarget = Array.from({length: 48}, () => random.integer(backend.vocabulary.size));
    const greedy = await backend.generate({context, maxTokens: 8, temperature: 0, seed: 1, topLogprobs: backend.vocabulary.size, stopAtEog: false}, 0);
    const leastLikely = greedy.tokens.map((token) => token.top.at(-1)?.token ?? 0);
    return [
        {context, target: randomTarget},
        {context, target: greedy.tokens.map((token) => token.token)},
        {context, target: leastLikely},
        {context: context.slice(0, 1), target: randomTarget.slice(0, 16)},
    ];
}

test("the default reading is the total logit weight; an unknown reading is refused", async () => {
    for (const pair of pairs) {
        assert.equal(pair.weight.targetReading, "logit-weight");
        assert.equal(pair.full.targetReading, "full-distribution");
    }
    await assert.rejects(
        openLlamaCppModel(sharedModel("stories260K.gguf"), {targetReading: "biased-top-k" as never}),
        (error: unknown) => error instanceof InputError && /unknown target reading/.test(error.message) && /logit-weight/.test(error.message),
    );
});

test("logit − max logit − ln(total weight) equals the full distribution within 1e-5, least likely targets included", async () => {
    for (const pair of pairs) {
        for (const request of await requests(pair.full)) {
            const expected = await pair.full.score(request, 0);
            const actual = await pair.weight.score(request, 0);
            const difference = maxDifference(actual.logprobs, expected.logprobs);
            assert.ok(difference <= 1e-5, `${pair.file}: max |Δ| ${difference} for targets ${request.target.slice(0, 4).join(",")}…`);
            for (const value of actual.logprobs) assert.ok(Number.isFinite(value) && value <= 0, `${pair.file}: log p ${value}`);
        }
    }
});

test("a greedy step's log-probability (−ln of the total weight) equals the chosen token's in the full distribution", async () => {
    for (const pair of pairs) {
        const context = await tokenizeWithBos(pair.weight, "One day, Tom went to the park with his mom and saw a bird");
        const fast = await pair.weight.generate({context, maxTokens: 12, temperature: 0, seed: 1, topLogprobs: 0, stopAtEog: false}, 0);
        const full = await pair.full.generate({context, maxTokens: 12, temperature: 0, seed: 1, topLogprobs: 1, stopAtEog: false}, 0);
        assert.deepEqual(
            fast.tokens.map((token) => token.token),
            full.tokens.map((token) => token.token),
        );
        const difference = maxDifference(
            fast.tokens.map((token) => token.logprob),
            full.tokens.map((token) => token.top[0]?.logprob ?? Number.NaN),
        );
        assert.ok(difference <= 1e-5, `${pair.file}: max |Δ| ${difference}`);
    }
});
