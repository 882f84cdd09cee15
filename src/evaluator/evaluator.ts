/**
 * The evaluator: batched teacher-forced scoring on one backend. It deduplicates a batch, answers
 * what it can from a cache, orders the rest so that consecutive requests share the longest token
 * prefix, splits that order over the backend's lanes, runs the lanes concurrently (calls within a
 * lane one at a time), retries transient failures with backoff and returns results in the
 * caller's order. Lanes are taken from the backend's lane scheduler (lanes.ts), which generation
 * shares, so a lane is never used by two callers at once. See schedule.ts for the cost model behind the order. The token stats use what
 * the backend reports (`ScoreResult.evaluatedTokens`/`reusedTokens`) and fall back to that model.
 * Results carry only `logprobs`.
 */
import {BackendError, CapabilityError, InputError} from "../errors.js";
import type {Backend, ScoreRequest, ScoreResult} from "../model/backend-spec.js";
import {isTransientError} from "../model/transient-errors.js";
import {abortReason, defaultRetryPolicy, retryDelayMs, sleep, type RetryPolicy} from "./retry.js";
import {LruScoreCache, type ScoreCache, type ScoreCacheEntry, type ScoreCacheKey} from "./score-cache.js";
import {laneScheduler, type LaneScheduler} from "./lanes.js";
import {assignRunsToLanes, emptyLaneState, laneStateAfter, prefixCost, prefixOrder, splitIntoRuns, type LaneState} from "./schedule.js";
import {flattenRequest, sameFlatRequest, type FlatRequest} from "./token-sequence.js";
import type {EvaluatorStats, ScoreManyOptions, ScoringEvaluator} from "./types.js";

export interface EvaluatorOptions {
    /** Where finished scores are kept; `false` disables caching. Default: an in-memory LRU. */
    cache?: ScoreCache | false;
    /** Lanes to use, at most `backend.capabilities.lanes` (default: all of them). */
    lanes?: number;
    /** Retries for transient backend errors (see retry.ts). */
    retry?: Partial<RetryPolicy>;
    /**
     * Whether the backend reuses the KV prefix a lane holds (the llama.cpp backend does). Shapes
     * the schedule and the `evaluatedTokens`/`reusedTokens` stats. Default true.
     */
    prefixReuse?: boolean;
    /** Fixed cost of one backend call in evaluated-token equivalents, for balancing lanes (default 4). */
    callOverheadTokens?: number;
}

interface UniqueRequest {
    flat: FlatRequest;
    request: ScoreRequest;
    /** Positions in the caller's batch that ask for this request. */
    positions: number[];
}

interface BatchState {
    signal: AbortSignal;
    results: Array<ScoreResult | undefined>;
    finished: ScoreCacheEntry[];
    /** Cache writes in flight, in order: each result is stored as it arrives, so a killed run keeps it. */
    storing: Promise<void>;
    keys: ScoreCacheKey[];
    done: number;
    total: number;
    onProgress: ((done: number, total: number) => void) | undefined;
}

export class Evaluator implements ScoringEvaluator {
    readonly backend: Backend;
    readonly lanes: number;
    private readonly cache: ScoreCache | undefined;
    private readonly retryPolicy: RetryPolicy;
    private readonly prefixReuse: boolean;
    private readonly callOverheadTokens: number;
    private readonly laneStates: LaneState[];
    private readonly scheduler: LaneScheduler;
    private readonly counters: EvaluatorStats = {
        requested: 0,
        deduplicated: 0,
        cacheHits: 0,
        backendCalls: 0,
        evaluatedTokens: 0,
        reusedTokens: 0,
        retries: 0,
    };
    private queueTail: Promise<void> = Promise.resolve();

    constructor(backend: Backend, options: EvaluatorOptions = {}) {
        this.backend = backend;
        const available = Math.max(1, Math.floor(backend.capabilities.lanes));
        this.lanes = Math.max(1, Math.min(available, Math.floor(options.lanes ?? available)));
        this.cache = options.cache === false ? undefined : (options.cache ?? new LruScoreCache());
        this.retryPolicy = {...defaultRetryPolicy, ...options.retry};
        this.prefixReuse = options.prefixReuse ?? true;
        this.callOverheadTokens = Math.max(0, options.callOverheadTokens ?? 4);
        this.laneStates = Array.from({length: this.lanes}, () => emptyLaneState);
        this.scheduler = laneScheduler(backend);
    }

    /** Totals over every call so far (a snapshot). */
    get stats(): EvaluatorStats {
        return {...this.counters};
    }

    async scoreMany(requests: readonly ScoreRequest[], options: ScoreManyOptions = {}): Promise<ScoreResult[]> {
        const {signal, onProgress} = options;
        if (signal?.aborted) throw abortReason(signal);
        if (requests.length === 0) return [];
        if (!this.backend.capabilities.scoring)
            throw new CapabilityError(`backend ${this.backend.name} cannot score given tokens`, {
                expected: "a backend that returns log-probabilities of prompt/target tokens",
                received: "a generation-only backend",
                hint: "use a local GGUF model or a server that returns prompt logprobs",
                parameter: "model",
            });
        const unique = deduplicate(requests);

        // Batches run one at a time (lanes are serialised across calls too). A batch aborted while
        // it waits leaves at once, but its turn passes on only when the batch before it is done.
        const previous = this.queueTail;
        let release = (): void => undefined;
        this.queueTail = new Promise<void>((resolve) => (release = resolve));
        try {
            await waitForTurn(previous, signal);
            return await this.scoreUnique(requests, unique, signal, onProgress);
        } finally {
            void previous.then(release);
        }
    }

    private async scoreUnique(
        requests: readonly ScoreRequest[],
        unique: UniqueRequest[],
        signal: AbortSignal | undefined,
        onProgress: ((done: number, total: number) => void) | undefined,
    ): Promise<ScoreResult[]> {
        this.counters.requested += requests.length;
        this.counters.deduplicated += requests.length - unique.length;
        const keys = unique.map(({flat, request}): ScoreCacheKey => ({
            backendId: this.backend.id,
            hash: flat.hashKey,
            context: request.context,
            target: request.target,
        }));
        const cached = this.cache === undefined ? [] : await this.cache.lookup(keys);
        const controller = new AbortController();
        const stopAll = (): void => controller.abort(signal === undefined ? undefined : abortReason(signal));
        signal?.addEventListener("abort", stopAll, {once: true});
        const batch: BatchState = {
            signal: controller.signal,
            results: new Array(unique.length),
            finished: [],
            storing: Promise.resolve(),
            keys,
            done: 0,
            total: requests.length,
            onProgress,
        };
        const missing: number[] = [];
        unique.forEach((entry, index) => {
            const hit = cached[index];
            if (hit !== undefined && hit.logprobs.length === entry.request.target.length) {
                batch.results[index] = hit;
                batch.done += entry.positions.length;
                this.counters.cacheHits++;
            } else missing.push(index);
        });
        if (batch.done > 0) onProgress?.(batch.done, batch.total);

        let firstError: {error: unknown} | undefined;
        try {
            const plan = this.plan(unique, missing);
            await Promise.allSettled(
                plan.map((indices, lane) =>
                    indices.length === 0
                        ? Promise.resolve()
                        : this.runLane(lane, indices, unique, batch).catch((error: unknown) => {
                              firstError ??= {error};
                              controller.abort();
                          }),
                ),
            );
        } finally {
            signal?.removeEventListener("abort", stopAll);
            await batch.storing;
        }
        if (signal?.aborted) throw abortReason(signal);
        if (firstError !== undefined) throw firstError.error;

        const output = new Array<ScoreResult>(requests.length);
        unique.forEach((entry, index) => {
            const result = batch.results[index] as ScoreResult;
            entry.positions.forEach((position, copy) => {
                output[position] = copy === 0 ? result : {logprobs: result.logprobs.slice()};
            });
        });
        return output;
    }

    /** Unique-request indices per lane, each list in the order the lane evaluates it. */
    private plan(unique: readonly UniqueRequest[], missing: readonly number[]): number[][] {
        const perLane: number[][] = Array.from({length: this.lanes}, () => []);
        if (missing.length === 0) return perLane;
        const flats = missing.map((index) => (unique[index] as UniqueRequest).flat);
        const ordered = prefixOrder(flats).map((position) => missing[position] as number);
        const orderedFlats = ordered.map((index) => (unique[index] as UniqueRequest).flat);
        const runs = splitIntoRuns(orderedFlats, {
            lanes: this.lanes,
            prefixReuse: this.prefixReuse,
            callOverheadTokens: this.callOverheadTokens,
        });
        const lanesForRuns = assignRunsToLanes(
            runs.map(([start]) => orderedFlats[start] as FlatRequest),
            this.laneStates,
            this.prefixReuse,
            this.scheduler.busyLanes,
        );
        runs.forEach(([start, end], run) => {
            perLane[lanesForRuns[run] as number] = ordered.slice(start, end);
        });
        return perLane;
    }

    /** Scores a lane's run, holding the lane (from the backend's scheduler) for the whole run. */
    private runLane(lane: number, indices: readonly number[], unique: readonly UniqueRequest[], batch: BatchState): Promise<void> {
        return this.scheduler.run({lane, user: this, signal: batch.signal}, async () => {
            // Someone else used the lane since this evaluator did: what it holds is unknown.
            if (this.scheduler.lastUser(lane) !== this) this.laneStates[lane] = emptyLaneState;
            await this.scoreRun(lane, indices, unique, batch);
        });
    }

    private async scoreRun(lane: number, indices: readonly number[], unique: readonly UniqueRequest[], batch: BatchState): Promise<void> {
        for (const index of indices) {
            if (batch.signal.aborted) return;
            const entry = unique[index] as UniqueRequest;
            let result: ScoreResult;
            try {
                result = await this.scoreWithRetries(entry.request, lane, batch.signal);
            } catch (error) {
                this.laneStates[lane] = emptyLaneState;
                throw error;
            }
            if (!Array.isArray(result?.logprobs) || result.logprobs.length !== entry.request.target.length) {
                this.laneStates[lane] = emptyLaneState;
                throw new BackendError(`backend ${this.backend.name} returned a malformed score`, {
                    expected: `${entry.request.target.length} log-probabilities (one per target token)`,
                    received: Array.isArray(result?.logprobs) ? `${result.logprobs.length}` : typeof result,
                });
            }
            const modelled = prefixCost(this.laneStates[lane] as LaneState, entry.flat, this.prefixReuse);
            this.laneStates[lane] = laneStateAfter(entry.flat);
            const reported = result.evaluatedTokens !== undefined && result.reusedTokens !== undefined;
            this.counters.backendCalls++;
            this.counters.evaluatedTokens += reported ? (result.evaluatedTokens as number) : modelled.evaluated;
            this.counters.reusedTokens += reported ? (result.reusedTokens as number) : modelled.reused;
            const scores: ScoreResult = {logprobs: result.logprobs};
            batch.results[index] = scores;
            const finished = {key: batch.keys[index] as ScoreCacheKey, result: scores};
            batch.finished.push(finished);
            const cache = this.cache;
            if (cache !== undefined) batch.storing = batch.storing.then(() => cache.store([finished]));
            batch.done += entry.positions.length;
            batch.onProgress?.(batch.done, batch.total);
        }
    }

    private async scoreWithRetries(request: ScoreRequest, lane: number, signal: AbortSignal): Promise<ScoreResult> {
        for (let attempt = 0; ; attempt++) {
            try {
                return await this.backend.score(request, lane);
            } catch (error) {
                if (!isTransientError(error) || attempt >= this.retryPolicy.maxRetries || signal.aborted) throw error;
                this.laneStates[lane] = emptyLaneState;
                this.counters.retries++;
                await sleep(retryDelayMs(this.retryPolicy, attempt + 1), signal);
            }
        }
    }
}

function waitForTurn(previous: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (signal === undefined) return previous;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(abortReason(signal));
        signal.addEventListener("abort", onAbort, {once: true});
        void previous.then(() => {
            signal.removeEventListener("abort", onAbort);
            if (signal.aborted) reject(abortReason(signal));
            else resolve();
        });
    });
}

/** Groups identical requests; O(total tokens) via hashing, exact comparison on hash matches. */
function deduplicate(requests: readonly ScoreRequest[]): UniqueRequest[] {
    const unique: UniqueRequest[] = [];
    const byHash = new Map<string, number | number[]>();
    requests.forEach((request, position) => {
        if (request === null || typeof request !== "object" || !Array.isArray(request.context) || !Array.isArray(request.target))
            throw new InputError(`score request ${position} is malformed`, {
                expected: "{context: token ids, target: token ids}",
                received: typeof request,
            });
        if (request.context.length === 0)
            throw new InputError(`score request ${position} has an empty context`, {
                expected: "a context of at least one token (BOS included)",
                received: "0 tokens",
            });
        const flat = flattenRequest(request);
        const found = byHash.get(flat.hashKey);
        const candidates = found === undefined ? [] : typeof found === "number" ? [found] : found;
        for (const candidate of candidates) {
            const existing = unique[candidate] as UniqueRequest;
            if (sameFlatRequest(existing.flat, flat)) {
                existing.positions.push(position);
                return;
            }
        }
        unique.push({flat, request, positions: [position]});
        const index = unique.length - 1;
        if (found === undefined) byHash.set(flat.hashKey, index);
        else byHash.set(flat.hashKey, [...candidates, index]);
    });
    return unique;
}
