/**
 * The protocol layer: what callers (explain, checks, reasoning, the server, the CLI) do with a
 * {@link Backend}, written once: tokens, BOS, prompt tokens, token text in context, target
 * alignment, generation on the backend's lanes, option log-probabilities through the evaluator,
 * the scoring game and its reducers, and the prompt of a dataset item.
 */
export * from "./tokens.js";
export * from "./generation.js";
export {alignTarget, type AlignedTarget, type TokenPiece} from "./alignment.js";
export * from "./option-scoring.js";
export {itemPrompt} from "./item-prompt.js";
export * from "./score-reducers.js";
export {ScoringGame, type ScoringGameOptions, type ScoringTargets} from "./scoring-game.js";
