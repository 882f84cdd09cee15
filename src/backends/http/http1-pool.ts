/**
 * A lean HTTP/1.1 client for plain-http servers (`http:` URLs): keep-alive TCP connections pooled
 * per host and port, each request written as one string (head and JSON body in one write), and a
 * small response parser (Content-Length, chunked or read-to-close bodies; 1xx interim answers
 * skipped). An explanation sends thousands of small requests to servers on the local network;
 * node:http's general machinery (streams, header objects, per-request agents and sockets events)
 * costs the client several times the CPU of the exchange itself, so the scoring path uses this.
 *
 * Failures reject with an Error carrying a node-style `code`: the socket's own (ECONNREFUSED, …),
 * ECONNRESET when the server closes the connection before the answer is complete, HPE_INVALID
 * for a malformed answer; {@link ExchangeTimeout} after `timeoutMs`; the signal's reason when the
 * caller aborts. Idle connections do not keep the process alive.
 */
import {connect, type Socket} from "node:net";

export interface RawAnswer {
    status: number;
    retryAfter: string | null;
    text: string;
}

export interface ExchangeRequest {
    method: string;
    url: URL;
    /** Header names in lower case; host, connection and content-length are added here. */
    headers: Record<string, string>;
    body: string | undefined;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
    /** Open a new connection instead of reusing an idle one (the retry after a stale one). */
    fresh?: boolean | undefined;
}

/** The request ran past its timeout (the connection is closed). */
export class ExchangeTimeout extends Error {
    constructor(timeoutMs: number) {
        super(`no complete answer within ${timeoutMs} ms`);
        this.name = "ExchangeTimeout";
    }
}

const maxHeadBytes = 64 * 1024;
const maxIdlePerOrigin = 256;
const crlfcrlf = Buffer.from("\r\n\r\n", "latin1");
const idle = new Map<string, Connection[]>();
/**
 * Where every connection's socket reads land (net's `onread`, which skips the readable-stream
 * machinery); the bytes are copied out at once, so one buffer serves all connections.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

function codedError(message: string, code: string): Error {
    return Object.assign(new Error(message), {code});
}

/** One HTTP exchange over a pooled connection (a fresh one when none is idle). */
export function http1Exchange(request: ExchangeRequest): Promise<RawAnswer> {
    const {url} = request;
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === "" ? 80 : Number(url.port);
    const origin = `${host}:${port}`;
    let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n`;
    for (const name in request.headers) head += `${name}: ${request.headers[name] as string}\r\n`;
    if (request.body !== undefined) head += `content-length: ${Buffer.byteLength(request.body)}\r\n`;
    const message = `${head}\r\n${request.body ?? ""}`;
    return new Promise<RawAnswer>((resolve, reject) => {
        if (request.signal?.aborted === true) {
            reject(request.signal.reason);
            return;
        }
        const connection = (request.fresh === true ? undefined : takeIdle(origin)) ?? new Connection(origin, host, port);
        connection.start(message, request, resolve, reject);
    });
}

function takeIdle(origin: string): Connection | undefined {
    const list = idle.get(origin);
    while (list !== undefined && list.length > 0) {
        const connection = list.pop() as Connection;
        if (!connection.socket.destroyed && connection.socket.writable) return connection;
    }
    return undefined;
}

function park(connection: Connection): void {
    let list = idle.get(connection.origin);
    if (list === undefined) idle.set(connection.origin, (list = []));
    if (list.length >= maxIdlePerOrigin) {
        connection.socket.destroy();
        return;
    }
    connection.socket.unref();
    list.push(connection);
}

function unpark(connection: Connection): void {
    const list = idle.get(connection.origin);
    const index = list === undefined ? -1 : list.indexOf(connection);
    if (index >= 0) list?.splice(index, 1);
}

interface PendingExchange {
    resolve: (answer: RawAnswer) => void;
    reject: (error: unknown) => void;
    parser: ResponseParser;
    timer: NodeJS.Timeout;
    signal: AbortSignal | undefined;
    onAbort: (() => void) | undefined;
}

class Connection {
    readonly socket: Socket;
    private current: PendingExchange | undefined;

    constructor(
        readonly origin: string,
        host: string,
        port: number,
    ) {
        this.socket = connect({
            host,
            port,
            noDelay: true,
            onread: {buffer: readBuffer, callback: (length: number, buffer: Uint8Array) => this.onData(Buffer.from(buffer.subarray(0, length)))},
        });
        this.socket.on("error", (error: Error) => this.fail(error));
        this.socket.on("close", () => {
            unpark(this);
            this.fail(codedError("the server closed the connection before the answer was complete", "ECONNRESET"), true);
        });
    }

    start(message: string, request: ExchangeRequest, resolve: (answer: RawAnswer) => void, reject: (error: unknown) => void): void {
        const timer = setTimeout(() => this.fail(new ExchangeTimeout(request.timeoutMs)), request.timeoutMs);
        timer.unref();
        const signal = request.signal;
        const onAbort = signal === undefined ? undefined : () => this.fail(signal.reason);
        if (signal !== undefined) signal.addEventListener("abort", onAbort as () => void, {once: true});
        this.current = {resolve, reject, parser: new ResponseParser(request.method), timer, signal, onAbort};
        this.socket.ref();
        this.socket.write(message);
    }

    private onData(chunk: Buffer): true {
        const pending = this.current;
        if (pending === undefined) {
            this.socket.destroy(); // bytes nobody asked for: the connection is unusable
            return true;
        }
        let answer: RawAnswer | undefined;
        try {
            answer = pending.parser.push(chunk);
        } catch (error) {
            this.fail(error);
            return true;
        }
        if (answer === undefined) return true;
        this.finish(pending);
        if (pending.parser.reusable) park(this);
        else this.socket.destroy();
        pending.resolve(answer);
        return true;
    }

    /**
     * Rejects the exchange in progress (if any) and closes the connection; at the end of the
     * stream, a body that runs to the close is complete instead.
     */
    private fail(error: unknown, endOfStream = false): void {
        const pending = this.current;
        if (pending !== undefined) {
            const answer = endOfStream ? pending.parser.closed() : undefined;
            this.finish(pending);
            if (answer !== undefined) pending.resolve(answer);
            else pending.reject(error);
        }
        this.socket.destroy();
    }

    private finish(pending: PendingExchange): void {
        this.current = undefined;
        clearTimeout(pending.timer);
        if (pending.onAbort !== undefined) pending.signal?.removeEventListener("abort", pending.onAbort);
    }
}

/** Incremental parser of one HTTP/1.x response. */
export class ResponseParser {
    /** Whether the connection may carry another request after this answer. */
    reusable = false;
    private buffer: Buffer = Buffer.alloc(0);
    private stage: "head" | "length" | "chunked" | "close" | "done" = "head";
    private status = 0;
    private retryAfter: string | null = null;
    private remaining = 0;
    private readonly body: Buffer[] = [];

    constructor(private readonly method: string) {}

    /** Feeds received bytes; returns the answer once it is complete. */
    push(chunk: Buffer): RawAnswer | undefined {
        this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
        for (;;) {
            if (this.stage === "head" && !this.readHead()) return undefined;
            if (this.stage === "length") {
                const take = Math.min(this.remaining, this.buffer.length);
                if (take > 0) this.body.push(this.buffer.subarray(0, take));
                this.buffer = this.buffer.subarray(take);
                this.remaining -= take;
                if (this.remaining > 0) return undefined;
                this.stage = "done";
            }
            if (this.stage === "chunked" && !this.readChunks()) return undefined;
            if (this.stage === "close") {
                if (this.buffer.length > 0) this.body.push(this.buffer);
                this.buffer = Buffer.alloc(0);
                return undefined;
            }
            if (this.stage === "done") {
                // Bytes after the answer mean the server and client disagree on framing: do not reuse.
                if (this.buffer.length > 0) this.reusable = false;
                return this.answer();
            }
        }
    }

    /** The connection closed: a read-to-close body ends here; anything else is incomplete. */
    closed(): RawAnswer | undefined {
        if (this.stage !== "close") return undefined;
        this.stage = "done";
        return this.answer();
    }

    private answer(): RawAnswer {
        const body = this.body.length === 1 ? (this.body[0] as Buffer) : Buffer.concat(this.body);
        return {status: this.status, retryAfter: this.retryAfter, text: body.toString("utf8")};
    }

    private readHead(): boolean {
        const end = this.buffer.indexOf(crlfcrlf);
        if (end < 0) {
            if (this.buffer.length > maxHeadBytes) throw codedError(`the answer's header is larger than ${maxHeadBytes} bytes`, "HPE_INVALID");
            return false;
        }
        const head = this.buffer.toString("latin1", 0, end);
        this.buffer = this.buffer.subarray(end + 4);
        let lineEnd = head.indexOf("\r\n");
        if (lineEnd < 0) lineEnd = head.length;
        // "HTTP/1.x NNN[ reason]"
        const minor = head.charCodeAt(7);
        const status = Number(head.slice(9, 12));
        if (
            !head.startsWith("HTTP/1.") ||
            (minor !== 48 && minor !== 49) ||
            head.charCodeAt(8) !== 32 ||
            !/^\d{3}$/.test(head.slice(9, 12)) ||
            (lineEnd > 12 && head.charCodeAt(12) !== 32)
        ) {
            throw codedError(`not an HTTP/1.x answer: ${JSON.stringify(head.slice(0, Math.min(lineEnd, 60)))}`, "HPE_INVALID");
        }
        if (status >= 100 && status < 200 && status !== 101) return true; // interim answer (100 Continue): the real one follows
        let length: number | undefined;
        let chunked = false;
        let connection = "";
        this.retryAfter = null;
        for (let start = lineEnd + 2; start < head.length; start = lineEnd + 2) {
            lineEnd = head.indexOf("\r\n", start);
            if (lineEnd < 0) lineEnd = head.length;
            const colon = head.indexOf(":", start);
            if (colon <= start || colon > lineEnd)
                throw codedError(`malformed header line ${JSON.stringify(head.slice(start, Math.min(lineEnd, start + 60)))}`, "HPE_INVALID");
            const name = head.slice(start, colon).trim().toLowerCase();
            if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection" && name !== "retry-after") continue;
            const value = head.slice(colon + 1, lineEnd).trim();
            if (name === "content-length") {
                const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
                if (!Number.isSafeInteger(parsed) || (length !== undefined && length !== parsed))
                    throw codedError(`invalid Content-Length ${JSON.stringify(value)}`, "HPE_INVALID");
                length = parsed;
            } else if (name === "transfer-encoding")
                chunked =
                    value
                        .toLowerCase()
                        .split(",")
                        .map((part) => part.trim())
                        .at(-1) === "chunked";
            else if (name === "connection") connection += `${value.toLowerCase()},`;
            else this.retryAfter = value;
        }
        this.status = status;
        this.reusable = minor === 49 ? !/(^|[\s,])close[\s,]/.test(connection) : /(^|[\s,])keep-alive[\s,]/.test(connection);
        if (this.method === "HEAD" || status === 204 || status === 304) this.stage = "done";
        else if (chunked) this.stage = "chunked";
        else if (length !== undefined) {
            this.remaining = length;
            this.stage = "length";
        } else {
            this.stage = "close";
            this.reusable = false;
        }
        return true;
    }

    /** Chunks as far as the buffer goes; true once the last chunk and the trailers are read. */
    private readChunks(): boolean {
        for (;;) {
            if (this.remaining > 0) {
                const take = Math.min(this.remaining, this.buffer.length);
                this.body.push(this.buffer.subarray(0, take));
                this.buffer = this.buffer.subarray(take);
                this.remaining -= take;
                if (this.remaining > 0) return false;
                this.remaining = -1; // the CRLF after the data is next
            }
            const lineEnd = this.buffer.indexOf("\r\n", 0, "latin1");
            if (lineEnd < 0) {
                if (this.buffer.length > maxHeadBytes) throw codedError("a chunk-size line is too long", "HPE_INVALID");
                return false;
            }
            const line = this.buffer.toString("latin1", 0, lineEnd);
            this.buffer = this.buffer.subarray(lineEnd + 2);
            if (this.remaining === -1) {
                if (line !== "") throw codedError("a chunk is longer than its declared size", "HPE_INVALID");
                this.remaining = 0;
                continue;
            }
            if (this.remaining === -2) {
                // Trailers after the last chunk, up to an empty line.
                if (line === "") {
                    this.stage = "done";
                    return true;
                }
                continue;
            }
            const size = Number.parseInt(line.split(";")[0]?.trim() ?? "", 16);
            if (!/^[0-9a-fA-F]+$/.test(line.split(";")[0]?.trim() ?? "") || !Number.isSafeInteger(size)) {
                throw codedError(`invalid chunk size ${JSON.stringify(line.slice(0, 30))}`, "HPE_INVALID");
            }
            this.remaining = size === 0 ? -2 : size;
        }
    }
}
