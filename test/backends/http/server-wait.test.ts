/**
 * The server-wait clock the remote benchmark reads as "time not spent waiting on the server":
 * overlapping requests count once, idle time never counts, and every request the HTTP client
 * sends (answered, refused or blocking) is outstanding exactly between its send and its answer.
 */
import assert from "node:assert/strict";
import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {setTimeout as sleep} from "node:timers/promises";
import {after, before, describe, test} from "node:test";
import {Worker} from "node:worker_threads";
import {z} from "zod";
import {postJson} from "../../../src/backends/http/http-client.js";
import {outstandingRequests, requestEnded, requestStarted, serverWaitMs} from "../../../src/backends/http/server-wait.js";

describe("server-wait clock", () => {
    test("two overlapping requests count their union once; idle time adds nothing", async () => {
        assert.equal(outstandingRequests(), 0);
        const before = serverWaitMs();
        requestStarted();
        await sleep(30);
        requestStarted();
        requestEnded();
        assert.equal(outstandingRequests(), 1);
        await sleep(30);
        requestEnded();
        const waited = serverWaitMs() - before;
        assert.ok(waited >= 59, `the union of both requests (≥ 60 ms by the timers) was counted: ${waited} ms`);
        assert.ok(waited < 60 + 1_000, `counted once, not twice: ${waited} ms`);
        const idle = serverWaitMs();
        await sleep(20);
        assert.equal(serverWaitMs(), idle, "no request outstanding, so the clock stands still");
    });

    test("an unmatched end is ignored: the count never goes below zero", () => {
        const before = serverWaitMs();
        requestEnded();
        assert.equal(outstandingRequests(), 0);
        assert.equal(serverWaitMs(), before);
    });
});

/** Answers {"ok":true} 40 ms after each request; in a worker thread, so a blocking request can reach it. */
const delayedServerSource = `
const {parentPort} = require("node:worker_threads");
const server = require("node:http").createServer((request, response) => {
    request.resume();
    request.on("end", () => setTimeout(() => {
        response.writeHead(200, {"content-type": "application/json"});
        response.end('{"ok":true}');
    }, 40));
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

describe("the HTTP client keeps the clock", () => {
    let worker: Worker;
    let url = "";
    let seenOutstanding = -1;
    before(async () => {
        worker = new Worker(delayedServerSource, {eval: true});
        const port = await new Promise<number>((resolve) => worker.once("message", resolve));
        url = `http://127.0.0.1:${port}`;
    });
    after(() => worker.terminate());

    test("an answered request is outstanding from send to answer, then the count is back to zero", async () => {
        const before = serverWaitMs();
        const pending = postJson({baseUrl: url}, `${url}/x`, {}, z.object({ok: z.boolean()}));
        seenOutstanding = outstandingRequests();
        assert.deepEqual(await pending, {ok: true});
        assert.equal(seenOutstanding, 1);
        assert.equal(outstandingRequests(), 0);
        assert.ok(serverWaitMs() - before >= 39, "the server's 40 ms delay was counted as waiting");
    });

    test("a refused connection ends its request too", async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        await assert.rejects(postJson({baseUrl: `http://127.0.0.1:${port}`}, `http://127.0.0.1:${port}/x`, {}, z.object({})), /could not reach/);
        assert.equal(outstandingRequests(), 0);
    });
});
