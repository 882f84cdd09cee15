/**
 * The HTTP listener both JSON servers share (`glassbox serve`, `glassbox reward serve`): every
 * request goes to one async handler whose result, or error, is written as a JSON answer.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {errorResult, type RouteResult} from "./route-support.js";

/** A route's answer; `dropConnection` closes the socket once it is written (a body cut short). */
export type JsonAnswer = RouteResult & {dropConnection?: boolean};

export interface JsonListener {
    server: Server;
    url: string;
}

export interface JsonListenerOptions {
    /** Node's per-request timeout in ms (0: none, for long scoring batches); Node's default when absent. */
    requestTimeout?: number;
}

export async function listenJson(
    handle: (request: IncomingMessage) => Promise<JsonAnswer>,
    host: string,
    port: number,
    options: JsonListenerOptions = {},
): Promise<JsonListener> {
    const server = createServer((request, response) => {
        handle(request).then(
            (result) => sendJson(response, result),
            (error: unknown) => sendJson(response, errorResult(error)),
        );
    });
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return {server, url: `http://${shownHost}:${address.port}`};
}

export function sendJson(response: ServerResponse, result: JsonAnswer): void {
    if (response.headersSent || response.destroyed) return;
    const payload = JSON.stringify(result.body);
    response.writeHead(result.status, {"content-type": "application/json", "content-length": Buffer.byteLength(payload), ...result.headers});
    response.end(payload, () => {
        if (result.dropConnection === true) response.socket?.destroy();
    });
}
