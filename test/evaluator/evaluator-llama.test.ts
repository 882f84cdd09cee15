import {test} from "node:test";
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import type {Backend, ScoreRequest} from "../../src/model/backend-spec.js";
import {sharedModel} from "../helpers/models.js";
import {scoreFromScratch} from "../helpers/score-from-scratch.js";
import {tokenizeText} from "../../src/protocol/index.js";

const modelPath = sharedModel("stories260K.gguf");
const sentences = [
    "Once upon a time, there was a girl named Lily.",
    "She lived in a small house near a big forest.",
    "One day, Lily found a little dog in the park.",
    "The dog was cold and very hungry.",
    "Lily took the dog home and gave it milk.",
    "Her mom smiled and gave the dog a soft bed.",
];

async function requestsFor(backend: Backend): Promise<ScoreRequest[]> {
    const bos = backend.vocabulary.bos === undefined ? [] : [backend.vocabulary.bos];
    const target = await tokenizeText(backend, " Lily and the dog became best friends.");
    const variants = [
        sentences.map(() => true),
        ...sentences.map((_, left) => sentences.map((__, index) => index !== left)),
        [true, false, true, false, true, false],
        [false, true, false, true, false, true],
    ];
    const contexts = await backend.tokenize(variants.map((kept) => sentences.filter((_, index) => kept[index]).join(" ")));
    const requests = contexts.map((tokens) => ({context: [...bos, ...tokens], target}));
    const full = requests[0]!;
    // Same context, other targets (reuse stops one token before the target), and a duplicate.
    requests.push({context: full.context, target: target.slice(0, 4)});
    requests.push({context: full.context, target: await tokenizeText(backend, " The end.")});
    requests.push({context: [...full.context, ...target.slice(0, 3)], target: target.slice(3)});
    requests.push({context: [...requests[2]!.context], target: [...target]});
    return requests;
}

test("Evaluator scores on stories260K equal one-by-one from-scratch scores within 1e-5", {skip: !existsSync(modelPath)}, async () => {
    const reference = await openLlamaCppModel(modelPath, {lanes: 1, contextSize: 256, threads: 1});
    const laned = await openLlamaCppModel(modelPath, {lanes: 3, contextSize: 256, threads: 1});
    try {
        const requests = await requestsFor(reference);
        const expected = await scoreFromScratch(reference, requests);
        const evaluator = new Evaluator(laned);
        const results = await evaluator.scoreMany(requests);
        assert.equal(results.length, requests.length);
        results.forEach((result, index) => {
            const wanted = expected[index]!.logprobs;
            assert.equal(result.logprobs.length, wanted.length);
            result.logprobs.forEach((value, position) => {
                assert.ok(Math.abs(value - wanted[position]!) <= 1e-5, `request ${index} token ${position}: ${value} vs ${wanted[position]}`);
            });
        });
        const stats = evaluator.stats;
        assert.equal(stats.deduplicated, 1);
        assert.equal(stats.backendCalls, requests.length - 1);
        assert.ok(stats.reusedTokens > 0, "lanes reused shared prefixes");
        const perRequest = requests.reduce((sum, request) => sum + request.context.length + request.target.length - 1, 0);
        assert.ok(stats.evaluatedTokens < perRequest - requests[2]!.context.length - requests[2]!.target.length + 1);

        const again = await evaluator.scoreMany(requests);
        assert.deepEqual(again, results);
        assert.equal(evaluator.stats.cacheHits, requests.length - 1);
    } finally {
        await reference.dispose();
        await laned.dispose();
    }
});
