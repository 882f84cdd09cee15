/**
 * Request bodies for `glassbox serve`, without blocking the event loop. A body over the limit is
 * read to its end and discarded (up to a hard cap, then the connection is dropped), so the client
 * receives the 413 answer instead of a reset. Small bodies are parsed in line; large ones in a
 * worker thread, which also refuses any string too long to be a prompt for this model before the
 * value is copied back, so a 20 MB prompt costs the event loop nothing.
 */
import type {IncomingMessage} from "node:http";
import {Worker} from "node:worker_threads";
import {InputError} from "../errors.js";

/** Bodies up to this size are parsed on the event loop (well under a millisecond per 100 KiB). */
const inlineParseBytes = 1 << 20;
/** Beyond the limit, this much more is read and discarded before the connection is dropped. */
const discardCapBytes = 256 << 20;

export type BodyRead = {kind: "body"; buffer: Buffer} | {kind: "too-large"; bytes: number; complete: boolean};

/** Read a request body up to `limit` bytes; a larger one is drained (to a cap) and reported. */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<BodyRead> {
    return new Promise((resolve, reject) => {
        const declared = Number(request.headers["content-length"] ?? Number.NaN);
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = Number.isFinite(declared) && declared > limit;
        request.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (!tooLarge && size > limit) {
                tooLarge = true;
                chunks.length = 0;
            }
            if (tooLarge) {
                if (size > limit + discardCapBytes) {
                    request.pause();
                    resolve({kind: "too-large", bytes: size, complete: false});
                }
                return;
            }
            chunks.push(chunk);
        });
        request.on("error", reject);
        request.on("end", () => resolve(tooLarge ? {kind: "too-large", bytes: size, complete: true} : {kind: "body", buffer: Buffer.concat(chunks)}));
    });
}

/**
 * Parse a JSON body. `maxStringBytes` bounds every string value (a prompt that long cannot fit the
 * context): a longer one is an InputError naming its field.
 */
export async function parseJsonBody(buffer: Buffer, maxStringBytes: number): Promise<unknown> {
    if (buffer.length === 0) return {};
    if (buffer.length <= inlineParseBytes) {
        try {
            return JSON.parse(buffer.toString("utf8"));
        } catch {
            throw invalidJson();
        }
    }
    const answer = await parseInWorker(buffer, maxStringBytes);
    if (answer.kind === "invalid") throw invalidJson();
    if (answer.kind === "too-long") {
        throw new InputError(`${answer.path} is a text of ${answer.bytes} bytes, longer than any prompt that fits this model's context`, {
            expected: `at most ${maxStringBytes} bytes`,
            fields: {param: answer.path},
        });
    }
    return answer.value;
}

function invalidJson(): InputError {
    return new InputError("the request body is not valid JSON", {fields: {param: "(body)"}});
}

type WorkerAnswer = {kind: "value"; value: unknown} | {kind: "invalid"} | {kind: "too-long"; path: string; bytes: number};

// Plain JavaScript, evaluated in the worker: parse, then look for an over-long string.
const workerSource = `
const {parentPort} = require("node:worker_threads");
parentPort.on("message", ({id, bytes, maxStringBytes}) => {
    let value;
    try {
        value = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
        parentPort.postMessage({id, answer: {kind: "invalid"}});
        return;
    }
    const stack = [[value, ""]];
    while (stack.length > 0) {
        const [item, path] = stack.pop();
        if (typeof item === "string") {
            if (item.length > maxStringBytes / 3 && Buffer.byteLength(item) > maxStringBytes) {
                parentPort.postMessage({id, answer: {kind: "too-long", path: path || "(body)", bytes: Buffer.byteLength(item)}});
                return;
            }
        } else if (Array.isArray(item)) {
            item.forEach((child, index) => stack.push([child, path + "[" + index + "]"]));
        } else if (item !== null && typeof item === "object") {
            for (const [key, child] of Object.entries(item)) stack.push([child, path === "" ? key : path + "." + key]);
        }
    }
    parentPort.postMessage({id, answer: {kind: "value", value}});
});
`;

let worker: Worker | undefined;

/** Stop the parsing worker (a server closing); the next large body starts a new one. */
export async function stopBodyParser(): Promise<void> {
    const running = worker;
    worker = undefined;
    if (running !== undefined) await running.terminate();
}
let nextRequest = 0;
const pending = new Map<number, {resolve: (answer: WorkerAnswer) => void; reject: (error: unknown) => void}>();

function parseInWorker(buffer: Buffer, maxStringBytes: number): Promise<WorkerAnswer> {
    if (worker === undefined) {
        const started = new Worker(workerSource, {eval: true});
        started.unref();
        started.on("message", ({id, answer}: {id: number; answer: WorkerAnswer}) => {
            pending.get(id)?.resolve(answer);
            pending.delete(id);
        });
        const fail = (error: unknown): void => {
            for (const waiter of pending.values()) waiter.reject(error);
            pending.clear();
            if (worker === started) worker = undefined;
        };
        started.on("error", fail);
        started.on("exit", () => fail(new Error("the body parser stopped")));
        worker = started;
    }
    const id = nextRequest++;
    // A body this large owns its memory (Buffer.concat does not pool it): move it, else copy it once.
    const owned = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
    const copy = owned ? new Uint8Array(buffer.buffer) : Uint8Array.from(buffer);
    const running = worker;
    return new Promise((resolve, reject) => {
        pending.set(id, {resolve, reject});
        running.postMessage({id, bytes: copy, maxStringBytes}, [copy.buffer as ArrayBuffer]);
    });
}
