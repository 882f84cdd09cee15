/** glassbox: the library entry point. */
export * from "./errors.js";
export type * from "./model/contract.js";
export type * from "./evaluator/types.js";
export {Evaluator, LruScoreCache, isTransientError, transientBackendError} from "./evaluator/index.js";
export type {EvaluatorOptions, ScoreCache, ScoreCacheEntry, ScoreCacheKey, RetryPolicy} from "./evaluator/index.js";
export type * from "./attribution/game.js";
export * from "./attribution/index.js";
export * from "./metrics/index.js";
export * from "./units/index.js";
export * from "./explain/index.js";
export * from "./backends/llama-cpp/index.js";
export {alignTarget, promptTokens, tokenizeWithBos, type AlignedTarget, type TokenPiece, type TokenizingBackend} from "./model/alignment.js";
export {createSeededRandom, sampleCandidate, type WeightedCandidate} from "./model/sampling.js";
export {glassboxVersion, resultSchemaVersion} from "./version.js";
