/**
 * The HTTP client every remote backend uses: JSON over node:http(s) with keep-alive connection
 * pools, a per-request timeout, an optional bearer key, failure classification and response
 * validation. (node:http costs the client a fraction of what fetch costs per request, and an
 * explanation sends many small requests.)
 *
 * Classification: a refused or reset connection, a timeout, 429 and 5xx (except 501) are
 * transient (`fields.transient`, see evaluator/retry.ts) and carry `fields.retryAfterMs` when
 * the server sent Retry-After; every other failure is final. A response whose JSON does not have
 * the documented shape is a final BackendError naming the field path (`choices[0].logprobs`).
 */
import {Agent as HttpAgent, request as httpRequest, type IncomingMessage} from "node:http";
import {Agent as HttpsAgent, request as httpsRequest} from "node:https";
import type {z} from "zod";
import {BackendError} from "../../errors.js";
import {transientBackendError} from "../../evaluator/retry.js";

export interface HttpEndpoint {
    /** Base URL without a trailing slash, e.g. http://127.0.0.1:8000/v1 or http://host:30000. */
    baseUrl: string;
    /** Bearer key (read from the environment by resolve-model.ts; never logged). */
    apiKey?: string | undefined;
    /** Per-request timeout in ms (default 120 000). */
    timeoutMs?: number;
}

export interface RequestOptions {
    signal?: AbortSignal | undefined;
    timeoutMs?: number | undefined;
}

export const defaultRequestTimeoutMs = 120_000;

/** Requests glassbox sends are idempotent (scoring, seeded generation, tokenization), so a reset may be retried. */
const staleConnectionCodes = new Set(["UND_ERR_SOCKET", "ECONNRESET", "UND_ERR_CLOSED", "EPIPE"]);

/** Keep-alive pools shared by every backend (idle sockets do not keep the process alive). */
const httpAgent = new HttpAgent({keepAlive: true});
const httpsAgent = new HttpsAgent({keepAlive: true});

interface RawAnswer {
    status: number;
    retryAfter: string | null;
    text: string;
}

/** One HTTP exchange: the status, Retry-After and body text, or the network error. */
function exchange(method: string, url: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<RawAnswer> {
    return new Promise<RawAnswer>((resolve, reject) => {
        const target = new URL(url);
        const secure = target.protocol === "https:";
        const send = secure ? httpsRequest : httpRequest;
        const outgoing = send(target, {
            method, signal, agent: secure ? httpsAgent : httpAgent,
            headers: body === undefined ? headers : {...headers, "content-length": String(Buffer.byteLength(body))},
        }, (response: IncomingMessage) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", reject);
            response.on("end", () => {
                const retryAfter = response.headers["retry-after"];
                resolve({status: response.statusCode ?? 0, retryAfter: typeof retryAfter === "string" ? retryAfter : null, text: Buffer.concat(chunks).toString("utf8")});
            });
        });
        outgoing.on("error", reject);
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

export async function postJson<Schema extends z.ZodType>(
    endpoint: HttpEndpoint, url: string, body: unknown, schema: Schema, options: RequestOptions = {},
): Promise<z.infer<Schema>> {
    return requestJson(endpoint, "POST", url, body, schema, options);
}

export async function getJson<Schema extends z.ZodType>(
    endpoint: HttpEndpoint, url: string, schema: Schema, options: RequestOptions = {},
): Promise<z.infer<Schema>> {
    return requestJson(endpoint, "GET", url, undefined, schema, options);
}

async function requestJson<Schema extends z.ZodType>(
    endpoint: HttpEndpoint, method: "GET" | "POST", url: string, body: unknown, schema: Schema, options: RequestOptions,
): Promise<z.infer<Schema>> {
    const timeoutMs = options.timeoutMs ?? endpoint.timeoutMs ?? defaultRequestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const headers: Record<string, string> = {accept: "application/json"};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (endpoint.apiKey !== undefined && endpoint.apiKey !== "") headers.authorization = `Bearer ${endpoint.apiKey}`;
    let answer: RawAnswer;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    try {
        try {
            answer = await exchange(method, url, headers, payload, signal);
        } catch (error) {
            // A pooled keep-alive connection the server closed while idle fails at once: try a fresh one, once.
            if (signal.aborted || !staleConnectionCodes.has(networkErrorCode(error) ?? "")) throw error;
            answer = await exchange(method, url, headers, payload, signal);
        }
    } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason ?? error;
        if (timeout.aborted) {
            throw transientBackendError(`${method} ${url} timed out after ${timeoutMs} ms`, {
                hint: "the server is overloaded or the request is too large; raise timeout_ms in --model or lower concurrency",
                fields: {url, timeoutMs, kind: "timeout"},
            });
        }
        const reason = describeNetworkError(error);
        throw transientBackendError(`could not reach ${url}`, {
            expected: "a running server at that address",
            received: reason,
            hint: "check that the server is up and the URL in --model is right",
            fields: {url, kind: "connection", code: networkErrorCode(error)},
            cause: error,
        });
    }
    return decodeResponse(method, url, answer.status, answer.retryAfter, answer.text, schema);
}

/** A received HTTP answer as validated data, or the classified error (shared with sync-http.ts). */
export function decodeResponse<Schema extends z.ZodType>(
    method: string, url: string, status: number, retryAfter: string | null, text: string, schema: Schema,
): z.infer<Schema> {
    if (status < 200 || status >= 300) throw statusError(method, url, status, retryAfter, text);
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch {
        throw new BackendError(`${method} ${url} did not return JSON`, {
            expected: "a JSON body", received: JSON.stringify(text.slice(0, 120)), fields: {url},
        });
    }
    return validateResponse(schema, data, `${method} ${url}`);
}

/** Validates a parsed response body; the error names the first offending field. */
export function validateResponse<Schema extends z.ZodType>(schema: Schema, data: unknown, what: string): z.infer<Schema> {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? "(root)" : formatPath(issue.path);
    throw new BackendError(`unexpected response from ${what}: field ${field}: ${issue?.message ?? "invalid"}`, {
        expected: "the documented response shape (see docs/remote-backends.md)",
        received: describeValue(valueAt(data, issue?.path ?? [])),
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
    const hint = status === 401 || status === 403
        ? "set the API key in the environment variable named in docs/remote-backends.md"
        : status === 404 ? "check the URL and model name in --model" : undefined;
    return new BackendError(summary, {fields, ...(hint === undefined ? {} : {hint})});
}

/** The error text of an OpenAI-style ({error: {message}}), FastAPI ({detail}) or plain body. */
function serverMessage(text: string): string {
    try {
        const body = JSON.parse(text) as {error?: {message?: unknown} | string; detail?: unknown; message?: unknown};
        const candidate = typeof body.error === "string" ? body.error
            : typeof body.error?.message === "string" ? body.error.message
            : typeof body.message === "string" ? body.message
            : body.detail !== undefined ? JSON.stringify(body.detail) : undefined;
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
    };
    if (code !== undefined) return words[code] ?? code;
    return error instanceof Error ? error.message : String(error);
}
