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
