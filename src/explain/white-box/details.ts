/** What a white-box explanation records beside the shared explain schema (`ExplainResult.whiteBox`). */
import type {TokenId} from "../../model/backend-spec.js";

export interface WhiteBoxDetails {
    /** The explained quantity in words (AttnLRP explains the target logits; attention explains nothing scalar). */
    explains: string;
    /** Integrated gradients. */
    baseline?: string;
    steps?: number;
    integration?: "gauss-legendre" | "riemann";
    /** Integrated gradients: the refinement's target for the relative delta (0: none), the path points evaluated per target token and the intervals of the final rule. */
    tolerance?: number;
    gradientEvaluations?: number;
    intervals?: number;
    /** AttnLRP: the engine's rule preset. */
    rules?: "attnlrp" | "cplrp";
    /** Attention: the last layer ("raw") or the rollout through every layer. */
    attention?: "raw" | "rollout";
    precision: "f32" | "f64";
    /** Every context token, the unit it belongs to (−1: the template) and its score. */
    tokens: {id: TokenId; text: string; unit: number; value: number}[];
    /** componentLabels × context tokens. */
    tokenComponentValues: number[][];
    /** Share of Σ |token scores| that falls on template tokens (not in any unit). */
    templateShare: number;
    /** The explained quantity on the full input, from the engine (absent for attention). */
    valueInput?: number;
    /** Integrated gradients: f(baseline), Σ attributions − (f(x) − f(baseline)) and its ratio to |f(x) − f(baseline)|. */
    valueBaseline?: number;
    convergenceDelta?: number;
    relativeConvergenceDelta?: number;
    /** AttnLRP: relevance summed over every input position, and its relative gap to the explained logits. */
    relevanceTotal?: number;
    conservationGap?: number;
    /** Sequences run through the engine forward and backward (a batch of n counts n). */
    forwardPasses: number;
    backwardPasses: number;
}
