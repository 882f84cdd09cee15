/**
 * `glassbox serve`: an HTTP server (node:http) over one local model. It speaks the vLLM scoring
 * and generation subset and SGLang's /generate (see vllm-routes.ts, sglang-routes.ts), so the
 * vllm: and sglang: backends — and any vLLM client — can score with a GGUF model over HTTP.
 * Bodies are validated; a body over `maxBodyBytes` (32 MiB) is answered 413, and large bodies are
 * parsed off the event loop (request-body.ts), so /health keeps answering. A bearer token, when
 * set, guards every route but /health; beyond `maxOutstanding` queued requests it answers 429.
 */
import type {IncomingMessage, Server} from "node:http";
import {timingSafeEqual} from "node:crypto";
import {InputError} from "../errors.js";
import type {Backend} from "../model/backend-spec.js";
import {maxPromptBytesPerToken, ModelService} from "./model-service.js";
import {parseJsonBody, readRequestBody, stopBodyParser} from "./request-body.js";
import {listenJson} from "./json-listener.js";
import {errorResult, type RouteResult} from "./route-support.js";
import {sglangDetokenizeRoute, sglangGenerateRoute, sglangTokenizeRoute} from "./sglang-routes.js";
import {chatCompletionsRoute, completionsRoute, detokenizeRoute, modelsRoute, tokenizeRoute} from "./vllm-routes.js";

export interface GlassboxServerOptions {
    backend: Backend;
    /** Name clients use in `model` (default: the backend's name). */
    modelName?: string;
    /** Bearer token required on every route but /health. */
    token?: string | undefined;
    /** Requests queued or running beyond which the server answers 429 (default 1024). */
    maxOutstanding?: number;
    /** Largest request body in bytes (default 32 MiB); a larger one is answered 413. */
    maxBodyBytes?: number;
}

export interface RunningServer {
    server: Server;
    url: string;
    service: ModelService;
    /** Requests answered, by route (for statistics and tests). */
    counts: Map<string, number>;
    close(): Promise<void>;
}

type Handler = (service: ModelService, body: unknown) => RouteResult | Promise<RouteResult>;
type Answer = RouteResult & {dropConnection?: boolean};

const postRoutes: Record<string, Handler> = {
    "/v1/completions": completionsRoute,
    "/v1/chat/completions": chatCompletionsRoute,
    "/tokenize": tokenizeRoute,
    "/detokenize": detokenizeRoute,
    "/generate": sglangGenerateRoute,
    "/v1/tokenize": sglangTokenizeRoute,
    "/v1/detokenize": sglangDetokenizeRoute,
};

export async function startGlassboxServer(options: GlassboxServerOptions, host = "127.0.0.1", port = 0): Promise<RunningServer> {
    const service = new ModelService(options.backend, options.modelName ?? options.backend.name);
    const maxOutstanding = options.maxOutstanding ?? 1024;
    const maxBodyBytes = options.maxBodyBytes ?? 32 << 20;
    const counts = new Map<string, number>();
    const expectedAuthorization = options.token === undefined || options.token === "" ? undefined : Buffer.from(`Bearer ${options.token}`);

    const handle = async (request: IncomingMessage): Promise<Answer> => {
        const path = (request.url ?? "/").split("?")[0] ?? "/";
        if (request.method === "GET" && path === "/health") return {status: 200, body: {status: "ok"}};
        if (expectedAuthorization !== undefined && !authorized(request.headers.authorization, expectedAuthorization)) {
            return {status: 401, body: {object: "error", message: "missing or wrong bearer token", type: "AuthenticationError", code: 401}};
        }
        if (request.method === "GET" && (path === "/v1/models" || path === "/models")) return modelsRoute(service);
        const handler = postRoutes[path];
        if (handler === undefined) {
            return errorResult(new InputError(`no route ${request.method ?? "?"} ${path}`, {fields: {status: 404}}));
        }
        if (request.method !== "POST") return errorResult(new InputError(`${path} takes POST`, {fields: {status: 405}}));
        if (service.outstanding >= maxOutstanding) {
            return {
                status: 429,
                headers: {"retry-after": "1"},
                body: {object: "error", message: `server busy: ${service.outstanding} requests outstanding`, type: "RateLimitError", code: 429},
            };
        }
        const read = await readRequestBody(request, maxBodyBytes);
        if (read.kind === "too-large") {
            return {
                status: 413,
                headers: {connection: "close"},
                dropConnection: !read.complete,
                body: {
                    object: "error",
                    message: `request body of ${read.complete ? "" : "more than "}${read.bytes} bytes is larger than this server's limit of ${maxBodyBytes} bytes`,
                    type: "PayloadTooLargeError",
                    code: 413,
                },
            };
        }
        const body = await parseJsonBody(read.buffer, service.backend.capabilities.contextSize * maxPromptBytesPerToken);
        counts.set(path, (counts.get(path) ?? 0) + 1);
        return handler(service, body);
    };

    const {server, url} = await listenJson(handle, host, port);
    return {
        server,
        service,
        counts,
        url,
        close: async () => {
            await new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            });
            await stopBodyParser();
        },
    };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
    if (header === undefined) return false;
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
}
