/** The explain API: attribute a model's answer to units of its input. */
export {explain, defaultUnitFor, type ExplainOptions, type ExplainProgress} from "./explain.js";
export {ModelGame, type ModelGameOptions} from "./model-game.js";
export {parseExplainInput, parseRationaleFlag, type ExplainInputFile, type RationaleSpan} from "./input-file.js";
export {generateGreedyTarget, defaultGreedyMaxTokens, type GreedyTarget, type GreedyStop} from "./greedy-target.js";
export {valueKinds, outcomeFor, logOdds, type ValueKind} from "./value-kinds.js";
export type {ExplainResult, ExplainTarget, ExplainTokens} from "./types.js";
export {explainWhiteBox, type WhiteBoxExplainOptions} from "./white-box/explain-white-box.js";
export {whiteBoxMethodNames, whiteBoxMethods, isWhiteBoxMethod, type WhiteBoxMethodName} from "./white-box/methods.js";
export {tokenAttribution, type TokenAttribution, type TokenAttributionRequest} from "./white-box/token-attribution.js";
export type {IntegratedGradientsBaseline, IntegrationMethod} from "./white-box/integration.js";
export type {WhiteBoxDetails} from "./white-box/details.js";
export type {ExplainMethodName} from "./types.js";
