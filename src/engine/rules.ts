/**
 * Local backward rules, one setting per layer kind. The plain gradient is one choice of each; the
 * LRP family (in its gradient × input form) is another: relevance at an activation a is a ⊙ ∂̃f/∂a,
 * where ∂̃ is the backward pass with these rules.
 */
import type {ActivationRule, GateRule} from "./kernels/gated-mlp.js";
import type {NormalizationRule} from "./kernels/rms-norm.js";

/**
 * "gradient": exact. "attnlrp": AttnLRP in gradient form: the mix P·v and the product q·kᵀ are
 * bilinear, so each factor receives half (q and k a quarter overall, v a half); the softmax takes
 * its gradient. "constant-pattern": the pattern is a constant (CP-LRP, RelP's AH rule): nothing
 * flows into q or k.
 */
export type AttentionRule = "gradient" | "attnlrp" | "constant-pattern";

/** "gradient", or the ε rule: the gradient into a linear layer's output z is scaled by z / (z + ε·sign z). */
export type LinearRule = "gradient" | {epsilon: number};

export interface BackwardRules {
    normalization: NormalizationRule;
    activation: ActivationRule;
    gate: GateRule;
    attention: AttentionRule;
    linear: LinearRule;
}

export const gradientRules: BackwardRules = {normalization: "gradient", activation: "gradient", gate: "gradient", attention: "gradient", linear: "gradient"};

/** AttnLRP (Achtibat et al. 2024) as LXT's efficient mode implements it. */
export const attnLrpRules: BackwardRules = {normalization: "constant-scale", activation: "identity", gate: "half", attention: "attnlrp", linear: "gradient"};

/** CP-LRP: as AttnLRP, but no relevance through the attention pattern. */
export const cpLrpRules: BackwardRules = {...attnLrpRules, attention: "constant-pattern"};

/** RelP's default rules (LN, identity and half rules; attention by its gradient). */
export const relpRules: BackwardRules = {normalization: "constant-scale", activation: "identity", gate: "half", attention: "gradient", linear: "gradient"};

export function resolveRules(overrides: Partial<BackwardRules> | undefined): BackwardRules {
    return {...gradientRules, ...overrides};
}

/** dy ⊙ z / (z + ε·sign z) for the ε rule (sign 0 taken as +1); returns dy itself under "gradient". */
export function applyLinearRule<T extends Float32Array | Float64Array>(rule: LinearRule, dy: T, z: ArrayLike<number>): T {
    if (rule === "gradient") return dy;
    const out = dy.slice() as T;
    for (let i = 0; i < out.length; i++) {
        const value = z[i]!;
        out[i] = (dy[i]! * value) / (value + (value >= 0 ? rule.epsilon : -rule.epsilon));
    }
    return out;
}
