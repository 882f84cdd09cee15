/**
 * Several servers of one model as one backend. Each replica takes at most `concurrency` requests
 * at a time; a request goes to the replica its lane used last when that one has room (so a lane's
 * prefix-ordered run stays on one server and a prefix cache there is reused), else to the healthy
 * replica with the fewest outstanding requests. Transient failures (refused or reset connections,
 * timeouts, 429, 5xx: see model/transient-errors.ts) are retried — at once on another healthy replica, otherwise
 * after exponential backoff with full jitter (or the server's Retry-After). A replica whose
 * connection fails is set aside for a cool-down that doubles with each consecutive failure, so a
 * dead server's work moves to the others; a request is answered exactly once, by the attempt that
 * succeeds. When the attempts or the bound on waiting run out (retry-report.ts), the last error
 * is thrown as final (not transient), so the evaluator does not multiply the retries. Text-side
 * calls (tokenize, detokenize, token texts, chat rendering) go to the first replica not cooling
 * down; a transient failure moves the whole batch to the next one, under the same retry policy.
 * Every retry is announced to `onRetry` before its wait.
 */
import {ArgumentError, BackendError} from "../../errors.js";
import {
    backendSpecificationVersion,
    type Backend,
    type BackendCapabilities,
    type ChatRenderRequest,
    type GenerateRequest,
    type Generation,
    type ScoreRequest,
    type ScoreResult,
    type TokenId,
    type TokenTextRequest,
    type VocabularyInfo,
} from "../../model/backend-spec.js";
import {isTransientError} from "../../model/transient-errors.js";
import {defaultMaxRetryWaitMs, failureReason, gaveUpError, type RetryListener} from "./retry-report.js";

export interface ReplicaRetryPolicy {
    /** Attempts per request in all, over every replica (default 8). */
    maxAttempts: number;
    /** Backoff before the second attempt on a busy or failing fleet, in ms (default 100); doubles each time. */
    initialDelayMs: number;
    /** Longest backoff, in ms (default 5000). */
    maxDelayMs: number;
    /** Cool-down of a replica after its first connection failure, in ms (default 500); doubles per failure, at most 30 s. */
    cooldownMs: number;
    /** Most milliseconds one request waits between its attempts, in all (default 30 000). */
    maxWaitMs: number;
}

export const defaultReplicaRetryPolicy: ReplicaRetryPolicy = {
    maxAttempts: 8,
    initialDelayMs: 100,
    maxDelayMs: 5_000,
    cooldownMs: 500,
    maxWaitMs: defaultMaxRetryWaitMs,
};

export interface ReplicatedBackendOptions {
    /** Requests in flight per replica (default: each replica's `capabilities.lanes`). */
    concurrency?: number;
    retry?: Partial<ReplicaRetryPolicy>;
    /** Random source in [0, 1) for jitter (tests pass a seeded one). */
    random?: () => number;
    /** Told of every retry before its wait (the CLI prints a line). */
    onRetry?: RetryListener;
}

export interface ReplicaStats {
    name: string;
    outstanding: number;
    completed: number;
    failures: number;
    /** Whether the replica is in a cool-down now. */
    down: boolean;
}

interface ReplicaState {
    backend: Backend;
    limit: number;
    freeSlots: number[];
    outstanding: number;
    completed: number;
    failures: number;
    consecutiveFailures: number;
    downUntil: number;
}

interface Lease {
    index: number;
    slot: number;
}

export class ReplicatedBackend implements Backend {
    readonly specificationVersion = backendSpecificationVersion;
    readonly id: string;
    readonly name: string;
    readonly capabilities: BackendCapabilities;
    readonly vocabulary: VocabularyInfo;
    /** Attempts that failed transiently and were retried. */
    retries = 0;
    private readonly replicas: ReplicaState[];
    private readonly policy: ReplicaRetryPolicy;
    private readonly random: () => number;
    private readonly onRetry: RetryListener | undefined;
    private readonly laneAffinity = new Map<number, number>();
    private waiters: Array<() => void> = [];

    constructor(backends: readonly Backend[], options: ReplicatedBackendOptions = {}) {
        const first = backends[0];
        if (first === undefined) throw new ArgumentError("no replicas given", {expected: "at least one server URL"});
        for (const backend of backends) {
            if (backend.id !== first.id) {
                throw new ArgumentError("the replicas serve different models", {
                    expected: `every replica serving ${first.id} (from ${first.name})`,
                    received: `${backend.id} (from ${backend.name})`,
                    hint: "list only servers of the same model and settings",
                    parameter: "model",
                });
            }
        }
        this.policy = {...defaultReplicaRetryPolicy, ...options.retry};
        this.random = options.random ?? Math.random;
        this.onRetry = options.onRetry;
        this.replicas = backends.map((backend) => {
            const limit = Math.max(1, Math.floor(options.concurrency ?? backend.capabilities.lanes));
            return {
                backend,
                limit,
                freeSlots: Array.from({length: limit}, (_, slot) => limit - 1 - slot),
                outstanding: 0,
                completed: 0,
                failures: 0,
                consecutiveFailures: 0,
                downUntil: 0,
            };
        });
        this.id = first.id;
        this.name = backends.length === 1 ? first.name : `${first.name} + ${backends.length - 1} more replica${backends.length === 2 ? "" : "s"}`;
        this.vocabulary = first.vocabulary;
        this.capabilities = {
            ...first.capabilities,
            lanes: this.replicas.reduce((sum, replica) => sum + replica.limit, 0),
            contextSize: Math.min(...backends.map((backend) => backend.capabilities.contextSize)),
            maxTopLogprobs: Math.min(...backends.map((backend) => backend.capabilities.maxTopLogprobs)),
            precision: backends.every((backend) => backend.capabilities.precision === "exact") ? "exact" : "fast",
        };
    }

    get replicaStats(): ReplicaStats[] {
        const now = Date.now();
        return this.replicas.map((replica) => ({
            name: replica.backend.name,
            outstanding: replica.outstanding,
            completed: replica.completed,
            failures: replica.failures,
            down: replica.downUntil > now,
        }));
    }

    tokenize(texts: readonly string[]): Promise<TokenId[][]> {
        return this.firstHealthy((backend) => backend.tokenize(texts));
    }

    detokenize(sequences: readonly (readonly TokenId[])[], options?: {special?: boolean}): Promise<string[]> {
        return this.firstHealthy((backend) => backend.detokenize(sequences, options));
    }

    tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        return this.firstHealthy((backend) => backend.tokenTexts(requests));
    }

    renderChat(requests: readonly ChatRenderRequest[]): Promise<TokenId[][]> {
        return this.firstHealthy((backend) => backend.renderChat(requests));
    }

    score(request: ScoreRequest, lane: number): Promise<ScoreResult> {
        return this.dispatch(lane, (backend, slot) => backend.score(request, slot));
    }

    generate(request: GenerateRequest, lane: number): Promise<Generation> {
        return this.dispatch(lane, (backend, slot) => backend.generate(request, slot));
    }

    async dispose(): Promise<void> {
        await Promise.allSettled(this.replicas.map((replica) => replica.backend.dispose()));
    }

    /** Text-side calls: the first replica not cooling down; transient failures move to the next, then wait and retry. */
    private async firstHealthy<T>(call: (backend: Backend) => Promise<T>): Promise<T> {
        const retry = new RetryState();
        for (let attempt = 1; ; attempt++) {
            const now = Date.now();
            const index = this.replicas
                .map((_, position) => position)
                .reduce((best, position) => (this.downAt(position, now) < this.downAt(best, now) ? position : best), 0);
            const replica = this.replicas[index] as ReplicaState;
            try {
                return await call(replica.backend);
            } catch (error) {
                if (!isTransientError(error)) throw error;
                this.noteFailure(replica, error);
                await this.beforeRetry(retry, attempt, index, error);
            }
        }
    }

    private async dispatch<T>(lane: number, call: (backend: Backend, slot: number) => Promise<T>): Promise<T> {
        const retry = new RetryState();
        for (let attempt = 1; ; attempt++) {
            const lease = await this.acquire(lane);
            const replica = this.replicas[lease.index] as ReplicaState;
            let failure: {error: unknown} | undefined;
            try {
                const result = await call(replica.backend, lease.slot);
                replica.completed++;
                replica.consecutiveFailures = 0;
                this.laneAffinity.set(lane, lease.index);
                return result;
            } catch (error) {
                if (!isTransientError(error)) throw error;
                this.retries++;
                this.noteFailure(replica, error);
                this.laneAffinity.delete(lane);
                failure = {error};
            } finally {
                this.release(lease);
            }
            await this.beforeRetry(retry, attempt, lease.index, failure.error);
        }
    }

    /** When a cooling-down replica is back (0 when it is healthy now), for picking the first. */
    private downAt(index: number, now: number): number {
        return Math.max(now, (this.replicas[index] as ReplicaState).downUntil);
    }

    /**
     * After a failed attempt: throws the final error when the attempts or the waiting bound are
     * spent; otherwise announces the retry and waits. Another healthy replica takes the request at
     * once; else the wait is the longer of a jittered exponential backoff and the soonest end of a
     * replica's cool-down, shortened to what is left of the bound (the cool-downs with it).
     */
    private async beforeRetry(retry: RetryState, attempt: number, failedIndex: number, error: unknown): Promise<void> {
        const {maxAttempts, maxWaitMs} = this.policy;
        const elapsedMs = Date.now() - retry.startedAt;
        const giveUp = (): BackendError => gaveUpError(error, attempt, elapsedMs, {maxAttempts, maxWaitMs}, this.replicas.length);
        if (attempt >= maxAttempts) throw giveUp();
        const now = Date.now();
        let delay = 0;
        if (this.healthyCount(failedIndex) === 0) {
            const backoff = this.random() * Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (attempt - 1));
            const soonest = Math.min(...this.replicas.map((replica) => Math.max(0, replica.downUntil - now)));
            delay = Math.ceil(Math.max(backoff, soonest));
        }
        const left = maxWaitMs - retry.waitedMs;
        if (delay > left) {
            if (left <= 0) throw giveUp();
            delay = left;
            for (const replica of this.replicas) replica.downUntil = Math.min(replica.downUntil, now + delay);
        }
        const replica = this.replicas[failedIndex] as ReplicaState;
        this.onRetry?.({server: replica.backend.name, attempt, maxAttempts, delayMs: delay, reason: failureReason(error), elapsedMs, maxWaitMs});
        retry.waitedMs += delay;
        if (delay > 0) await wait(delay);
    }

    private healthyCount(except: number): number {
        const now = Date.now();
        return this.replicas.filter((replica, index) => index !== except && replica.downUntil <= now).length;
    }

    private noteFailure(replica: ReplicaState, error: unknown): void {
        replica.failures++;
        replica.consecutiveFailures++;
        const fields = error instanceof BackendError ? error.fields : {};
        const retryAfter = typeof fields["retryAfterMs"] === "number" ? fields["retryAfterMs"] : undefined;
        const kind = fields["kind"];
        let pause = 0;
        if (retryAfter !== undefined) pause = retryAfter;
        else if (kind === "connection") pause = Math.min(30_000, this.policy.cooldownMs * 2 ** (replica.consecutiveFailures - 1));
        else if (fields["status"] === 429) pause = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (replica.consecutiveFailures - 1));
        if (pause > 0) {
            replica.downUntil = Math.max(replica.downUntil, Date.now() + pause);
            setTimeout(() => this.wake(), pause + 1).unref?.();
        }
    }

    /** A free slot on the lane's replica if it is healthy and has room, else on the least-loaded healthy replica. */
    private async acquire(lane: number): Promise<Lease> {
        for (;;) {
            const now = Date.now();
            const candidates = this.replicas.map((replica, index) => ({replica, index})).filter(({replica}) => replica.freeSlots.length > 0);
            const healthy = candidates.filter(({replica}) => replica.downUntil <= now);
            const preferred = this.laneAffinity.get(lane);
            let choice = healthy.find(({index}) => index === preferred);
            if (choice === undefined && healthy.length > 0) {
                choice = healthy.reduce((best, item) => {
                    const load = item.replica.outstanding / item.replica.limit;
                    const bestLoad = best.replica.outstanding / best.replica.limit;
                    return load < bestLoad || (load === bestLoad && item.replica.completed < best.replica.completed) ? item : best;
                });
            }
            if (choice === undefined && healthy.length === 0 && candidates.length > 0 && this.replicas.every((replica) => replica.downUntil > now)) {
                // Everyone is cooling down: wait for the first to come back.
                const soonest = Math.min(...this.replicas.map((replica) => replica.downUntil));
                await wait(Math.max(1, soonest - now));
                continue;
            }
            if (choice !== undefined) {
                const slot = choice.replica.freeSlots.pop() as number;
                choice.replica.outstanding++;
                return {index: choice.index, slot};
            }
            await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
    }

    private release(lease: Lease): void {
        const replica = this.replicas[lease.index] as ReplicaState;
        replica.outstanding--;
        replica.freeSlots.push(lease.slot);
        this.wake();
    }

    private wake(): void {
        const waiting = this.waiters;
        this.waiters = [];
        for (const resolve of waiting) resolve();
    }
}

function wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One request's retries so far: when it started, and how long it has waited between attempts. */
class RetryState {
    readonly startedAt = Date.now();
    waitedMs = 0;
}
