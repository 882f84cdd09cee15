import type {ScoreRequest, ScoreResult} from "../model/backend-spec.js";

/** Counters an evaluator keeps; benchmarks and `--json` output report them. */
export interface EvaluatorStats {
    /** Score requests handed to scoreMany, duplicates included. */
    requested: number;
    /** Requests answered from another identical request in the same batch. */
    deduplicated: number;
    /** Requests answered from the cache. */
    cacheHits: number;
    /** Requests that reached the backend. */
    backendCalls: number;
    /** Tokens the backend had to evaluate (after prefix reuse). */
    evaluatedTokens: number;
    /** Tokens served from a lane's KV prefix instead of being evaluated. */
    reusedTokens: number;
    /** Retries after transient backend failures. */
    retries: number;
}

export interface ScoreManyOptions {
    signal?: AbortSignal;
    /** Called after each request finishes: (done, total). */
    onProgress?: (done: number, total: number) => void;
}

/** The one thing attribution methods and checks need from a model: batched teacher-forced scoring. */
export interface ScoringEvaluator {
    scoreMany(requests: readonly ScoreRequest[], options?: ScoreManyOptions): Promise<ScoreResult[]>;
    readonly stats: EvaluatorStats;
}
