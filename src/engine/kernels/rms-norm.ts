/**
 * RMS normalisation, split where the hook `hook_normalized` sits: normalise (n = x · r with
 * r = 1/√(mean(x²) + ε)), then scale by the learned gain. The backward rule "gradient" is the
 * exact derivative; "constant-scale" treats r as a constant (the LRP rule for normalisation).
 */
import type {Floats} from "./matmul.js";

export type NormalizationRule = "gradient" | "constant-scale";

export function rmsNormalize(x: Floats, rows: number, dim: number, eps: number, normalized: Floats, inverseRms: Floats): void {
    for (let t = 0; t < rows; t++) {
        const o = t * dim;
        let sum = 0;
        for (let i = 0; i < dim; i++) sum += x[o + i]! * x[o + i]!;
        const r = 1 / Math.sqrt(sum / dim + eps);
        inverseRms[t] = r;
        for (let i = 0; i < dim; i++) normalized[o + i] = x[o + i]! * r;
    }
}

/** out[t, i] = input[t, i] · gain[i mod gain.length] (a gain shorter than a row repeats, e.g. per head). */
export function applyGain(input: Floats, length: number, gain: Float32Array, out: Floats): void {
    const period = gain.length;
    for (let start = 0; start < length; start += period) {
        for (let i = 0; i < period; i++) out[start + i] = input[start + i]! * gain[i]!;
    }
}

/**
 * dx (overwritten) from dn, the gradient at the normalised values. With n = x r:
 * gradient: dx = r (dn − n · mean(n ⊙ dn)); constant-scale: dx = r dn.
 */
export function rmsNormalizeBackward(x: Floats, inverseRms: Floats, dNormalized: Floats, rows: number, dim: number, rule: NormalizationRule, dx: Floats): void {
    for (let t = 0; t < rows; t++) {
        const o = t * dim;
        const r = inverseRms[t]!;
        if (rule === "constant-scale") {
            for (let i = 0; i < dim; i++) dx[o + i] = r * dNormalized[o + i]!;
            continue;
        }
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += x[o + i]! * r * dNormalized[o + i]!;
        const mean = dot / dim;
        for (let i = 0; i < dim; i++) dx[o + i] = r * (dNormalized[o + i]! - x[o + i]! * r * mean);
    }
}

/** The gain's gradient, accumulated: dgain[i mod gain length] += dOut ⊙ normalized, in row order. */
export function gainBackward(dOut: Floats, normalized: Floats, length: number, dGain: Float64Array): void {
    const period = dGain.length;
    for (let start = 0; start < length; start += period) {
        for (let i = 0; i < period; i++) dGain[i] = dGain[i]! + dOut[start + i]! * normalized[start + i]!;
    }
}
