/**
 * Fault injection: a real `glassbox serve` replica killed with SIGKILL mid-run, 429 bursts, slow
 * answers past the timeout, dead replicas. Every run must complete with every item answered
 * exactly once and the right numbers.
 */
import assert from "node:assert/strict";
import {after, describe, test} from "node:test";
import {openLlamaCppModel} from "../../../src/backends/llama-cpp/backend.js";
import {openVllmModel} from "../../../src/backends/vllm/vllm-backend.js";
import {Evaluator} from "../../../src/evaluator/evaluator.js";
import {ReplicatedBackend} from "../../../src/backends/transport/replicas.js";
import {tokenizeWithBos} from "../../../src/protocol/index.js";
import type {Backend, ScoreRequest, ScoreResult} from "../../../src/model/backend-spec.js";
import {startServeProcess} from "../../server/serve-process.js";
import {startFakeServer, type FakeAnswer, type FakeRequest, type FakeServer} from "./fake-server.js";
import {sharedModel} from "../../helpers/models.js";

/** Counts successful score answers per request, to check "exactly once". */
function countingBackend(backend: Backend, counts: Map<string, number>): Backend {
    return new Proxy(backend, {
        get(target, property, receiver) {
            if (property === "score") {
                return async (request: ScoreRequest, lane: number): Promise<ScoreResult> => {
                    const result = await target.score(request, lane);
                    const key = JSON.stringify([request.context, request.target]);
                    counts.set(key, (counts.get(key) ?? 0) + 1);
                    return result;
                };
            }
            return Reflect.get(target, property, receiver) as unknown;
        },
    });
}

/**
 * A fake vLLM whose echo logprobs are a fixed function of (token, position); it takes one prompt
 * or a list (the client batches). `fault` may answer instead; `faultedItems` counts the prompts
 * in answers it replaced.
 */
const fakeLogprob = (token: number, position: number): number => -(((token * 31 + position) % 97) + 1) / 100;
interface FakeVllm extends FakeServer {
    faultedItems: () => number;
    scoredItems: () => number;
}
async function startFakeVllm(fault: (index: number, request: FakeRequest) => FakeAnswer | undefined = () => undefined): Promise<FakeVllm> {
    let scoring = 0;
    let faulted = 0;
    let scored = 0;
    const server = await startFakeServer((request) => {
        if (request.path === "/v1/models") return {body: {data: [{id: "fake", max_model_len: 4096}]}};
        if (request.path === "/tokenize") return {body: {tokens: [1], max_model_len: 4096}};
        const raw = (request.body as {prompt: number[] | number[][]}).prompt;
        const prompts = typeof raw[0] === "number" ? [raw as number[]] : (raw as number[][]);
        scored += prompts.length;
        const faulty = fault(scoring++, request);
        if (faulty !== undefined) {
            faulted += prompts.length;
            return faulty;
        }
        return {
            body: {
                choices: prompts.map((prompt, index) => ({
                    index,
                    text: "",
                    finish_reason: "length",
                    logprobs: {
                        tokens: prompt.map(String),
                        token_logprobs: prompt.map((token, position) => (position === 0 ? null : fakeLogprob(token, position))),
                    },
                })),
            },
        };
    });
    return {...server, faultedItems: () => faulted, scoredItems: () => scored};
}

function fakeRequests(count: number): ScoreRequest[] {
    return Array.from({length: count}, (_, index) => ({context: [1, 10 + (index % 13), 20 + index], target: [30 + (index % 5), 40 + index]}));
}
const expectedFake = (request: ScoreRequest): number[] => request.target.map((token, index) => fakeLogprob(token, request.context.length + index));

function assertEachOnce(counts: Map<string, number>, requests: readonly ScoreRequest[]): void {
    const keys = new Set(requests.map((request) => JSON.stringify([request.context, request.target])));
    assert.equal(counts.size, keys.size, "every item answered");
    for (const [key, count] of counts) assert.equal(count, 1, `item ${key} answered ${count} times`);
}

describe("fault injection", () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
        for (const cleanup of cleanups) await cleanup();
    });

    test("a glassbox serve replica killed (SIGKILL) mid-run: its work moves to the other, each item exactly once, numbers equal in-process", async () => {
        const modelPath = sharedModel("stories260K.gguf");
        const [first, second] = await Promise.all([
            startServeProcess(["--model", modelPath, "--context-size", "256", "--lanes", "2"]),
            startServeProcess(["--model", modelPath, "--context-size", "256", "--lanes", "2"]),
        ]);
        cleanups.push(
            () => first.stop(),
            () => second.stop(),
        );
        const local = await openLlamaCppModel(modelPath, {contextSize: 256});
        cleanups.push(() => local.dispose());
        const requests: ScoreRequest[] = [];
        for (const prompt of [
            "Once upon a time, there was a little girl named Lily. She loved to play",
            "One day, Tom went to the park with his mom and saw a bird",
        ]) {
            const tokens = await tokenizeWithBos(local, prompt);
            for (let split = 8; split < tokens.length - 1 && requests.length < 120; split += 2) {
                for (let drop = 1; drop < split && requests.length < 120; drop += 2) {
                    requests.push({context: [...tokens.slice(0, drop), ...tokens.slice(drop + 1, split)], target: tokens.slice(split)});
                }
            }
        }
        const reference: number[][] = [];
        for (const request of requests) reference.push((await local.score(request, 0)).logprobs);

        const replicas = new ReplicatedBackend(
            [await openVllmModel({baseUrl: `${first.url}/v1`, concurrency: 2}), await openVllmModel({baseUrl: `${second.url}/v1`, concurrency: 2})],
            {retry: {cooldownMs: 100}},
        );
        const counts = new Map<string, number>();
        const evaluator = new Evaluator(countingBackend(replicas, counts), {cache: false});
        let killed: Promise<void> | undefined;
        let progressCalls = 0;
        const results = await evaluator.scoreMany(requests, {
            onProgress: (done) => {
                progressCalls++;
                if (done >= 25 && killed === undefined) killed = first.kill("SIGKILL");
            },
        });
        await killed;
        assert.equal(first.child.signalCode, "SIGKILL");
        results.forEach((result, index) => {
            const expected = reference[index] ?? [];
            assert.equal(result.logprobs.length, expected.length);
            result.logprobs.forEach((value, position) =>
                assert.ok(Math.abs(value - (expected[position] ?? Number.NaN)) <= 1e-5, `item ${index} position ${position}`),
            );
        });
        assertEachOnce(counts, requests);
        assert.equal(progressCalls, requests.length);
        const [dead, alive] = replicas.replicaStats;
        assert.ok((dead?.failures ?? 0) >= 1, "the killed replica failed at least once");
        assert.equal((dead?.completed ?? 0) + (alive?.completed ?? 0), requests.length);
        assert.ok((alive?.completed ?? 0) > requests.length / 2, "the survivor did most of the work");
    });

    test("a 429 burst (every other request refused for a while): every refused item is retried, results complete and exact", async () => {
        const server = await startFakeVllm((index) =>
            index >= 5 && index < 45 && index % 2 === 1
                ? {status: 429, headers: {"retry-after": "0"}, body: {error: {message: "too many requests"}}}
                : undefined,
        );
        cleanups.push(() => server.close());
        const replicas = new ReplicatedBackend([await openVllmModel({baseUrl: `${server.url}/v1`, concurrency: 4, probe: false})], {
            retry: {initialDelayMs: 2, maxDelayMs: 20},
        });
        const counts = new Map<string, number>();
        const requests = fakeRequests(60);
        const results = await new Evaluator(countingBackend(replicas, counts), {cache: false}).scoreMany(requests);
        results.forEach((result, index) => assert.deepEqual(result.logprobs, expectedFake(requests[index] as ScoreRequest)));
        assertEachOnce(counts, requests);
        // Each refused request fails every prompt batched in it; each such item is retried once.
        assert.ok(server.faultedItems() >= 10, `${server.faultedItems()} items refused`);
        assert.equal(replicas.retries, server.faultedItems());
        assert.equal(server.scoredItems(), requests.length + server.faultedItems());
    });

    test("slow answers past the timeout are retried on the other replica; nothing is lost or doubled", async () => {
        const slow = await startFakeVllm((index) => (index < 3 ? {delayMs: 1_500, body: {}} : undefined));
        // (the first three requests to `slow` answer after the 200 ms timeout)
        const fast = await startFakeVllm();
        cleanups.push(
            () => slow.close(),
            () => fast.close(),
        );
        const replicas = new ReplicatedBackend([
            await openVllmModel({baseUrl: `${slow.url}/v1`, concurrency: 2, probe: false, timeoutMs: 200}),
            await openVllmModel({baseUrl: `${fast.url}/v1`, concurrency: 2, probe: false, timeoutMs: 200}),
        ]);
        const counts = new Map<string, number>();
        const requests = fakeRequests(30);
        const results = await new Evaluator(countingBackend(replicas, counts), {cache: false}).scoreMany(requests);
        results.forEach((result, index) => assert.deepEqual(result.logprobs, expectedFake(requests[index] as ScoreRequest)));
        assertEachOnce(counts, requests);
        assert.ok(slow.faultedItems() >= 3);
        assert.equal(replicas.retries, slow.faultedItems());
    });

    test("a replica that is down from the start gets set aside; when every replica is down the error says so", async () => {
        const up = await startFakeVllm();
        const down = await startFakeVllm();
        cleanups.push(() => up.close());
        const downBackend = await openVllmModel({baseUrl: `${down.url}/v1`, concurrency: 2, probe: false});
        await down.close();
        const replicas = new ReplicatedBackend([downBackend, await openVllmModel({baseUrl: `${up.url}/v1`, concurrency: 2, probe: false})], {
            retry: {cooldownMs: 60_000},
        });
        const requests = fakeRequests(20);
        const results = await new Evaluator(replicas, {cache: false}).scoreMany(requests);
        results.forEach((result, index) => assert.deepEqual(result.logprobs, expectedFake(requests[index] as ScoreRequest)));
        const failures = replicas.replicaStats[0]?.failures ?? 0;
        // At most one failed connection per request slot (concurrency 2), then the replica cools down.
        assert.ok(failures >= 1 && failures <= 2, `${failures} failures on the dead replica`);

        const allDown = new ReplicatedBackend([downBackend], {retry: {maxAttempts: 3, cooldownMs: 5, initialDelayMs: 1}});
        await assert.rejects(
            new Evaluator(allDown, {cache: false}).scoreMany(requests.slice(0, 1)),
            (error: Error) =>
                error.name === "BackendError" &&
                error.message.includes("gave up after 3 attempts on 1 replica") &&
                error.message.includes(`could not reach ${down.url}/v1/completions`),
        );
    });

    test("replicas of different models are refused", async () => {
        const one = await startFakeVllm();
        const other = await startFakeServer((request) =>
            request.path === "/v1/models" ? {body: {data: [{id: "another", max_model_len: 4096}]}} : {body: {tokens: [1]}},
        );
        cleanups.push(
            () => one.close(),
            () => other.close(),
        );
        const backends = [await openVllmModel({baseUrl: `${one.url}/v1`, probe: false}), await openVllmModel({baseUrl: `${other.url}/v1`, probe: false})];
        assert.throws(() => new ReplicatedBackend(backends), /the replicas serve different models/);
    });
});
