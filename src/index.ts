/**
 * glassbox: the core. Units, games and attribution methods, metrics, the evaluator, explain, the
 * checks, reasoning analyses and reward functions, the backend specification and the protocol
 * layer. It does no I/O and loads neither node-llama-cpp, SQLite nor an HTTP server
 * (test/package-entries.test.ts); models come from `glassbox/backends` or `glassbox/llama-cpp`,
 * the run store from `glassbox/store`, servers from `glassbox/server`, the backend conformance
 * suite from `glassbox/testing`.
 */
export * from "./errors.js";
export type * from "./model/backend-spec.js";
export {backendSpecificationVersion} from "./model/backend-spec.js";
export {checkGenerateWindow, checkScoreWindow, checkTokenWindow, checkVocabulary, windowLimits, type TokenWindowLimits} from "./model/token-window.js";
export {tokenTextsByDecoding, type BatchDetokenizer} from "./model/token-texts.js";
export {requireWhiteBox, whiteBoxLogprobs} from "./model/white-box.js";
export type * from "./evaluator/types.js";
export {Evaluator, LruScoreCache, isTransientError, transientBackendError} from "./evaluator/index.js";
export type {EvaluatorOptions, ScoreCache, ScoreCacheEntry, ScoreCacheKey, RetryPolicy} from "./evaluator/index.js";
export type * from "./attribution/game.js";
export * from "./attribution/index.js";
export * from "./metrics/index.js";
export * from "./units/index.js";
export * from "./explain/index.js";
export * from "./reasoning/index.js";
export * from "./protocol/index.js";
export {sampleCandidate, type WeightedCandidate} from "./model/sampling.js";
export {SeededRandom, type RandomSource} from "./foundation/random.js";
export {canonicalJson, sha256Hex} from "./foundation/canonical-json.js";
export {glassboxVersion, resultSchemaVersion} from "./foundation/version.js";
export {parseJsonlDataset, parseDatasetItem, datasetItem, type DatasetItem, type MalformedLine, type ParsedDataset} from "./datasets/index.js";
export type {CheckRecord, ItemRecord, ItemStatus, ItemVerdict, RunRecord, RunRecorder, RunSpec, RunStatus, TypedVerdict} from "./checks/run-records.js";
export {defineCheck, finishedVerdicts, okVerdicts, type CheckDefinition, type CheckSettingsContext, type CheckSetupContext} from "./checks/check-definition.js";
export {runDataset, type DatasetProgress, type DatasetRunResult, type ItemEvaluation, type RunDatasetOptions} from "./checks/run-dataset.js";
export {
    selfExplanationItem,
    summarizeSelfExplanation,
    selfExplanationCapabilities,
    type SelfExplanationSettings,
    type SelfExplanationVerdict,
} from "./checks/self-explanation/check.js";
export {
    counterfactualItem,
    summarizeCounterfactual,
    counterfactualCapabilities,
    type CounterfactualSettings,
    type CounterfactualVerdict,
} from "./checks/counterfactual/check.js";
export {insertionEdits, insertionSlots, mentionsWord, type WordLists} from "./checks/counterfactual/insertions.js";
export {refineExplanation, type RefineSettings} from "./checks/refine/loop.js";
export {feedbackKinds, type FeedbackKind} from "./checks/refine/feedback.js";
export {buildAmplifyPrompt, amplifyItem, summarizeAmplify, amplifyCapabilities} from "./checks/amplify/amplify.js";
export {combineRewards, unscored, type RewardContext, type RewardFunction, type RewardItem, type RewardResult, type WeightedReward} from "./rewards/types.js";
export {mathReward, scoreMathAnswer, type MathRewardOptions} from "./rewards/math-reward.js";
export {mathAnswersEquivalent, type EquivalenceVerdict, type MathEquivalenceOptions} from "./rewards/math/equivalence.js";
export {extractMathAnswer, mathExtractorNames, type MathExtractorName} from "./rewards/math/extract.js";
export {exactMatchReward, multipleChoiceReward, regexReward} from "./rewards/match-rewards.js";
export {formatReward, overlongPenalty, processReward, targetLengthReward} from "./rewards/format-length-rewards.js";
export {codeReward, type CodeRunner} from "./rewards/code-reward.js";
export {probabilityReward, type TokenProbabilityScorer} from "./rewards/probability-reward.js";
export {backendProbabilityScorer} from "./rewards/backend-probability-scorer.js";
export {agreementReward} from "./rewards/agreement-reward.js";
