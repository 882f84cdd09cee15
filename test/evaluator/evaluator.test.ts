import {test} from "node:test";
import assert from "node:assert/strict";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {transientBackendError} from "../../src/model/transient-errors.js";
import {LruScoreCache} from "../../src/evaluator/score-cache.js";
import {BackendError, CapabilityError, InputError} from "../../src/errors.js";
import type {ScoreRequest, ScoreResult} from "../../src/model/backend-spec.js";

function randomRequests(count: number, seed: number): ScoreRequest[] {
    const random = new SeededRandom(seed);
    const shared = Array.from({length: 12}, () => 7 + random.integer(90));
    return Array.from({length: count}, () => {
        const keep = random.integer(shared.length);
        const context = [1, ...shared.slice(0, keep), ...Array.from({length: 1 + random.integer(4)}, () => 7 + random.integer(90))];
        const target = Array.from({length: 1 + random.integer(4)}, () => 7 + random.integer(90));
        return {context, target};
    });
}

/** From-scratch scores (a fresh lane state for every request), logprobs only. */
async function oneByOne(backend: ScriptedBackend, requests: readonly ScoreRequest[]): Promise<ScoreResult[]> {
    const results: ScoreResult[] = [];
    for (const request of requests) results.push({logprobs: (await backend.score(request, 0)).logprobs});
    return results;
}

test("a batch gives exactly the one-by-one results, in the caller's order", async () => {
    const requests = randomRequests(60, 3);
    const reference = await oneByOne(new ScriptedBackend({seed: 5}), requests);
    const backend = new ScriptedBackend({seed: 5, capabilities: {lanes: 3}, latencyMs: ({call}) => (call * 7) % 3});
    const results = await new Evaluator(backend).scoreMany(requests);
    assert.deepEqual(
        results,
        reference.map(({logprobs}) => ({logprobs})),
    );
    assert.ok(backend.maxConcurrentLanes > 1, "lanes ran concurrently");
});

test("identical requests are scored once and each position gets its own equal result", async () => {
    const base = randomRequests(5, 11);
    const requests = [base[0], base[1], base[0], base[2], base[1], base[0], base[3], base[4]].map((request) => ({
        context: [...request!.context],
        target: [...request!.target],
    }));
    const backend = new ScriptedBackend({capabilities: {lanes: 2}});
    const evaluator = new Evaluator(backend);
    const results = await evaluator.scoreMany(requests);
    assert.equal(evaluator.stats.deduplicated, 3);
    assert.equal(evaluator.stats.backendCalls, 5);
    assert.equal(backend.scoreLog.length, 5);
    assert.deepEqual(results[2], results[0]);
    assert.deepEqual(results[5], results[0]);
    assert.deepEqual(results[4], results[1]);
    assert.notEqual(results[2], results[0], "duplicates do not share one mutable object");
});

test("requests that differ only in where the context ends are not merged", async () => {
    const backend = new ScriptedBackend();
    const evaluator = new Evaluator(backend);
    const results = await evaluator.scoreMany([
        {context: [1, 10], target: [11, 12]},
        {context: [1, 10, 11], target: [12]},
    ]);
    assert.equal(evaluator.stats.deduplicated, 0);
    assert.equal(results[0]!.logprobs.length, 2);
    assert.equal(results[1]!.logprobs[0], results[0]!.logprobs[1]);
});

test("a second call is answered from the cache; another backend id is not", async () => {
    const requests = randomRequests(20, 4);
    const cache = new LruScoreCache();
    const backend = new ScriptedBackend({capabilities: {lanes: 2}});
    const evaluator = new Evaluator(backend, {cache});
    const first = await evaluator.scoreMany(requests);
    const unique = evaluator.stats.backendCalls;
    const second = await evaluator.scoreMany(requests);
    assert.deepEqual(second, first);
    assert.equal(evaluator.stats.backendCalls, unique);
    assert.equal(evaluator.stats.cacheHits, unique);
    assert.equal(evaluator.stats.requested, 40);
    assert.equal(evaluator.stats.requested, evaluator.stats.deduplicated + evaluator.stats.cacheHits + evaluator.stats.backendCalls);

    const other = new Evaluator(new ScriptedBackend({seed: 9}), {cache});
    const otherResults = await other.scoreMany(requests);
    assert.equal(other.stats.cacheHits, 0);
    assert.notDeepEqual(otherResults, first);
});

test("caching can be turned off", async () => {
    const requests = randomRequests(6, 8);
    const evaluator = new Evaluator(new ScriptedBackend(), {cache: false});
    await evaluator.scoreMany(requests);
    const firstCalls = evaluator.stats.backendCalls;
    await evaluator.scoreMany(requests);
    assert.equal(evaluator.stats.cacheHits, 0);
    assert.equal(evaluator.stats.backendCalls, 2 * firstCalls);
});

test("every request reaches exactly one lane, each lane takes a contiguous run of the prefix order", async () => {
    const requests = randomRequests(80, 21);
    const backend = new ScriptedBackend({capabilities: {lanes: 4}, latencyMs: 1});
    const evaluator = new Evaluator(backend);
    await evaluator.scoreMany(requests);
    const seen = new Map<string, number>();
    for (const {request} of backend.scoreLog) {
        const key = JSON.stringify(request);
        seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const distinct = new Set(requests.map((request) => JSON.stringify(request)));
    assert.equal(seen.size, distinct.size);
    assert.ok([...seen.values()].every((count) => count === 1));
    const lanesUsed = new Set(backend.scoreLog.map(({lane}) => lane));
    assert.equal(lanesUsed.size, 4);
    const sequence = (request: ScoreRequest): number[] => [...request.context, ...request.target];
    const compare = (left: number[], right: number[]): number => {
        for (let index = 0; index < Math.min(left.length, right.length); index++) if (left[index] !== right[index]) return left[index]! - right[index]!;
        return left.length - right.length;
    };
    const perLane = [0, 1, 2, 3].map((lane) => backend.scoreLog.filter((entry) => entry.lane === lane).map((entry) => sequence(entry.request)));
    for (const calls of perLane) for (let index = 1; index < calls.length; index++) assert.ok(compare(calls[index - 1]!, calls[index]!) < 0);
    const ranges = perLane.map((calls) => [calls[0]!, calls[calls.length - 1]!] as const).sort((left, right) => compare(left[0], right[0]));
    for (let index = 1; index < ranges.length; index++) assert.ok(compare(ranges[index - 1]![1], ranges[index]![0]) < 0, "runs do not interleave");
});

test("prefix order reaches the known optimum of evaluated and reused tokens", async () => {
    const prefix = [1, 20, 21, 22, 23, 24, 25, 26, 27, 28];
    const suffixes = [
        [40, 41, 42, 43, 44],
        [30, 31, 32, 33, 34],
        [50, 51, 52, 53, 54],
        [35, 36, 37, 38, 39],
    ];
    const groupA = suffixes.map((suffix) => ({context: [...prefix, 60, ...suffix], target: [70, 71]}));
    const groupB = suffixes.map((suffix) => ({context: [...prefix, 61, ...suffix], target: [70, 71]}));
    const requests = [groupA[0]!, groupB[0]!, groupA[1]!, groupB[1]!, groupA[2]!, groupB[2]!, groupA[3]!, groupB[3]!];
    const backend = new ScriptedBackend();
    const evaluator = new Evaluator(backend);
    await evaluator.scoreMany(requests);
    // Each request has 18 tokens, 17 of which are evaluated from scratch. In prefix order: the
    // first costs 17; within a group the next shares prefix + marker (11 tokens): 6 evaluated;
    // the first of the second group shares only the prefix (10 tokens): 7 evaluated.
    assert.equal(evaluator.stats.evaluatedTokens, 17 + 3 * 6 + 7 + 3 * 6);
    assert.equal(evaluator.stats.reusedTokens, 3 * 11 + 10 + 3 * 11);
    assert.equal(backend.laneStats[0]!.evaluatedTokens, evaluator.stats.evaluatedTokens);
});

test("the same context with different targets re-evaluates the last context token", async () => {
    const context = [1, 10, 11, 12, 13];
    const requests = [
        {context, target: [20, 21, 22]},
        {context, target: [20, 21, 23]},
        {context, target: [30]},
    ];
    const evaluator = new Evaluator(new ScriptedBackend());
    await evaluator.scoreMany(requests);
    // From scratch: 7 evaluated. Then reuse is capped at context − 1 = 4 tokens: 3 and 1 evaluated.
    assert.equal(evaluator.stats.evaluatedTokens, 7 + 3 + 1);
    assert.equal(evaluator.stats.reusedTokens, 4 + 4);
});

for (const reportsTokenCounts of [true, false])
    test(`stats match the backend's bookkeeping across calls and lanes (counts ${reportsTokenCounts ? "reported" : "modelled"})`, async () => {
        const backend = new ScriptedBackend({capabilities: {lanes: 2}, latencyMs: ({call}) => call % 2, reportsTokenCounts});
        const evaluator = new Evaluator(backend, {cache: false});
        await evaluator.scoreMany(randomRequests(30, 1));
        await evaluator.scoreMany(randomRequests(30, 2));
        await evaluator.scoreMany(randomRequests(7, 3));
        const evaluated = backend.laneStats.reduce((sum, lane) => sum + lane.evaluatedTokens, 0);
        const reused = backend.laneStats.reduce((sum, lane) => sum + lane.reusedTokens, 0);
        assert.equal(evaluator.stats.evaluatedTokens, evaluated);
        assert.equal(evaluator.stats.reusedTokens, reused);
        assert.equal(evaluator.stats.backendCalls, backend.scoreLog.length);
    });

test("lanes are balanced by evaluated tokens, not by request count", async () => {
    const long = Array.from({length: 3}, (_, index) => ({context: [1, 90 + index, ...new Array(60).fill(30)], target: [31]}));
    const short = Array.from({length: 9}, (_, index) => ({context: [1, 10 + index, 12], target: [31]}));
    const backend = new ScriptedBackend({capabilities: {lanes: 2}});
    await new Evaluator(backend, {callOverheadTokens: 0}).scoreMany([...long, ...short]);
    const [first, second] = backend.laneStats;
    assert.deepEqual([first!.calls + second!.calls, Math.min(first!.calls, second!.calls)], [12, 2]);
    const costs = [first!.evaluatedTokens, second!.evaluatedTokens].sort((left, right) => left - right);
    // Prefix order: 9 short requests (3 + 8 × 2 tokens), then 3 long ones (61 each after the shared
    // BOS). The best contiguous split puts the shorts with one long request (80) against two long (123).
    assert.deepEqual(costs, [3 + 8 * 2 + 61, 62 + 61]);
});

test("transient errors are retried, other errors are not", async () => {
    const request = {context: [1, 10, 11], target: [12, 13]};
    const {logprobs} = await new ScriptedBackend().score(request, 0);
    const expected = {logprobs};
    const flaky = new ScriptedBackend({failure: ({call}) => (call < 2 ? transientBackendError("server busy") : undefined)});
    const evaluator = new Evaluator(flaky, {retry: {initialDelayMs: 1}});
    assert.deepEqual(await evaluator.scoreMany([request]), [expected]);
    assert.equal(evaluator.stats.retries, 2);
    assert.equal(flaky.scoreLog.length, 3);

    const broken = new ScriptedBackend({failure: () => new BackendError("native failure")});
    const strict = new Evaluator(broken, {retry: {initialDelayMs: 1}});
    await assert.rejects(strict.scoreMany([request]), (error: unknown) => error instanceof BackendError && error.message === "native failure");
    assert.equal(strict.stats.retries, 0);
    assert.equal(broken.scoreLog.length, 1);

    const down = new ScriptedBackend({failure: () => transientBackendError("server busy")});
    const patient = new Evaluator(down, {retry: {initialDelayMs: 1, maxRetries: 4}});
    await assert.rejects(patient.scoreMany([request]), /server busy/);
    assert.equal(down.scoreLog.length, 5);
    assert.equal(patient.stats.retries, 4);
});

test("an error on one lane stops the others and leaves the evaluator usable", async () => {
    const requests = randomRequests(40, 6);
    const backend = new ScriptedBackend({capabilities: {lanes: 2}, latencyMs: 1, failure: ({call}) => (call === 5 ? new BackendError("boom") : undefined)});
    const evaluator = new Evaluator(backend);
    await assert.rejects(evaluator.scoreMany(requests), /boom/);
    assert.ok(backend.scoreLog.length < 20);
    const results = await evaluator.scoreMany(requests);
    assert.deepEqual(results, await oneByOne(new ScriptedBackend(), requests));
    assert.ok(evaluator.stats.cacheHits > 0, "results finished before the failure were cached");
});

test("abort rejects with the signal's reason and stops sending requests", async () => {
    const requests = randomRequests(50, 7);
    const before = new AbortController();
    before.abort(new Error("cancelled early"));
    const idle = new ScriptedBackend();
    await assert.rejects(new Evaluator(idle).scoreMany(requests, {signal: before.signal}), /cancelled early/);
    assert.equal(idle.scoreLog.length, 0);

    const controller = new AbortController();
    const backend = new ScriptedBackend({capabilities: {lanes: 2}, latencyMs: 2});
    const evaluator = new Evaluator(backend);
    const pending = evaluator.scoreMany(requests, {
        signal: controller.signal,
        onProgress: (done) => {
            if (done >= 4) controller.abort(new Error("cancelled"));
        },
    });
    await assert.rejects(pending, /cancelled/);
    assert.ok(backend.scoreLog.length < 10);
    assert.equal((await evaluator.scoreMany(requests.slice(0, 3))).length, 3);
});

test("progress counts every request, duplicates and cache hits included", async () => {
    const requests = randomRequests(10, 12);
    const evaluator = new Evaluator(new ScriptedBackend({capabilities: {lanes: 2}}));
    await evaluator.scoreMany(requests.slice(0, 4));
    const seen: number[] = [];
    await evaluator.scoreMany([...requests, requests[0]!], {
        onProgress: (done, total) => {
            assert.equal(total, 11);
            seen.push(done);
        },
    });
    assert.equal(seen[seen.length - 1], 11);
    assert.ok(seen.every((value, index) => index === 0 || value > seen[index - 1]!));
});

test("bad input and missing capabilities fail with typed errors", async () => {
    const evaluator = new Evaluator(new ScriptedBackend());
    await assert.rejects(evaluator.scoreMany([{context: [], target: [10]}]), InputError);
    const generator = new Evaluator(new ScriptedBackend({capabilities: {scoring: false}}));
    await assert.rejects(generator.scoreMany([{context: [1], target: [10]}]), CapabilityError);
    assert.deepEqual(await evaluator.scoreMany([]), []);
});

test("concurrent scoreMany calls never overlap on a lane", async () => {
    const backend = new ScriptedBackend({capabilities: {lanes: 2}, latencyMs: 1});
    const evaluator = new Evaluator(backend);
    const batches = [randomRequests(10, 30), randomRequests(10, 31), randomRequests(10, 32)];
    const results = await Promise.all(batches.map((batch) => evaluator.scoreMany(batch)));
    for (const [index, batch] of batches.entries()) assert.deepEqual(results[index], await oneByOne(new ScriptedBackend(), batch));
});

test("a batch aborted while waiting for an earlier one leaves at once; the earlier one completes", async () => {
    const backend = new ScriptedBackend({latencyMs: 5});
    const evaluator = new Evaluator(backend);
    const first = evaluator.scoreMany(randomRequests(8, 40));
    const controller = new AbortController();
    const second = evaluator.scoreMany(randomRequests(8, 41), {signal: controller.signal});
    controller.abort(new Error("not needed"));
    await assert.rejects(second, /not needed/);
    const callsWhenAborted = backend.scoreLog.length;
    assert.ok(callsWhenAborted < 8, "the second batch gave up before the first finished");
    assert.equal((await first).length, 8);
    const third = await evaluator.scoreMany(randomRequests(3, 42));
    assert.equal(third.length, 3);
    assert.equal(backend.maxConcurrentLanes, 1);
});
