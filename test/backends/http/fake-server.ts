/** A small in-process HTTP server for client tests: answers from a handler, records requests. */
import {createServer, type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";

export interface FakeRequest {
    method: string;
    path: string;
    headers: IncomingMessage["headers"];
    body: unknown;
}

export interface FakeAnswer {
    status?: number;
    body?: unknown;
    /** Raw text instead of JSON. */
    text?: string;
    headers?: Record<string, string>;
    /** Wait this long before answering. */
    delayMs?: number;
    /** Destroy the socket instead of answering (a connection reset). */
    reset?: boolean;
}

export interface FakeServer {
    url: string;
    requests: FakeRequest[];
    close(): Promise<void>;
}

export async function startFakeServer(handler: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeServer> {
    const requests: FakeRequest[] = [];
    const server = createServer((incoming, response: ServerResponse) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", async () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const request: FakeRequest = {
                method: incoming.method ?? "GET",
                path: (incoming.url ?? "/").split("?")[0] ?? "/",
                headers: incoming.headers,
                body: text === "" ? undefined : JSON.parse(text),
            };
            requests.push(request);
            const answer = await handler(request);
            if (answer.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
            if (answer.reset === true) {
                incoming.socket.destroy();
                return;
            }
            if (response.destroyed) return;
            const payload = answer.text ?? JSON.stringify(answer.body ?? {});
            response.writeHead(answer.status ?? 200, {"content-type": "application/json", ...answer.headers});
            response.end(payload);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const {port} = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
