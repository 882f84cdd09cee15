/**
 * The protocol layer: what callers (explain, checks, reasoning, the server, the CLI) do with a
 * {@link Backend} beyond scoring, written once: tokens, BOS, prompt tokens, token text in context,
 * target alignment.
 */
export * from "./tokens.js";
export * from "./generation.js";
export {alignTarget, type AlignedTarget, type TokenPiece} from "./alignment.js";
