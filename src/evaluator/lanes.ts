/**
 * The lane scheduler: one per backend, shared by everything that calls the backend's lanes
 * (the evaluator's scoring, the protocol's generation). A lane runs one call at a time; work asks
 * for a given lane (the evaluator, which plans lanes by the prefix each one holds) or for any lane
 * (generation), and waits, first come first served, until that lane is free. So items evaluated
 * concurrently spread over all lanes and never overlap on one.
 *
 * The scheduler of a backend is found through {@link laneScheduler}, keyed by the backend object:
 * every evaluator and every generation on the same backend object share it.
 */
import {ArgumentError} from "../errors.js";
import type {Backend} from "../model/backend-spec.js";
import {abortReason} from "./retry.js";

interface Waiter {
    /** The lane asked for, or undefined for the first free lane below `below`. */
    lane: number | undefined;
    below: number;
    start: (lane: number) => void;
}

export interface LaneRequest {
    /** A given lane; without it, the first lane that is free (the lowest index when several are). */
    lane?: number;
    /** With `lane` unset: use only lanes 0 … below − 1 (default: every lane). */
    below?: number;
    /** Who uses the lane (see {@link LaneScheduler.lastUser}); default: nobody in particular. */
    user?: object;
    signal?: AbortSignal;
}

export class LaneScheduler {
    readonly lanes: number;
    private readonly busy: boolean[];
    private readonly users: Array<object | undefined>;
    private readonly waiting: Waiter[] = [];
    /** Most lanes busy at one time (for tests and benchmarks). */
    maxBusyLanes = 0;

    constructor(lanes: number) {
        this.lanes = Math.max(1, Math.floor(lanes));
        this.busy = new Array<boolean>(this.lanes).fill(false);
        this.users = new Array<object | undefined>(this.lanes).fill(undefined);
    }

    /** Whether each lane is running work right now. */
    get busyLanes(): readonly boolean[] {
        return this.busy.slice();
    }

    /** Who ran the last work on `lane` (undefined when nobody, or an anonymous user). */
    lastUser(lane: number): object | undefined {
        return this.users[lane];
    }

    /** Runs `work` on a lane of its own: nothing else runs on that lane until it settles. */
    async run<T>(request: LaneRequest, work: (lane: number) => Promise<T>): Promise<T> {
        const lane = await this.acquire(request);
        try {
            return await work(lane);
        } finally {
            this.users[lane] = request.user;
            this.release(lane);
        }
    }

    private acquire(request: LaneRequest): Promise<number> {
        const {signal} = request;
        if (signal?.aborted) return Promise.reject(abortReason(signal));
        const wanted = request.lane;
        if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 0 || wanted >= this.lanes)) {
            return Promise.reject(
                new ArgumentError(`lane ${wanted} does not exist`, {
                    expected: `a lane in 0…${this.lanes - 1}`,
                    received: String(wanted),
                    parameter: "lane",
                }),
            );
        }
        const below = Math.max(1, Math.min(this.lanes, Math.floor(request.below ?? this.lanes)));
        const free = wanted !== undefined ? (this.busy[wanted] ? -1 : wanted) : this.busy.slice(0, below).indexOf(false);
        if (free >= 0) {
            this.take(free);
            return Promise.resolve(free);
        }
        return new Promise<number>((resolve, reject) => {
            const onAbort = (): void => {
                const index = this.waiting.indexOf(waiter);
                if (index >= 0) this.waiting.splice(index, 1);
                reject(abortReason(signal as AbortSignal));
            };
            const waiter: Waiter = {
                lane: wanted,
                below,
                start: (lane) => {
                    signal?.removeEventListener("abort", onAbort);
                    resolve(lane);
                },
            };
            this.waiting.push(waiter);
            signal?.addEventListener("abort", onAbort, {once: true});
        });
    }

    private take(lane: number): void {
        this.busy[lane] = true;
        this.maxBusyLanes = Math.max(this.maxBusyLanes, this.busy.filter(Boolean).length);
    }

    /** Frees `lane`, or hands it at once to the first waiter that can use it. */
    private release(lane: number): void {
        this.busy[lane] = false;
        const next = this.waiting.findIndex((waiter) => (waiter.lane === undefined ? lane < waiter.below : waiter.lane === lane));
        if (next < 0) return;
        const [waiter] = this.waiting.splice(next, 1);
        this.take(lane);
        waiter?.start(lane);
    }
}

const schedulers = new WeakMap<object, LaneScheduler>();

/** The lane scheduler of `backend` (made on first use, with `backend.capabilities.lanes` lanes). */
export function laneScheduler(backend: Pick<Backend, "capabilities">): LaneScheduler {
    let scheduler = schedulers.get(backend);
    if (scheduler === undefined) {
        scheduler = new LaneScheduler(backend.capabilities.lanes);
        schedulers.set(backend, scheduler);
    }
    return scheduler;
}
