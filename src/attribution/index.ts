/** Attribution over games: methods, their registry, analytic games and the seeded random source. */
export type * from "./game.js";
export type * from "./result.js";
export * from "./registry.js";
export * from "./coalitions.js";
export * from "./random.js";
export * from "./analytic-games.js";
export {leaveOneOut, leaveOneOutMinimumBudget} from "./leave-one-out.js";
export {exactShapley, exactShapleyEvaluations, shapleyFromTable, shapleyWeights, type ExactShapleyOptions} from "./exact-shapley.js";
export {shapleySampling, shapleySamplingMinimumBudget, shapleySamplingDefaultBudget, type ShapleySamplingOptions} from "./shapley-sampling.js";
export {
    kernelShap,
    kernelShapDesign,
    kernelShapDesigns,
    kernelShapMinimumBudget,
    kernelShapDefaultBudget,
    type KernelShapOptions,
    type KernelShapDesign,
} from "./kernel-shap.js";
export {stratifiedPairedDesign, kernelSizeMass, type PairedDesign} from "./kernel-design.js";
export {
    interactionKernelShap,
    interactionKernelShapMinimumBudget,
    interactionKernelShapDefaultBudget,
    interactionKernelShapDefaultRidge,
    type InteractionKernelShapOptions,
} from "./interaction-kernel-shap.js";
export {lime, limeKernel, limeMinimumBudget, limeDefaultBudget, limeDefaultKernelWidth, limeDefaultRidge, type LimeOptions} from "./lime.js";
export {sparseSurrogate, surrogateMinimumBudget, surrogateDefaultBudget, surrogateDefaultAlpha, type SparseSurrogateOptions} from "./sparse-surrogate.js";
export {fitLasso, lassoPredict, chooseLassoAlphaByCrossValidation, type LassoFit} from "./lasso.js";
export {hierarchical, contiguousTree, hierarchicalMinimumBudget, type HierarchicalOptions, type PlayerTreeNode} from "./hierarchical.js";
