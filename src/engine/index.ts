export {
    WhiteBoxModel,
    type TokenBatch,
    type RunOptions,
    type HookedRunOptions,
    type RunResult,
    type BackwardRequest,
    type BackwardResult,
} from "./white-box-model.js";
export {readEngineConfig, supportedArchitectures, type Architecture, type EngineConfig, type Metadata, type RotaryLayout} from "./config.js";
export {
    planModel,
    checkMemory,
    buildWeights,
    type BuildOptions,
    type ModelPlan,
    type TensorDescription,
    type EngineWeights,
    type BlockWeights,
} from "./weights.js";
export {hookNames, blockHookNames, globalHookNames, checkHookNames, type Hook, type HookFunction, type Tensor, type CacheFilter} from "./hooks.js";
export {gradientRules, attnLrpRules, cpLrpRules, relpRules, type BackwardRules, type AttentionRule, type LinearRule} from "./rules.js";
export {logProbObjective, crossEntropyObjective, logitDifferenceObjective, contrastiveObjective, type Objective, type ObjectiveTerm} from "./objectives.js";
export {zeroWeightGradients, type WeightGradients, type BlockWeightGradients} from "./weight-gradients.js";
export {dequantize, isSupportedTensorType, supportedTensorTypes} from "./quantization/dequantize.js";
export {ggmlType, ggmlTypeName, describeGgmlType} from "./quantization/ggml-types.js";
export type {Precision} from "./forward.js";
export {llamaCppActivationRounding, roundActivations, type ActivationRounding} from "./kernels/activation-rounding.js";
export {integratedGradients, embeddingIntegratedGradients, gaussLegendre, type EmbeddingAttribution} from "./integrated-gradients.js";
