export {Evaluator, type EvaluatorOptions} from "./evaluator.js";
export {LruScoreCache, type LruScoreCacheOptions, type ScoreCache, type ScoreCacheEntry, type ScoreCacheKey} from "./score-cache.js";
export {defaultRetryPolicy, type RetryPolicy} from "./retry.js";
export {isTransientError, transientBackendError} from "../model/transient-errors.js";
export type {EvaluatorStats, ScoreManyOptions, ScoringEvaluator} from "./types.js";
