/**
 * The lean HTTP/1.1 client: response framing (Content-Length, chunked, read-to-close, interim
 * 1xx answers, split anywhere), keep-alive reuse, the retry of a reused connection the server
 * dropped, timeouts and aborts, against raw TCP servers that answer byte for byte as told.
 */
import assert from "node:assert/strict";
import {createServer, type AddressInfo, type Server, type Socket} from "node:net";
import {after, describe, test} from "node:test";
import {z} from "zod";
import {postJson} from "../../../src/backends/http/http-client.js";
import {ExchangeTimeout, http1Exchange, ResponseParser, type RawAnswer} from "../../../src/backends/http/http1-pool.js";
import {isTransientError} from "../../../src/model/transient-errors.js";

/** Feeds `parts` to a fresh parser; the answer (or undefined) and whether the connection is reusable. */
function parse(parts: readonly (string | Buffer)[], method = "POST"): {answer: RawAnswer | undefined; reusable: boolean; parser: ResponseParser} {
    const parser = new ResponseParser(method);
    let answer: RawAnswer | undefined;
    for (const part of parts) {
        if (part.length === 0) continue;
        assert.equal(answer, undefined, "no bytes after the answer");
        answer = parser.push(typeof part === "string" ? Buffer.from(part, "utf8") : part);
    }
    return {answer, reusable: parser.reusable, parser};
}

function bytewise(text: string): Buffer[] {
    const bytes = Buffer.from(text, "utf8");
    return Array.from({length: bytes.length}, (_, index) => bytes.subarray(index, index + 1));
}

describe("HTTP/1.1 response parser", () => {
    const body = '{"text":"café — ✓"}';
    const sized = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 3\r\n\r\n${body}`;

    test("Content-Length: fed whole or one byte at a time (multi-byte characters split), the same text; keep-alive by default", () => {
        for (const parts of [[sized], bytewise(sized)]) {
            const {answer, reusable} = parse(parts);
            assert.deepEqual(answer, {status: 200, retryAfter: "3", text: body});
            assert.equal(reusable, true);
        }
    });

    test("chunked with an extension and trailers, split at every byte position, gives the same text", () => {
        const chunked =
            "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n" +
            `5;name=value\r\n{"tex\r\n${(Buffer.byteLength(body) - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\nX-Trailer: 1\r\n\r\n`;
        const bytes = Buffer.from(chunked, "utf8");
        for (let split = 0; split <= bytes.length; split++) {
            const {answer, reusable} = parse([bytes.subarray(0, split), bytes.subarray(split)]);
            assert.deepEqual(answer, {status: 503, retryAfter: null, text: body}, `split at ${split}`);
            assert.equal(reusable, true);
        }
    });

    test("an interim 100 Continue is skipped; 204 has no body; Connection: close and HTTP/1.0 are not reused", () => {
        assert.deepEqual(parse([`HTTP/1.1 100 Continue\r\n\r\n${sized}`]).answer?.status, 200);
        assert.deepEqual(parse(["HTTP/1.1 204 No Content\r\n\r\n"]).answer, {status: 204, retryAfter: null, text: ""});
        assert.equal(parse([sized.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")]).reusable, false);
        assert.equal(parse([sized.replace("HTTP/1.1", "HTTP/1.0")]).reusable, false);
        assert.equal(parse([sized.replace("HTTP/1.1", "HTTP/1.0").replace("\r\n\r\n", "\r\nConnection: Keep-Alive\r\n\r\n")]).reusable, true);
    });

    test("without a length the body runs to the close; the connection is not reused", () => {
        const {answer, reusable, parser} = parse(['HTTP/1.1 200 OK\r\n\r\n{"a":', "1}"]);
        assert.equal(answer, undefined);
        assert.equal(reusable, false);
        assert.deepEqual(parser.closed(), {status: 200, retryAfter: null, text: '{"a":1}'});
        assert.equal(parse([sized.slice(0, -3)]).parser.closed(), undefined, "a sized body cut short is not an answer");
    });

    test("what is not HTTP/1.x framing is refused with HPE_INVALID", () => {
        for (const text of [
            "SSH-2.0-OpenSSH\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        ]) {
            assert.throws(
                () => parse([text]),
                (error: Error & {code?: string}) => error.code === "HPE_INVALID",
                JSON.stringify(text),
            );
        }
    });
});

interface RawServer {
    url: string;
    connections: () => number;
    close(): Promise<void>;
}

/** A TCP server that hands every complete request (head + Content-Length body) to `answer`. */
async function startRawServer(
    answer: (socket: Socket, request: {path: string; body: string; index: number; onConnection: number}) => void,
): Promise<RawServer> {
    let connections = 0;
    let requests = 0;
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
        let buffer = "";
        let onConnection = 0;
        socket.on("data", (chunk: Buffer) => {
            buffer += chunk.toString("latin1");
            for (;;) {
                const end = buffer.indexOf("\r\n\r\n");
                if (end < 0) return;
                const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
                if (buffer.length < end + 4 + length) return;
                const path = buffer.slice(0, end).split(" ")[1] ?? "/";
                const body = Buffer.from(buffer.slice(end + 4, end + 4 + length), "latin1").toString("utf8");
                buffer = buffer.slice(end + 4 + length);
                answer(socket, {path, body, index: requests++, onConnection: onConnection++});
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const {port} = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        connections: () => connections,
        close: () =>
            new Promise<void>((resolve) => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            }),
    };
}

const echoSchema = z.object({echo: z.string()});
const json = (socket: Socket, value: unknown, extra = ""): void => {
    const text = JSON.stringify(value);
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extra}\r\n${text}`);
};

describe("keep-alive connections", () => {
    const servers: RawServer[] = [];
    after(async () => {
        for (const server of servers) await server.close();
    });

    test("sequential requests share one connection; requests in flight together get one each, reused afterwards", async () => {
        const server = await startRawServer((socket, request) => json(socket, {echo: request.body}));
        servers.push(server);
        for (let index = 0; index < 5; index++) {
            assert.deepEqual(await postJson({baseUrl: server.url}, `${server.url}/x`, {n: index, text: "né"}, echoSchema), {
                echo: JSON.stringify({n: index, text: "né"}),
            });
        }
        assert.equal(server.connections(), 1);
        await Promise.all([1, 2, 3].map((n) => postJson({baseUrl: server.url}, `${server.url}/x`, {n}, echoSchema)));
        assert.equal(server.connections(), 3);
        await Promise.all([1, 2, 3].map((n) => postJson({baseUrl: server.url}, `${server.url}/x`, {n}, echoSchema)));
        assert.equal(server.connections(), 3);
    });

    test("a reused connection the server drops without answering is retried once on a fresh one", async () => {
        const server = await startRawServer((socket, request) => {
            if (request.onConnection === 1)
                socket.destroy(); // the second request on any connection: dropped
            else json(socket, {echo: request.path});
        });
        servers.push(server);
        assert.deepEqual(await postJson({baseUrl: server.url}, `${server.url}/first`, {}, echoSchema), {echo: "/first"});
        assert.deepEqual(await postJson({baseUrl: server.url}, `${server.url}/second`, {}, echoSchema), {echo: "/second"});
        assert.equal(server.connections(), 2);
    });

    test("chunked and read-to-close answers arrive whole; Connection: close is honoured", async () => {
        const server = await startRawServer((socket, request) => {
            if (request.path === "/chunked") {
                socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"ec\r\n');
                setTimeout(() => socket.write('d\r\nho":"chunks"}\r\n0\r\n\r\n'), 5);
            } else if (request.path === "/to-close") {
                socket.end('HTTP/1.1 200 OK\r\n\r\n{"echo":"to the close"}');
            } else json(socket, {echo: "closing"}, "Connection: close\r\n");
        });
        servers.push(server);
        const endpoint = {baseUrl: server.url};
        assert.deepEqual(await postJson(endpoint, `${server.url}/chunked`, {}, echoSchema), {echo: "chunks"});
        assert.deepEqual(await postJson(endpoint, `${server.url}/to-close`, {}, echoSchema), {echo: "to the close"});
        assert.deepEqual(await postJson(endpoint, `${server.url}/close`, {}, echoSchema), {echo: "closing"});
        assert.deepEqual(await postJson(endpoint, `${server.url}/chunked`, {}, echoSchema), {echo: "chunks"});
        assert.equal(server.connections(), 3, "the chunked connection is reused once; the others are closed after their answer");
    });

    test("a request past its timeout rejects with ExchangeTimeout and closes its connection; an abort rejects with the signal's reason", async () => {
        let closed = 0;
        const server = await startRawServer((socket) => socket.on("close", () => closed++)); // never answers
        servers.push(server);
        const url = new URL(`${server.url}/slow`);
        await assert.rejects(
            http1Exchange({method: "POST", url, headers: {}, body: "{}", timeoutMs: 50}),
            (error: unknown) => error instanceof ExchangeTimeout,
        );
        const controller = new AbortController();
        const pending = http1Exchange({method: "POST", url, headers: {}, body: "{}", timeoutMs: 10_000, signal: controller.signal});
        setTimeout(() => controller.abort(new Error("stop now")), 20);
        await assert.rejects(pending, /stop now/);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(closed, 2);
        await assert.rejects(
            postJson({baseUrl: server.url, timeoutMs: 50}, `${server.url}/slow`, {}, echoSchema),
            (error: Error) => isTransientError(error) && error.message.includes("timed out after 50 ms"),
        );
    });

    test("a malformed answer is a transient connection error that says so", async () => {
        const server = await startRawServer((socket) => socket.write("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        servers.push(server);
        await assert.rejects(
            postJson({baseUrl: server.url}, `${server.url}/x`, {}, echoSchema),
            (error: Error & {fields: Record<string, unknown>}) =>
                isTransientError(error) && error.fields["code"] === "HPE_INVALID" && error.message.includes("not valid HTTP/1.1"),
        );
    });
});
