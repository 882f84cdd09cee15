import {test} from "node:test";
import assert from "node:assert/strict";
import {LruScoreCache, type ScoreCacheKey} from "../../src/evaluator/score-cache.js";
import {flattenRequest} from "../../src/evaluator/token-sequence.js";

function key(context: number[], target: number[], backendId = "b"): ScoreCacheKey {
    return {backendId, hash: flattenRequest({context, target}).hashKey, context, target};
}

test("the LRU cache returns stored results and evicts the least recently used beyond its bound", () => {
    const cache = new LruScoreCache({maxWeight: 3 * (2 + 1 + 1 + 8)});
    cache.store([{key: key([1, 5], [6]), result: {logprobs: [-1]}}]);
    cache.store([{key: key([1, 7], [6]), result: {logprobs: [-2]}}]);
    cache.store([{key: key([1, 8], [6]), result: {logprobs: [-3]}}]);
    assert.deepEqual(cache.lookup([key([1, 5], [6])]), [{logprobs: [-1]}]);
    cache.store([{key: key([1, 9], [6]), result: {logprobs: [-4]}}]);
    assert.equal(cache.size, 3);
    const found = cache.lookup([key([1, 5], [6]), key([1, 7], [6]), key([1, 8], [6]), key([1, 9], [6])]);
    assert.deepEqual(
        found.map((result) => result?.logprobs[0]),
        [-1, undefined, -3, -4],
    );
});

test("a lookup checks the exact tokens and the backend id, not only the hash", () => {
    const cache = new LruScoreCache();
    cache.store([{key: key([1, 5], [6]), result: {logprobs: [-1]}}]);
    const forged: ScoreCacheKey = {...key([1, 5], [6]), target: [7]};
    assert.deepEqual(cache.lookup([forged, key([1, 5], [6], "other")]), [undefined, undefined]);
});

test("hash keys separate context from target", () => {
    assert.notEqual(flattenRequest({context: [1, 2], target: [3]}).hashKey, flattenRequest({context: [1], target: [2, 3]}).hashKey);
    assert.equal(flattenRequest({context: [1, 2], target: [3]}).hashKey, flattenRequest({context: [1, 2], target: [3]}).hashKey);
});
