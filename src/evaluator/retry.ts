/**
 * The evaluator's retries of transient backend failures (see model/transient-errors.ts): how many,
 * and how long to wait between them; plus abortable sleeping.
 */
export interface RetryPolicy {
    /** Retries after the first attempt (default 3). */
    maxRetries: number;
    /** Delay before the first retry, in ms (default 50); doubles each retry. */
    initialDelayMs: number;
    /** Longest delay between attempts, in ms (default 2000). */
    maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {maxRetries: 3, initialDelayMs: 50, maxDelayMs: 2000};

export function retryDelayMs(policy: RetryPolicy, retry: number): number {
    return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
}

/** The error an aborted operation rejects with: the signal's reason, or a standard AbortError. */
export function abortReason(signal: AbortSignal): unknown {
    if (signal.reason !== undefined) return signal.reason;
    const error = new Error("The operation was aborted");
    error.name = "AbortError";
    return error;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
        const onAbort = (): void => {
            clearTimeout(timer);
            reject(abortReason(signal as AbortSignal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, {once: true});
    });
}
