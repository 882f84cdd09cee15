/**
 * What the replicated transport tells its caller about retries, and the bound it keeps: a request
 * is tried at most `maxAttempts` times, and the waits between its attempts add up to at most
 * `maxWaitMs` (a wait that would pass the bound is shortened to what is left; once nothing is
 * left the request fails). Each attempt lasts at most the backend's request timeout, so a request
 * ends after at most maxAttempts × timeout + maxWaitMs. Every retry is announced through
 * `onRetry` before its wait (the CLI prints one line per event); the final error states the bound.
 */
import {BackendError, isGlassboxError} from "../../errors.js";

export interface RetryEvent {
    /** The server whose attempt failed (the backend's name). */
    server: string;
    /** The attempt that failed, from 1, and the most attempts a request gets. */
    attempt: number;
    maxAttempts: number;
    /** How long the transport waits before the next attempt, in ms (0: another replica takes it at once). */
    delayMs: number;
    /** Why the attempt failed, in words (the failure's summary). */
    reason: string;
    /** Milliseconds since the request's first attempt started. */
    elapsedMs: number;
    /** The bound on the waits between attempts, in ms. */
    maxWaitMs: number;
}

export type RetryListener = (event: RetryEvent) => void;

/** Default bound on the waits between the attempts of one request. */
export const defaultMaxRetryWaitMs = 30_000;

/** The words of a failure for a retry line: the summary and what was received, without the hint. */
export function failureReason(error: unknown): string {
    if (isGlassboxError(error)) return error.received === undefined ? error.summary : `${error.summary}: ${error.received}`;
    return error instanceof Error ? error.message : String(error);
}

/** "1.5 s", "250 ms", "2m05s". */
export function formatWait(ms: number): string {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const seconds = ms / 1000;
    if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}

/**
 * The error a request ends with when its attempts or its wait bound run out: final (not
 * transient), so no caller multiplies the retries; one hint (the last failure's own, when it has
 * one), the bound in the message.
 */
export function gaveUpError(
    lastError: unknown,
    attempts: number,
    elapsedMs: number,
    bound: {maxAttempts: number; maxWaitMs: number},
    replicas: number,
): BackendError {
    const last = isGlassboxError(lastError) ? lastError : undefined;
    const reason = last?.summary ?? (lastError instanceof Error ? lastError.message : String(lastError));
    const where = `${replicas} replica${replicas === 1 ? "" : "s"}`;
    return new BackendError(
        `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} on ${where} in ${formatWait(elapsedMs)} ` +
            `(at most ${bound.maxAttempts} attempts and ${formatWait(bound.maxWaitMs)} of waiting between them): ${reason}`,
        {
            ...(last?.expected === undefined ? {} : {expected: last.expected}),
            ...(last?.received === undefined ? {} : {received: last.received}),
            hint: last?.hint ?? "check that the servers are up; add replicas or lower the concurrency",
            parameter: "model",
            fields: {...last?.fields, transient: false, attempts, elapsedMs},
            cause: lastError,
        },
    );
}
