/**
 * The blocking client (tokenize, detokenize, chat rendering): answers, status errors, timeouts
 * and a reused connection the server dropped, against a server in a worker thread (the calling
 * thread blocks, so the server cannot share its event loop).
 */
import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import {Worker} from "node:worker_threads";
import {z} from "zod";
import {postJsonSync} from "../../../src/backends/http/sync-http.js";
import {checkTokensAnswer} from "../../../src/backends/http/response-checks.js";
import type {BackendError} from "../../../src/errors.js";
import {isTransientError} from "../../../src/evaluator/retry.js";

const serverSource = `
const {parentPort} = require("node:worker_threads");
const net = require("node:net");
const server = net.createServer((socket) => {
    const seen = new Map();
    let buffer = "";
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
        buffer += chunk.toString("latin1");
        for (;;) {
            const end = buffer.indexOf("\\r\\n\\r\\n");
            if (end < 0) return;
            const length = Number(/content-length: (\\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
            if (buffer.length < end + 4 + length) return;
            const path = buffer.slice(0, end).split(" ")[1];
            buffer = buffer.slice(end + 4 + length);
            const index = seen.get(path) ?? 0;
            seen.set(path, index + 1);
            const reply = (status, body) => socket.write("HTTP/1.1 " + status + " X\\r\\ncontent-type: application/json\\r\\ncontent-length: " + Buffer.byteLength(body) + "\\r\\n\\r\\n" + body);
            if (path === "/slow") continue;
            if (path === "/busy") reply(503, JSON.stringify({detail: "warming up"}));
            else if (path === "/drop-second" && index >= 1) socket.destroy(); // the second on one connection

            else reply(200, JSON.stringify({tokens: [1, 2, index]}));
        }
    });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

describe("blocking HTTP client", () => {
    let worker: Worker;
    let base = "";
    before(async () => {
        worker = new Worker(serverSource, {eval: true});
        base = `http://127.0.0.1:${await new Promise<number>((resolve) => worker.once("message", resolve))}`;
    });
    after(() => worker.terminate());

    test("an answer is validated; a status error is classified as by the non-blocking client", () => {
        assert.deepEqual(postJsonSync({baseUrl: base}, `${base}/tokenize`, {prompt: "x"}, checkTokensAnswer).tokens.slice(0, 2), [1, 2]);
        assert.throws(() => postJsonSync({baseUrl: base}, `${base}/tokenize`, {prompt: "x"}, z.object({tokens: z.array(z.string())})),
            (error: BackendError) => !isTransientError(error) && error.message.includes("field tokens[0]"));
        assert.throws(() => postJsonSync({baseUrl: base}, `${base}/busy`, {}, checkTokensAnswer),
            (error: BackendError) => isTransientError(error) && error.message.includes("answered 503: \"warming up\""));
    });

    test("a request past its timeout is a transient timeout", () => {
        assert.throws(() => postJsonSync({baseUrl: base, timeoutMs: 100}, `${base}/slow`, {}, checkTokensAnswer),
            (error: BackendError) => isTransientError(error) && error.fields["kind"] === "timeout" && error.message.includes("timed out after 100 ms"));
    });

    test("a kept-alive connection the server drops is retried once on a fresh one", () => {
        const first = postJsonSync({baseUrl: base}, `${base}/drop-second`, {}, checkTokensAnswer);
        const second = postJsonSync({baseUrl: base}, `${base}/drop-second`, {}, checkTokensAnswer);
        assert.equal(first.tokens[2], 0);
        assert.equal(second.tokens[2], 0, "answered as the first such request on a new connection");
    });
});
