import assert from "node:assert/strict";
import {test} from "node:test";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {sharedModel} from "../helpers/models.js";
import {scoreFromScratch} from "../helpers/score-from-scratch.js";

/**
 * Lanes decode in one batch (node-llama-cpp batches concurrent sequences of a context). Before
 * node-llama-cpp 3.22 a lane sometimes read another position's logits there (errors up to 0.28).
 * Every score of many lanes running at once must equal the same request scored alone from scratch.
 */
const lanes = 8;

const story =
    "Once upon a time, there was a little girl named Lily. She loved to play in the park with her dog Max. " +
    "One day, Lily and Max went to the big tree by the pond. They saw a bird with a red hat. The bird sang a happy song. " +
    "Lily laughed and Max barked. Then it began to rain, so they ran home and had warm soup with mom.";

/**
 * Requests of varied lengths: uniformly random token ids (a model with small logits), or random
 * spans of a story (a trained model: uniformly random targets would sit near log p = −27, where the
 * float32 rounding of the logits alone, which depends on how a batch is composed, reaches 1e-5).
 */
async function requestsFor(backend: LlamaCppBackend, kind: "random tokens" | "story spans", count: number, seed: number): Promise<ScoreRequest[]> {
    const random = new SeededRandom(seed);
    const size = backend.vocabulary.size;
    const bos = backend.vocabulary.bos ?? 1;
    const [text = []] = await backend.tokenize([story]);
    return Array.from({length: count}, () => {
        const contextLength = 1 + random.integer(24);
        const targetLength = 4 + random.integer(20);
        if (kind === "random tokens") {
            return {
                context: [bos, ...Array.from({length: contextLength}, () => 3 + random.integer(size - 3))],
                target: Array.from({length: targetLength}, () => random.integer(size)),
            };
        }
        const start = random.integer(text.length - contextLength - targetLength);
        return {context: [bos, ...text.slice(start, start + contextLength)], target: text.slice(start + contextLength, start + contextLength + targetLength)};
    });
}

function maxDifference(left: readonly {logprobs: number[]}[], right: readonly {logprobs: number[]}[]): number {
    let worst = 0;
    left.forEach((result, index) =>
        result.logprobs.forEach((value, position) => {
            worst = Math.max(worst, Math.abs(value - (right[index]?.logprobs[position] ?? Number.NaN)));
        }),
    );
    return worst;
}

const cases = [
    {file: "llama-2-tiny-random.gguf", reading: "logit-weight", kind: "random tokens", count: 64, rounds: 3},
    {file: "llama-2-tiny-random.gguf", reading: "full-distribution", kind: "random tokens", count: 16, rounds: 1},
    {file: "stories260K.gguf", reading: "logit-weight", kind: "story spans", count: 96, rounds: 3},
] as const;

for (const {file, reading, kind, count, rounds} of cases) {
    test(`${lanes} lanes decoding at once equal scratch within 1e-5: ${file}, ${reading} reading, ${count} requests of ${kind}`, async () => {
        const backend = await openLlamaCppModel(sharedModel(file), {lanes, contextSize: 64, targetReading: reading});
        try {
            const requests = await requestsFor(backend, kind, count, 11);
            const reference = await scoreFromScratch(backend, requests);
            for (let round = 0; round < rounds; round++) {
                // Every lane takes every lanes-th request, one after another, all lanes at once.
                const concurrent: {logprobs: number[]}[] = [];
                await Promise.all(
                    Array.from({length: lanes}, async (_, lane) => {
                        for (let index = (lane + round) % lanes; index < requests.length; index += lanes) {
                            concurrent[index] = await backend.score(requests[index] as ScoreRequest, lane);
                        }
                    }),
                );
                assert.equal(concurrent.filter((result) => result !== undefined).length, requests.length);
                const difference = maxDifference(concurrent, reference);
                assert.ok(difference <= 1e-5, `round ${round}: max |Δ logprob| ${difference}`);
            }
            // The Evaluator spreads a batch over the lanes in prefix order.
            const evaluated = await new Evaluator(backend, {cache: false}).scoreMany(requests);
            const difference = maxDifference(evaluated, reference);
            assert.ok(difference <= 1e-5, `Evaluator over ${lanes} lanes: max |Δ logprob| ${difference}`);
        } finally {
            await backend.dispose();
        }
    });
}
