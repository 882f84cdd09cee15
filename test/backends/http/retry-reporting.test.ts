/**
 * What the remote transport says while it retries and waits: one retry event per retry (attempt
 * k of n, the wait, the reason), the bound on waiting kept, one final error that states the bound
 * and carries one hint; requests a server never answers reported before their timeout.
 */
import assert from "node:assert/strict";
import {createServer, type Server, type Socket} from "node:net";
import type {AddressInfo} from "node:net";
import {after, describe, test} from "node:test";
import {postJson} from "../../../src/backends/http/http-client.js";
import {RequestWatch, type WaitingEvent} from "../../../src/backends/http/request-watch.js";
import {ReplicatedBackend} from "../../../src/backends/transport/replicas.js";
import type {RetryEvent} from "../../../src/backends/transport/retry-report.js";
import {ScriptedBackend} from "../../../src/backends/scripted/index.js";
import {transientBackendError} from "../../../src/model/transient-errors.js";
import type {Backend} from "../../../src/model/backend-spec.js";
import {retryLine, waitingLine} from "../../../src/cli/commands/model-support.js";

const hint = "check that the server is up and the URL in the model spec is right";

/** A backend whose every call fails as an unreachable server does. */
function unreachable(): {backend: Backend; calls: () => number} {
    const base = new ScriptedBackend();
    let calls = 0;
    const fail = (): Promise<never> => {
        calls++;
        return Promise.reject(
            transientBackendError("could not reach http://127.0.0.1:9/v1/completions", {
                expected: "a running server at that address",
                received: "connection refused (nothing listens on that port)",
                hint,
                parameter: "model",
                fields: {kind: "connection"},
            }),
        );
    };
    const backend: Backend = {
        specificationVersion: base.specificationVersion,
        id: base.id,
        name: "dead server",
        capabilities: base.capabilities,
        vocabulary: base.vocabulary,
        tokenize: fail,
        detokenize: fail,
        tokenTexts: fail,
        renderChat: fail,
        score: fail,
        generate: fail,
        dispose: async () => undefined,
    };
    return {backend, calls: () => calls};
}

describe("retry reporting", () => {
    test("every retry is announced once, with attempt k of n, its wait and the reason; the final error states the bound and one hint", async () => {
        const {backend, calls} = unreachable();
        const events: RetryEvent[] = [];
        const replicas = new ReplicatedBackend([backend], {
            retry: {maxAttempts: 4, cooldownMs: 1, initialDelayMs: 1, maxDelayMs: 2},
            random: () => 0.5,
            onRetry: (event) => events.push(event),
        });
        const failure = await replicas.score({context: [1], target: [2]}, 0).then(
            () => undefined,
            (error: unknown) => error,
        );
        assert.ok(failure instanceof Error);
        assert.equal(calls(), 4);
        assert.deepEqual(
            events.map((event) => [event.attempt, event.maxAttempts, event.server, event.maxWaitMs]),
            [1, 2, 3].map((attempt) => [attempt, 4, "dead server", 30_000]),
        );
        for (const event of events) {
            assert.equal(event.reason, "could not reach http://127.0.0.1:9/v1/completions: connection refused (nothing listens on that port)");
            assert.ok(event.delayMs >= 0 && event.delayMs <= 30_000);
        }
        assert.match(failure.message, /^gave up after 4 attempts on 1 replica in .* \(at most 4 attempts and 30 s of waiting between them\): could not reach/);
        assert.equal(failure.message.split(hint).length - 1, 1, `the hint once: ${failure.message}`);
        assert.match(
            retryLine(events[0] as RetryEvent),
            /^glassbox: attempt 1 of 4 failed \(could not reach .*connection refused .*\); retrying in \d+ ms \(at most 30 s of waiting in all\)$/,
        );
    });

    test("the waits between attempts never add up to more than the bound; text-side calls are retried the same way", async () => {
        const {backend, calls} = unreachable();
        const events: RetryEvent[] = [];
        // Cool-downs of 4, 8, 16 … ms against a bound of 5 ms: the second wait is cut short, then the request fails.
        const replicas = new ReplicatedBackend([backend], {
            retry: {maxAttempts: 10, cooldownMs: 4, initialDelayMs: 1, maxWaitMs: 5},
            onRetry: (event) => events.push(event),
        });
        await assert.rejects(replicas.tokenize(["hello"]), /gave up after 3 attempts on 1 replica .*at most 10 attempts and 5 ms of waiting between them/);
        assert.equal(calls(), 3);
        assert.deepEqual(
            events.map((event) => event.attempt),
            [1, 2],
        );
        assert.ok(events.reduce((sum, event) => sum + event.delayMs, 0) <= 5);
    });

    test("a request the server never answers is reported while it waits, then times out", async () => {
        const sockets: Socket[] = [];
        const silent: Server = createServer((socket) => {
            sockets.push(socket);
            socket.on("data", () => undefined);
        });
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        after(async () => {
            for (const socket of sockets) socket.destroy();
            await new Promise<void>((resolve) => silent.close(() => resolve()));
        });
        const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/completions`;
        const events: WaitingEvent[] = [];
        const watch = new RequestWatch((event) => events.push(event), 40);
        await assert.rejects(
            postJson({baseUrl: url, watch}, url, {prompt: [1]}, (value) => value, {timeoutMs: 600}),
            /POST http:\/\/127\.0\.0\.1:\d+\/v1\/completions timed out after 600 ms/,
        );
        assert.ok(events.length >= 1, "at least one waiting report before the timeout");
        for (const event of events) {
            assert.equal(event.url, url);
            assert.equal(event.timeoutMs, 600);
            assert.equal(event.outstanding, 1);
            assert.ok(event.waitedMs >= 40 && event.waitedMs < 600);
        }
        assert.equal(waitingLine({url, waitedMs: 20_400, timeoutMs: 120_000, outstanding: 1}), `glassbox: waiting for ${url}: 20 s of 120 s`);
        assert.equal(
            waitingLine({url, waitedMs: 1_500, timeoutMs: 2_500, outstanding: 3}),
            `glassbox: waiting for ${url}: 1.5 s of 2.5 s (3 requests unanswered)`,
        );
    });
});
