/**
 * glassbox/core: the model-agnostic core (units, attribution, metrics, evaluator, explain,
 * reasoning, errors, the backend specification) without any backend, store or server. Its declarations
 * reference no third-party types, so they compile under `--strict` without `skipLibCheck`.
 */
export * from "./errors.js";
export type * from "./model/backend-spec.js";
export type * from "./evaluator/types.js";
export {Evaluator, LruScoreCache, isTransientError, transientBackendError} from "./evaluator/index.js";
export type {EvaluatorOptions, ScoreCache, ScoreCacheEntry, ScoreCacheKey, RetryPolicy} from "./evaluator/index.js";
export type * from "./attribution/game.js";
export * from "./attribution/index.js";
export * from "./metrics/index.js";
export * from "./units/index.js";
export * from "./explain/index.js";
export * from "./reasoning/index.js";
export {glassboxVersion, resultSchemaVersion} from "./foundation/version.js";
