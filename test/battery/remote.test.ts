/**
 * Remote models that do not answer: an unreachable server and one that accepts connections and
 * never answers. Retries are announced one line each, waits are reported before the timeout, the
 * final error states the bound and carries its hint once.
 */
import assert from "node:assert/strict";
import {createServer, type AddressInfo, type Socket} from "node:net";
import {after} from "node:test";
import {runBattery, type BatteryCase} from "../helpers/battery.js";

/** A port nothing listens on: bound once, then released. */
const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
        const {port} = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
    });
});
const sockets: Socket[] = [];
const silent = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => undefined);
});
await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
});
const dead = `http://127.0.0.1:${closedPort}`;
const quiet = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
const connectionHint = "check that the server is up and the URL in the model spec is right";
const waitingEnv = {GLASSBOX_WAITING_INTERVAL_MS: "300"};

const retryLines = (stderr: string): string[] => stderr.split("\n").filter((line) => /^glassbox: attempt \d+ of \d+ failed/.test(line));
const occurrences = (text: string, fragment: string): number => text.split(fragment).length - 1;

const cases: BatteryCase[] = [
    {
        name: "openai: unreachable server, 3 attempts",
        args: ["generate", "--model", `openai:${dead}/v1?retries=3#m`, "--prompt", "hi"],
        code: 1,
        message: `gave up after 3 attempts on 1 replica in `,
        check: (result) => {
            const lines = retryLines(result.stderr);
            assert.equal(lines.length, 2, result.stderr);
            lines.forEach((line, index) =>
                assert.match(
                    line,
                    new RegExp(`^glassbox: attempt ${index + 1} of 3 failed \\(could not reach ${dead}/v1/chat/completions: connection refused`),
                ),
            );
            assert.match(lines[0] ?? "", /retrying in 500 ms \(at most 30 s of waiting in all\)$/);
            assert.equal(occurrences(result.stderr, connectionHint), 1, result.stderr);
            assert.match(result.stderr, /\(at most 3 attempts and 30 s of waiting between them\)/);
        },
    },
    {
        name: "openai: unreachable server, retry_wait_ms=0",
        args: ["generate", "--model", `openai:${dead}/v1?retry_wait_ms=0#m`, "--prompt", "hi"],
        code: 1,
        message: "gave up after 1 attempt on 1 replica",
        check: (result) => assert.equal(retryLines(result.stderr).length, 0, result.stderr),
    },
    {
        name: "vllm: unreachable server at open",
        args: ["score", "--model", `vllm:${dead}/v1`, "--prompt", "hi", "--target", " there"],
        code: 1,
        message: `could not reach ${dead}/v1/models`,
        check: (result) => assert.equal(occurrences(result.stderr, connectionHint), 1, result.stderr),
    },
    {
        name: "vllm: a server that never answers",
        args: ["score", "--model", `vllm:${quiet}/v1?timeout_ms=1500`, "--prompt", "hi", "--target", " there"],
        env: waitingEnv,
        code: 1,
        message: `GET ${quiet}/v1/models timed out after 1500 ms`,
        check: (result) => {
            const waiting = result.stderr.split("\n").filter((line) => line.startsWith(`glassbox: waiting for ${quiet}/v1/models: `));
            assert.ok(waiting.length >= 1, result.stderr);
            for (const line of waiting) assert.match(line, /: \d+(\.\d)? s of 1\.5 s$/);
            assert.ok(result.stderr.indexOf("waiting for") < result.stderr.indexOf("timed out"), "progress before the timeout");
        },
    },
    {
        name: "openai: a server that never answers, 2 attempts",
        args: ["generate", "--model", `openai:${quiet}/v1?timeout_ms=1000&retries=2#m`, "--prompt", "hi"],
        env: waitingEnv,
        code: 1,
        message: "gave up after 2 attempts on 1 replica",
        check: (result) => {
            const lines = retryLines(result.stderr);
            assert.equal(lines.length, 1, result.stderr);
            assert.match(lines[0] ?? "", /^glassbox: attempt 1 of 2 failed \(POST .*\/v1\/chat\/completions timed out after 1000 ms\); retrying in /);
            assert.ok(result.stderr.includes(`glassbox: waiting for ${quiet}/v1/chat/completions: `), result.stderr);
        },
    },
    {
        name: "a malformed retry_wait_ms",
        args: ["generate", "--model", `openai:${dead}/v1?retry_wait_ms=soon#m`, "--prompt", "hi"],
        code: 2,
        message: "model spec: retry_wait_ms needs an integer ≥ 0",
    },
];

runBattery("remote models", cases);
