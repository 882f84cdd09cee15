/**
 * Scheduling: which lane evaluates which request, and in what order.
 *
 * Cost model (the llama.cpp backend's prefix reuse): a lane holds the tokens of its previous
 * request minus the last one (the last token is never evaluated: no logits are needed after it).
 * To score context ++ target the backend keeps the longest common prefix of what the lane holds
 * and the request, capped at `context.length - 1` (the logits at the last context position are
 * needed, so that token is always evaluated again), and evaluates the remaining tokens except the
 * very last one.
 *
 * Order: sorting requests lexicographically by context ++ target visits the prefix trie of the
 * batch depth first, so every trie edge is evaluated once on one lane — the fewest evaluated
 * tokens a single lane can achieve. Lanes take contiguous runs of that order; the split
 * minimises the most expensive lane, charging each run's first request its full length (a lane
 * starts without the run's prefix) and every request a fixed per-call overhead.
 */
import {commonPrefixLength, compareTokens, type FlatRequest} from "./token-sequence.js";

/** What a lane holds: `tokens[0..length)`. */
export interface LaneState {
    tokens: Int32Array;
    length: number;
}

export const emptyLaneState: LaneState = {tokens: new Int32Array(0), length: 0};

export interface PrefixCost {
    reused: number;
    evaluated: number;
}

/** Tokens reused from `held` and tokens evaluated when a lane holding `held` scores `request`. */
export function prefixCost(held: LaneState, request: FlatRequest, prefixReuse: boolean): PrefixCost {
    const total = Math.max(0, request.tokens.length - 1);
    if (!prefixReuse) return {reused: 0, evaluated: total};
    const shared = commonPrefixLength(held.tokens, held.length, request.tokens);
    const reused = Math.max(0, Math.min(shared, request.contextLength - 1));
    return {reused, evaluated: total - reused};
}

/** The state a lane holds after scoring `request`. */
export function laneStateAfter(request: FlatRequest): LaneState {
    return {tokens: request.tokens, length: Math.max(0, request.tokens.length - 1)};
}

/** Indices of `requests` sorted lexicographically by context ++ target (stable for equal sequences). */
export function prefixOrder(requests: readonly FlatRequest[]): number[] {
    const order = requests.map((_, index) => index);
    order.sort((left, right) => {
        const difference = compareTokens((requests[left] as FlatRequest).tokens, (requests[right] as FlatRequest).tokens);
        if (difference !== 0) return difference;
        const contextDifference = (requests[left] as FlatRequest).contextLength - (requests[right] as FlatRequest).contextLength;
        return contextDifference !== 0 ? contextDifference : left - right;
    });
    return order;
}

export interface LanePlanOptions {
    lanes: number;
    prefixReuse: boolean;
    /** Cost of one backend call, in evaluated-token equivalents. */
    callOverheadTokens: number;
}

/**
 * Splits `ordered` (already in prefix order) into at most `lanes` contiguous runs, minimising
 * the largest estimated run cost. Returns the runs as [start, end) index pairs into `ordered`.
 */
export function splitIntoRuns(ordered: readonly FlatRequest[], options: LanePlanOptions): Array<[number, number]> {
    const count = ordered.length;
    if (count === 0) return [];
    const lanes = Math.max(1, Math.floor(options.lanes));
    const startCost = new Float64Array(count);
    const followCost = new Float64Array(count);
    let previous = emptyLaneState;
    let total = 0;
    let largestStart = 0;
    for (let index = 0; index < count; index++) {
        const request = ordered[index] as FlatRequest;
        startCost[index] = prefixCost(emptyLaneState, request, options.prefixReuse).evaluated + options.callOverheadTokens;
        followCost[index] = prefixCost(previous, request, options.prefixReuse).evaluated + options.callOverheadTokens;
        total += followCost[index] as number;
        largestStart = Math.max(largestStart, startCost[index] as number);
        previous = laneStateAfter(request);
    }
    if (lanes === 1 || count === 1) return [[0, count]];

    const runsWithin = (bound: number): Array<[number, number]> | undefined => {
        const runs: Array<[number, number]> = [];
        let start = 0;
        while (start < count) {
            if (runs.length === lanes) return undefined;
            let cost = startCost[start] as number;
            let end = start + 1;
            while (end < count && cost + (followCost[end] as number) <= bound) {
                cost += followCost[end] as number;
                end++;
            }
            runs.push([start, end]);
            start = end;
        }
        return runs;
    };

    let low = largestStart;
    let high = total + largestStart;
    let best = runsWithin(high) ?? [[0, count]];
    for (let step = 0; step < 64 && high - low > 0.5; step++) {
        const middle = (low + high) / 2;
        const runs = runsWithin(middle);
        if (runs === undefined) low = middle;
        else {
            best = runs;
            high = middle;
        }
    }
    return best;
}

/**
 * Assigns runs to lanes, giving each run the lane whose held state shares the longest usable
 * prefix with the run's first request (greedy; lanes ≥ runs); among lanes that share as much, a
 * lane that is free now (`busy[lane]` false) before one that is running other work.
 */
export function assignRunsToLanes(
    runFirstRequests: readonly FlatRequest[],
    laneStates: readonly LaneState[],
    prefixReuse: boolean,
    busy: readonly boolean[] = [],
): number[] {
    const assignment = new Array<number>(runFirstRequests.length).fill(-1);
    const freeLanes = new Set(laneStates.map((_, lane) => lane));
    const candidates: Array<{run: number; lane: number; reused: number; busy: number}> = [];
    runFirstRequests.forEach((request, run) => {
        laneStates.forEach((state, lane) => {
            candidates.push({run, lane, reused: prefixCost(state, request, prefixReuse).reused, busy: busy[lane] === true ? 1 : 0});
        });
    });
    candidates.sort((left, right) => right.reused - left.reused || left.busy - right.busy || left.run - right.run || left.lane - right.lane);
    for (const candidate of candidates) {
        if (assignment[candidate.run] !== -1 || !freeLanes.has(candidate.lane)) continue;
        assignment[candidate.run] = candidate.lane;
        freeLanes.delete(candidate.lane);
    }
    return assignment;
}
