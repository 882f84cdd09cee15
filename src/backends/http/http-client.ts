/**
 * The HTTP client every remote backend uses: JSON over keep-alive connection pools (plain http:
 * through the lean HTTP/1.1 client in http1-pool.ts, https: through node:https), a per-request
 * timeout, an optional bearer key, failure classification and response validation. (An
 * explanation sends many small requests; the client's work per request is what the remote
 * benchmark's "client CPU" column measures.)
 *
 * Classification: a refused or reset connection, a timeout, 429 and 5xx (except 501) are
 * transient (`fields.transient`, see model/transient-errors.ts) and carry `fields.retryAfterMs` when
 * the server sent Retry-After; every other failure is final. A response whose JSON does not have
 * the documented shape is a final BackendError naming the field path (`choices[0].logprobs`).
 */
import type {IncomingMessage} from "node:http";
import {Agent as HttpsAgent, request as httpsRequest} from "node:https";
import type {z} from "zod";
import {BackendError} from "../../errors.js";
import {transientBackendError} from "../../model/transient-errors.js";
import {ExchangeTimeout, http1Exchange, type ExchangeRequest, type RawAnswer} from "./http1-pool.js";
import {ShapeIssue, type ResponseCheck} from "./response-checks.js";
import type {RequestWatch} from "./request-watch.js";
import {requestEnded, requestStarted} from "./server-wait.js";

export interface HttpEndpoint {
    /** Base URL without a trailing slash, e.g. http://127.0.0.1:8000/v1 or http://host:30000. */
    baseUrl: string;
    /** Bearer key (read from the environment by resolve-model.ts; never logged). */
    apiKey?: string | undefined;
    /** Per-request timeout in ms (default 120 000). */
    timeoutMs?: number;
    /** Reports requests the server has not answered yet, every few seconds of their wait (request-watch.ts). */
    watch?: RequestWatch | undefined;
}

export interface RequestOptions {
    signal?: AbortSignal | undefined;
    timeoutMs?: number | undefined;
}

export const defaultRequestTimeoutMs = 120_000;

/**
 * What a response body must look like: a zod schema, or a hand-written check (response-checks.ts)
 * for large hot bodies; either way a mismatch is the BackendError that names the field.
 */
export type ResponseShape<T> = z.ZodType<T> | ResponseCheck<T>;

/** Requests glassbox sends are idempotent (scoring, seeded generation, tokenization), so a reset may be retried. */
const staleConnectionCodes = new Set(["UND_ERR_SOCKET", "ECONNRESET", "UND_ERR_CLOSED", "EPIPE"]);

/** Keep-alive pool for https: URLs (plain http: goes through http1-pool.ts); idle sockets do not keep the process alive. */
const httpsAgent = new HttpsAgent({keepAlive: true});

/** Parsed URLs by text: a backend posts to the same few URLs thousands of times. */
const parsedUrls = new Map<string, URL>();

function parseUrl(url: string): URL {
    let parsed = parsedUrls.get(url);
    if (parsed === undefined) {
        if (parsedUrls.size >= 256) parsedUrls.clear();
        parsed = new URL(url);
        parsedUrls.set(url, parsed);
    }
    return parsed;
}

/** One HTTP exchange: the status, Retry-After and body text, or the network error (ExchangeTimeout after the timeout). */
function exchange(request: ExchangeRequest): Promise<RawAnswer> {
    return request.url.protocol === "https:" ? httpsExchange(request) : http1Exchange(request);
}

function httpsExchange(request: ExchangeRequest): Promise<RawAnswer> {
    const {body, timeoutMs, signal} = request;
    return new Promise<RawAnswer>((resolve, reject) => {
        let timedOut = false;
        const outgoing = httpsRequest(
            request.url,
            {
                method: request.method,
                agent: httpsAgent,
                ...(signal === undefined ? {} : {signal}),
                headers: body === undefined ? request.headers : {...request.headers, "content-length": String(Buffer.byteLength(body))},
            },
            (response: IncomingMessage) => {
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("error", fail);
                response.on("end", () => {
                    clearTimeout(timer);
                    const retryAfter = response.headers["retry-after"];
                    resolve({
                        status: response.statusCode ?? 0,
                        retryAfter: typeof retryAfter === "string" ? retryAfter : null,
                        text: Buffer.concat(chunks).toString("utf8"),
                    });
                });
            },
        );
        const timer = setTimeout(() => {
            timedOut = true;
            outgoing.destroy(new ExchangeTimeout(timeoutMs));
        }, timeoutMs);
        timer.unref();
        function fail(error: unknown): void {
            clearTimeout(timer);
            reject(timedOut ? new ExchangeTimeout(timeoutMs) : error);
        }
        outgoing.on("error", fail);
        outgoing.end(body);
    });
}

/** Joins a base URL and a path, keeping the base's own path (http://h/v1 + /completions). */
export function joinUrl(baseUrl: string, path: string): string {
    return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** The server root of a base URL: http://h:8000/v1 → http://h:8000 (vLLM serves /tokenize there). */
export function serverRoot(baseUrl: string): string {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}`;
}

export async function postJson<T>(endpoint: HttpEndpoint, url: string, body: unknown, shape: ResponseShape<T>, options: RequestOptions = {}): Promise<T> {
    return requestJson(endpoint, "POST", url, body, shape, options);
}

export async function getJson<T>(endpoint: HttpEndpoint, url: string, shape: ResponseShape<T>, options: RequestOptions = {}): Promise<T> {
    return requestJson(endpoint, "GET", url, undefined, shape, options);
}

async function requestJson<T>(
    endpoint: HttpEndpoint,
    method: "GET" | "POST",
    url: string,
    body: unknown,
    shape: ResponseShape<T>,
    options: RequestOptions,
): Promise<T> {
    const timeoutMs = options.timeoutMs ?? endpoint.timeoutMs ?? defaultRequestTimeoutMs;
    const headers: Record<string, string> = {accept: "application/json"};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (endpoint.apiKey !== undefined && endpoint.apiKey !== "") {
        if (/[\r\n]/.test(endpoint.apiKey)) throw new BackendError("the API key contains a line break", {hint: "set the key variable to the key alone"});
        headers.authorization = `Bearer ${endpoint.apiKey}`;
    }
    const deadline = Date.now() + timeoutMs;
    const request: ExchangeRequest = {
        method,
        url: parseUrl(url),
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
        signal: options.signal,
    };
    let answer: RawAnswer;
    requestStarted();
    const answered = endpoint.watch?.start(url, timeoutMs);
    try {
        try {
            answer = await exchange(request);
        } catch (error) {
            // A pooled keep-alive connection the server closed while idle fails at once: try a fresh one, once.
            if (options.signal?.aborted === true || error instanceof ExchangeTimeout || !staleConnectionCodes.has(networkErrorCode(error) ?? "")) throw error;
            answer = await exchange({...request, timeoutMs: Math.max(1, deadline - Date.now()), fresh: true});
        }
    } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason ?? error;
        if (error instanceof ExchangeTimeout) {
            throw transientBackendError(`${method} ${url} timed out after ${timeoutMs} ms`, {
                hint: "the server is overloaded or the request is too large; raise timeout_ms in the model spec or lower concurrency",
                parameter: "model",
                fields: {url, timeoutMs, kind: "timeout"},
            });
        }
        const reason = describeNetworkError(error);
        throw transientBackendError(`could not reach ${url}`, {
            expected: "a running server at that address",
            received: reason,
            hint: "check that the server is up and the URL in the model spec is right",
            parameter: "model",
            fields: {url, kind: "connection", code: networkErrorCode(error)},
            cause: error,
        });
    } finally {
        requestEnded();
        answered?.();
    }
    return decodeResponse(method, url, answer.status, answer.retryAfter, answer.text, shape);
}

/** A received HTTP answer as validated data, or the classified error. */
function decodeResponse<T>(method: string, url: string, status: number, retryAfter: string | null, text: string, shape: ResponseShape<T>): T {
    if (status < 200 || status >= 300) throw statusError(method, url, status, retryAfter, text);
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch {
        throw new BackendError(`${method} ${url} did not return JSON`, {
            expected: "a JSON body",
            received: JSON.stringify(text.slice(0, 120)),
            fields: {url},
        });
    }
    return validateResponse(shape, data, `${method} ${url}`);
}

/** Validates a parsed response body; the error names the first offending field. */
export function validateResponse<T>(shape: ResponseShape<T>, data: unknown, what: string): T {
    if (typeof shape === "function") {
        try {
            return shape(data);
        } catch (error) {
            if (!(error instanceof ShapeIssue)) throw error;
            throw fieldError(what, error.path, error.message, data);
        }
    }
    const parsed = shape.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw fieldError(what, issue?.path ?? [], issue?.message ?? "invalid", data);
}

function fieldError(what: string, path: readonly PropertyKey[], message: string, data: unknown): BackendError {
    const field = formatPath(path);
    return new BackendError(`unexpected response from ${what}: field ${field}: ${message}`, {
        expected: "the documented response shape (see docs/remote-backends.md)",
        received: describeValue(valueAt(data, path)),
        fields: {field},
    });
}

export function formatPath(path: readonly PropertyKey[]): string {
    if (path.length === 0) return "(root)";
    let text = "";
    for (const part of path) {
        if (typeof part === "number") text += `[${part}]`;
        else text += text === "" ? String(part) : `.${String(part)}`;
    }
    return text;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
    let current: unknown = data;
    for (const part of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[part];
    }
    return current;
}

function describeValue(value: unknown): string {
    if (value === undefined) return "nothing (field missing)";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function statusError(method: string, url: string, status: number, retryAfter: string | null, text: string): BackendError {
    const message = serverMessage(text);
    const summary = `${method} ${url} answered ${status}${message === "" ? "" : `: ${message}`}`;
    const retryAfterMs = parseRetryAfter(retryAfter);
    const fields = {url, status, kind: "status", ...(retryAfterMs === undefined ? {} : {retryAfterMs}), serverMessage: message};
    if (status === 429 || (status >= 500 && status !== 501)) return transientBackendError(summary, {fields});
    const hint =
        status === 401 || status === 403
            ? "set the API key in the environment variable named in docs/remote-backends.md"
            : status === 404
              ? "check the URL and model name in the model spec"
              : undefined;
    return new BackendError(summary, {fields, ...(hint === undefined ? {} : {hint, parameter: "model"})});
}

/** The error text of an OpenAI-style ({error: {message}}), FastAPI ({detail}) or plain body. */
function serverMessage(text: string): string {
    try {
        const body = JSON.parse(text) as {error?: {message?: unknown} | string; detail?: unknown; message?: unknown};
        const candidate =
            typeof body.error === "string"
                ? body.error
                : typeof body.error?.message === "string"
                  ? body.error.message
                  : typeof body.message === "string"
                    ? body.message
                    : body.detail !== undefined
                      ? JSON.stringify(body.detail)
                      : undefined;
        if (candidate !== undefined) return oneLine(candidate);
    } catch {
        // not JSON: fall through
    }
    return oneLine(text);
}

function oneLine(text: string): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

export function parseRetryAfter(value: string | null): number | undefined {
    if (value === null) return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function networkErrorCode(error: unknown): string | undefined {
    let current: unknown = error;
    for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
        const code = (current as {code?: unknown}).code;
        if (typeof code === "string") return code;
        current = (current as {cause?: unknown}).cause;
    }
    return undefined;
}

export function describeNetworkError(error: unknown): string {
    const code = networkErrorCode(error);
    const words: Record<string, string> = {
        ECONNREFUSED: "connection refused (nothing listens on that port)",
        ECONNRESET: "connection reset by the server",
        ENOTFOUND: "host name not found",
        EHOSTUNREACH: "host unreachable",
        ETIMEDOUT: "connection timed out",
        UND_ERR_SOCKET: "the server closed the connection",
        UND_ERR_CLOSED: "the server closed the connection",
        HPE_INVALID: "the answer is not valid HTTP/1.1",
    };
    if (code !== undefined) return words[code] ?? code;
    return error instanceof Error ? error.message : String(error);
}
