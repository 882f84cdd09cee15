/**
 * How long this process has had at least one HTTP request outstanding to a server: the complement
 * of the client's own time. The remote benchmark reads it to measure the client's overhead as the
 * issue defines it ("time not spent waiting on the server"); every request the client sends,
 * (http-client.ts), is counted between its send and its
 * answer. Two clock reads per request; no I/O.
 */
import {performance} from "node:perf_hooks";

interface ServerWaitState {
    /** Requests sent and not yet answered (or failed). */
    outstanding: number;
    /** When `outstanding` last went from 0 to 1. */
    since: number;
    /** Milliseconds with at least one request outstanding, up to the last time `outstanding` reached 0. */
    closedMs: number;
}

const state: ServerWaitState = {outstanding: 0, since: 0, closedMs: 0};

/** Marks a request sent; call `requestEnded` exactly once when its answer (or failure) arrives. */
export function requestStarted(): void {
    if (state.outstanding === 0) state.since = performance.now();
    state.outstanding++;
}

export function requestEnded(): void {
    if (state.outstanding === 0) return;
    state.outstanding--;
    if (state.outstanding === 0) state.closedMs += performance.now() - state.since;
}

/** Milliseconds this process has spent with at least one request outstanding (monotone; subtract two readings). */
export function serverWaitMs(): number {
    return state.closedMs + (state.outstanding > 0 ? performance.now() - state.since : 0);
}

/** Requests outstanding right now. */
export function outstandingRequests(): number {
    return state.outstanding;
}
