/**
 * Rotary position embedding. Frequency j of a head rotates by angle (p / linearScale) · base^(−2j/d)
 * / factor_j, with d the rotary dimension count and factor_j the optional `rope_freqs` divisor.
 * Layout "pairs" rotates dimensions (2j, 2j+1) (llama); "halves" rotates (j, j + d/2) (NeoX).
 */
import type {RotaryLayout} from "../config.js";
import type {Floats} from "./matmul.js";

export interface RotaryTables {
    cos: Float64Array;
    sin: Float64Array;
    half: number;
}

export function rotaryTables(positions: number, rotaryDim: number, base: number, linearScale: number, factors: Float32Array | undefined): RotaryTables {
    const half = rotaryDim / 2;
    const cos = new Float64Array(positions * half);
    const sin = new Float64Array(positions * half);
    for (let p = 0; p < positions; p++) {
        for (let j = 0; j < half; j++) {
            const angle = ((p / linearScale) * Math.pow(base, (-2 * j) / rotaryDim)) / (factors === undefined ? 1 : factors[j]!);
            cos[p * half + j] = Math.cos(angle);
            sin[p * half + j] = Math.sin(angle);
        }
    }
    return {cos, sin, half};
}

/**
 * Rotates, in place, every head of x laid out `[sequences, length, heads, headDim]`; row t of a
 * sequence is position t. `direction` −1 applies the inverse rotation (the backward pass).
 */
export function applyRotary(
    x: Floats,
    sequences: number,
    length: number,
    heads: number,
    headDim: number,
    tables: RotaryTables,
    layout: RotaryLayout,
    direction: 1 | -1,
): void {
    const {cos, sin, half} = tables;
    const stride = layout === "pairs" ? 1 : half;
    for (let b = 0; b < sequences; b++) {
        for (let p = 0; p < length; p++) {
            const row = (b * length + p) * heads * headDim;
            for (let h = 0; h < heads; h++) {
                const o = row + h * headDim;
                for (let j = 0; j < half; j++) {
                    const c = cos[p * half + j]!;
                    const s = direction * sin[p * half + j]!;
                    const first = layout === "pairs" ? o + 2 * j : o + j;
                    const second = first + stride;
                    const a = x[first]!,
                        e = x[second]!;
                    x[first] = a * c - e * s;
                    x[second] = a * s + e * c;
                }
            }
        }
    }
}
