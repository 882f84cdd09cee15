/** Faithfulness, agreement and plausibility metrics for attributions over games. */
export * from "../foundation/correlation.js";
export * from "./ordering.js";
export * from "./agreement.js";
export * from "./plausibility.js";
export * from "./faithfulness.js";
