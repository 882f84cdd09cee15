/** What white-box token attribution takes and returns (token-attribution.ts, path-integral.ts). */
import type {Precision} from "../../engine/forward.js";
import type {IntegratedGradientsBaseline, IntegrationMethod} from "./integration.js";
import type {WhiteBoxMethodName} from "./methods.js";

export type LrpRuleSet = "attnlrp" | "cplrp";
export type AttentionAggregation = "raw" | "rollout";

export interface TokenAttributionRequest {
    /** Context token ids (BOS and template included). */
    context: readonly number[];
    /** The target, then (contrastive) the foil with sign −1: one component per token. */
    targets: readonly {tokens: readonly number[]; sign: 1 | -1}[];
    /** Per context position: whether it belongs to a player (only those move along the IG path). */
    players: readonly boolean[];
    method: WhiteBoxMethodName;
    baseline?: IntegratedGradientsBaseline;
    steps?: number;
    integration?: IntegrationMethod;
    /** Integrated gradients: refine the path until |delta| ≤ tolerance × |f(x) − f(baseline)| (default 0.01; 0: the plain rule). */
    tolerance?: number;
    /** Integrated gradients: most gradient evaluations per target token, refinement included (default 1024). */
    maxSteps?: number;
    lrpRules?: LrpRuleSet;
    attention?: AttentionAggregation;
    precision?: Precision;
}

export interface TokenAttribution {
    /** components × context positions. */
    components: number[][];
    /** Per context position: the explanation of the whole value (the norm of the summed gradient for saliency; the sum of components otherwise). */
    values: number[];
    /** The explained quantity at the input: Σ sign · log p (target logits for AttnLRP; absent for attention). */
    valueInput?: number;
    /** Integrated gradients: the value at the baseline, and Σ attributions − (f(x) − f(baseline)). */
    valueBaseline?: number;
    convergenceDelta?: number;
    /** Integrated gradients: points of the path evaluated (per target token), and the intervals of the final rule. */
    gradientEvaluations?: number;
    intervals?: number;
    /** AttnLRP: relevance summed over every position of every component's sequence (conservation: equals `valueInput`). */
    relevanceTotal?: number;
    /** Sequences run forward and backward (a batch of n sequences counts n). */
    forwardPasses: number;
    backwardPasses: number;
}
