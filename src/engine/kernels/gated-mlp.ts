/**
 * The SwiGLU product post = silu(gate) ⊙ up and its backward under the rules: "gradient" for the
 * activation uses silu′; "identity" uses silu(g)/g = sigmoid(g) (relevance passes unchanged through
 * the activation); the gate rule "half" gives each factor of the product half the gradient.
 * silu(g) is computed as g / (1 + e^(−g)).
 */
import type {Floats} from "./matmul.js";

export type ActivationRule = "gradient" | "identity";
export type GateRule = "gradient" | "half";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function swigluForward(gate: Floats, up: Floats, length: number, post: Floats): void {
    for (let i = 0; i < length; i++) {
        const g = gate[i]!;
        post[i] = (g / (1 + Math.exp(-g))) * up[i]!;
    }
}

export function swigluBackward(
    gate: Floats,
    up: Floats,
    dPost: Floats,
    length: number,
    activation: ActivationRule,
    gateRule: GateRule,
    dGate: Floats,
    dUp: Floats,
): void {
    const share = gateRule === "half" ? 0.5 : 1;
    for (let i = 0; i < length; i++) {
        const g = gate[i]!;
        const s = sigmoid(g);
        const d = dPost[i]! * share;
        dGate[i] = activation === "identity" ? d * up[i]! * s : d * up[i]! * s * (1 + g * (1 - s));
        dUp[i] = d * g * s;
    }
}
