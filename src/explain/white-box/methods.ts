/**
 * The white-box explanation methods by name. They are not games over coalitions: each reads the
 * model's gradients or attention through the white-box engine (a backend's `whiteBox`
 * capability), so they live here beside explain(), not in src/attribution's registry.
 */
export const whiteBoxMethodNames = ["grad", "ixg", "ig", "attnlrp", "attention"] as const;
export type WhiteBoxMethodName = (typeof whiteBoxMethodNames)[number];

export interface WhiteBoxMethodEntry {
    name: WhiteBoxMethodName;
    /** What the method needs the engine for, in the capability error ("integrated gradients"). */
    purpose: string;
    /** One line for help texts. */
    summary: string;
}

export const whiteBoxMethods: Record<WhiteBoxMethodName, WhiteBoxMethodEntry> = {
    grad: {name: "grad", purpose: "gradient saliency", summary: "saliency: the norm of ∂f/∂(token embedding); one backward pass per target token"},
    ixg: {name: "ixg", purpose: "input × gradient", summary: "input × gradient: embedding · ∂f/∂embedding; one backward pass per target token"},
    ig: {
        name: "ig",
        purpose: "integrated gradients",
        summary: "integrated gradients from a baseline (mean, zero or a token), Gauss–Legendre or Riemann; (steps + 2) backward passes per target token",
    },
    attnlrp: {
        name: "attnlrp",
        purpose: "AttnLRP",
        summary: "AttnLRP relevance of the target logits under the engine's LRP rules; one backward pass per target token",
    },
    attention: {
        name: "attention",
        purpose: "attention attribution",
        summary: "attention from the predicting position: the last layer's pattern (raw) or its rollout; one forward pass",
    },
};

export function isWhiteBoxMethod(name: string): name is WhiteBoxMethodName {
    return (whiteBoxMethodNames as readonly string[]).includes(name);
}
