/**
 * Serve a {@link ViewerHandler} over node:http on 127.0.0.1 by default. A port in use fails
 * with one line suggesting another port.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {ArgumentError} from "../errors.js";
import type {ViewerHandler} from "./viewer-api.js";

export interface RunningViewer {
    url: string;
    port: number;
    close(): Promise<void>;
}

export async function listenViewer(handler: ViewerHandler, options: {host: string; port: number}): Promise<RunningViewer> {
    const server = createServer((request, response) => {
        void forward(handler, request, response, options.host);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", (error: NodeJS.ErrnoException) => reject(translateListenError(error, options)));
        server.listen(options.port, options.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
    return {url: `http://${shownHost}:${port}/`, port, close: () => closeServer(server)};
}

async function forward(handler: ViewerHandler, request: IncomingMessage, response: ServerResponse, host: string): Promise<void> {
    try {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of request) {
            size += (chunk as Buffer).length;
            if (size > 2_000_000) break;
            chunks.push(chunk as Buffer);
        }
        const method = request.method ?? "GET";
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) {
            if (typeof value === "string") headers.set(name, value);
            else if (Array.isArray(value)) headers.set(name, value.join(", "));
        }
        const body = method === "GET" || method === "HEAD" ? null : Buffer.concat(chunks);
        const url = new URL(request.url ?? "/", `http://${host.includes(":") ? `[${host}]` : host}`);
        const answer = await handler(new Request(url, {method, headers, body}));
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
        if (!response.headersSent) response.writeHead(500, {"content-type": "application/json; charset=utf-8"});
        response.end(JSON.stringify({error: {code: "internal", message: error instanceof Error ? error.message : String(error)}}));
    }
}

function translateListenError(error: NodeJS.ErrnoException, options: {host: string; port: number}): Error {
    if (error.code === "EADDRINUSE") {
        return new ArgumentError(`port ${options.port} on ${options.host} is in use`, {
            hint: `try port ${options.port + 1}, or port 0 to let the system pick a free one`,
            parameter: "port",
        });
    }
    if (error.code === "EACCES") {
        return new ArgumentError(`port ${options.port} needs more privileges`, {hint: "use a port above 1023, e.g. 8770", parameter: "port"});
    }
    if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        return new ArgumentError(`cannot listen on host ${options.host}`, {hint: "use host 127.0.0.1", parameter: "host"});
    }
    return error;
}

function closeServer(server: Server): Promise<void> {
    return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
    });
}
