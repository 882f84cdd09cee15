/**
 * Blocking HTTP for the synchronous parts of the model contract (tokenize, detokenize,
 * renderChat). A worker thread performs the request with node:http(s) (lighter to load and to keep
 * than fetch); the calling thread waits on a shared flag (Atomics.wait) and takes the answer with
 * receiveMessageOnPort. These calls are rare
 * (once per input, not per perturbation), so blocking costs little; the server must run in
 * another process or thread, never on the event loop that is blocked.
 */
import {performance} from "node:perf_hooks";
import {MessageChannel, receiveMessageOnPort, Worker, type MessagePort} from "node:worker_threads";
import {BackendError} from "../../errors.js";
import {transientBackendError} from "../../evaluator/retry.js";
import {requestEnded, requestStarted} from "./server-wait.js";
import {decodeResponse, defaultRequestTimeoutMs, type HttpEndpoint, type ResponseShape} from "./http-client.js";

const workerSource = `
const {parentPort, workerData} = require("node:worker_threads");
const http = require("node:http");
const https = require("node:https");
const {port, flag} = workerData;
const agents = {"http:": new http.Agent({keepAlive: true}), "https:": new https.Agent({keepAlive: true})};
function post(request, fresh) {
    return new Promise((resolve, reject) => {
        const url = new URL(request.url);
        const send = url.protocol === "https:" ? https.request : http.request;
        const outgoing = send(url, {
            method: request.method, agent: fresh ? false : agents[url.protocol],
            headers: {...request.headers, "content-length": String(Buffer.byteLength(request.body))},
        }, (response) => {
            const chunks = [];
            response.on("data", (chunk) => chunks.push(chunk));
            response.on("error", fail);
            response.on("end", () => {
                clearTimeout(timer);
                const retryAfter = response.headers["retry-after"];
                resolve({status: response.statusCode, retryAfter: typeof retryAfter === "string" ? retryAfter : null, text: Buffer.concat(chunks).toString("utf8")});
            });
        });
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            outgoing.destroy();
        }, request.timeoutMs);
        function fail(error) {
            clearTimeout(timer);
            reject(timedOut ? Object.assign(new Error("timed out"), {name: "TimeoutError"}) : error);
        }
        outgoing.on("error", fail);
        outgoing.end(request.body);
    });
}
parentPort.on("message", async (request) => {
    let answer;
    try {
        let result;
        try {
            result = await post(request, false);
        } catch (error) {
            // A pooled connection the server closed while idle: once more on a fresh one.
            if (error.code !== "ECONNRESET" && error.code !== "EPIPE") throw error;
            result = await post(request, true);
        }
        answer = {id: request.id, ...result};
    } catch (error) {
        let code, current = error;
        for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
            if (typeof current.code === "string") { code = current.code; break; }
            current = current.cause;
        }
        answer = {id: request.id, error: {name: error && error.name, message: String(error && error.message || error), code}};
    }
    port.postMessage(answer);
    Atomics.store(flag, 0, request.id);
    Atomics.notify(flag, 0);
});
`;

interface SyncChannel {
    worker: Worker;
    port: MessagePort;
    flag: Int32Array;
    nextId: number;
}

let channel: SyncChannel | undefined;

/** Blocking calls made and milliseconds spent blocked (benchmarks subtract this from client busy time). */
export const syncHttpStats = {calls: 0, ms: 0};

function openChannel(): SyncChannel {
    if (channel !== undefined) return channel;
    const {port1, port2} = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(workerSource, {eval: true, workerData: {port: port2, flag}, transferList: [port2]});
    worker.unref();
    port1.unref();
    channel = {worker, port: port1, flag, nextId: 1};
    return channel;
}

interface WorkerAnswer {
    id: number;
    status?: number;
    retryAfter?: string | null;
    text?: string;
    error?: {name?: string; message: string; code?: string};
}

/** POST a JSON body and block until the validated answer (or a classified error) arrives. */
export function postJsonSync<T>(endpoint: HttpEndpoint, url: string, body: unknown, schema: ResponseShape<T>): T {
    const started = performance.now();
    try {
        return postJsonSyncOnce(endpoint, url, body, schema);
    } finally {
        syncHttpStats.calls++;
        syncHttpStats.ms += performance.now() - started;
    }
}

function postJsonSyncOnce<T>(endpoint: HttpEndpoint, url: string, body: unknown, schema: ResponseShape<T>): T {
    const sync = openChannel();
    const id = sync.nextId++;
    const timeoutMs = endpoint.timeoutMs ?? defaultRequestTimeoutMs;
    const headers: Record<string, string> = {"content-type": "application/json", accept: "application/json"};
    if (endpoint.apiKey !== undefined && endpoint.apiKey !== "") headers.authorization = `Bearer ${endpoint.apiKey}`;
    Atomics.store(sync.flag, 0, 0);
    sync.worker.postMessage({id, url, method: "POST", headers, body: JSON.stringify(body), timeoutMs});
    const deadline = Date.now() + timeoutMs + 2_000;
    requestStarted();
    let answer: WorkerAnswer;
    try {
        answer = awaitAnswer(sync, id, deadline, url, timeoutMs);
    } finally {
        requestEnded();
    }
    return interpret(answer, url, timeoutMs, schema);
}

/** Blocks until the worker posts the answer with this id (or the deadline passes). */
function awaitAnswer(sync: SyncChannel, id: number, deadline: number, url: string, timeoutMs: number): WorkerAnswer {
    for (;;) {
        const received = receiveMessageOnPort(sync.port);
        if (received !== undefined) {
            const answer = received.message as WorkerAnswer;
            if (answer.id !== id) continue;
            return answer;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
            throw transientBackendError(`POST ${url} timed out after ${timeoutMs} ms`, {fields: {url, timeoutMs, kind: "timeout"}});
        }
        Atomics.wait(sync.flag, 0, 0, Math.min(remaining, 1_000));
        Atomics.store(sync.flag, 0, 0);
    }
}

function interpret<T>(answer: WorkerAnswer, url: string, timeoutMs: number, schema: ResponseShape<T>): T {
    if (answer.error !== undefined) {
        if (answer.error.name === "TimeoutError") {
            throw transientBackendError(`POST ${url} timed out after ${timeoutMs} ms`, {fields: {url, timeoutMs, kind: "timeout"}});
        }
        throw transientBackendError(`could not reach ${url}`, {
            expected: "a running server at that address",
            received: answer.error.code ?? answer.error.message,
            hint: "check that the server is up and the URL in --model is right",
            fields: {url, kind: "connection", code: answer.error.code},
        });
    }
    if (answer.status === undefined || answer.text === undefined) throw new BackendError(`POST ${url}: no answer`);
    return decodeResponse("POST", url, answer.status, answer.retryAfter ?? null, answer.text, schema);
}
