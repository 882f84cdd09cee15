/**
 * Causal grouped-query attention in three steps, each a hook point: scores S = q kᵀ · scale
 * (masked entries −∞), pattern P = softmax(S) per query row, mix z = P v. Layouts: q and z
 * `[sequences, length, heads, headDim]`, k and v `[sequences, length, kvHeads, headDim]`, S and P
 * `[sequences, heads, length, length]`. Query head h reads key/value head h / (heads / kvHeads).
 */
import {matmulAttentionMix, matmulAttentionMixBackward, matmulAttentionScores, matmulAttentionScoresBackward} from "./attention-matmul.js";
import type {AttentionShape} from "./attention-shape.js";
import type {Floats} from "./matmul.js";
import {wasmMatmul} from "./wasm-matmul.js";

export type {AttentionShape};

/** Float32 attention over sequences at least this long goes through the WebAssembly kernel. */
const matmulMinimumLength = 16;

function kernelFor(shape: AttentionShape, ...arrays: Floats[]): ReturnType<typeof wasmMatmul> {
    if (shape.length < matmulMinimumLength || !arrays.every((array) => array instanceof Float32Array)) return undefined;
    return wasmMatmul();
}

export function attentionScores(q: Floats, k: Floats, shape: AttentionShape, scale: number, scores: Floats): void {
    const kernel = kernelFor(shape, q, k, scores);
    if (kernel !== undefined) return matmulAttentionScores(kernel, q as Float32Array, k as Float32Array, shape, scale, scores as Float32Array);
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const group = heads / kvHeads;
    for (let b = 0; b < sequences; b++) {
        for (let h = 0; h < heads; h++) {
            const kvHead = Math.floor(h / group);
            for (let i = 0; i < length; i++) {
                const qo = ((b * length + i) * heads + h) * headDim;
                const so = ((b * heads + h) * length + i) * length;
                for (let j = 0; j <= i; j++) {
                    const ko = ((b * length + j) * kvHeads + kvHead) * headDim;
                    let sum = 0;
                    for (let d = 0; d < headDim; d++) sum += q[qo + d]! * k[ko + d]!;
                    scores[so + j] = sum * scale;
                }
                for (let j = i + 1; j < length; j++) scores[so + j] = -Infinity;
            }
        }
    }
}

/** Softmax of each row of `length` entries (−∞ entries become 0). */
export function softmaxRows(scores: Floats, rows: number, length: number, pattern: Floats): void {
    for (let r = 0; r < rows; r++) {
        const o = r * length;
        let max = -Infinity;
        for (let j = 0; j < length; j++) max = Math.max(max, scores[o + j]!);
        let sum = 0;
        for (let j = 0; j < length; j++) {
            const e = scores[o + j] === -Infinity ? 0 : Math.exp(scores[o + j]! - max);
            pattern[o + j] = e;
            sum += e;
        }
        for (let j = 0; j < length; j++) pattern[o + j] = pattern[o + j]! / sum;
    }
}

export function attentionMix(pattern: Floats, v: Floats, shape: AttentionShape, z: Floats): void {
    const kernel = kernelFor(shape, pattern, v, z);
    if (kernel !== undefined) return matmulAttentionMix(kernel, pattern as Float32Array, v as Float32Array, shape, z as Float32Array);
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const group = heads / kvHeads;
    z.fill(0, 0, sequences * length * heads * headDim);
    for (let b = 0; b < sequences; b++) {
        for (let h = 0; h < heads; h++) {
            const kvHead = Math.floor(h / group);
            for (let i = 0; i < length; i++) {
                const zo = ((b * length + i) * heads + h) * headDim;
                const po = ((b * heads + h) * length + i) * length;
                for (let j = 0; j <= i; j++) {
                    const p = pattern[po + j]!;
                    if (p === 0) continue;
                    const vo = ((b * length + j) * kvHeads + kvHead) * headDim;
                    for (let d = 0; d < headDim; d++) z[zo + d] = z[zo + d]! + p * v[vo + d]!;
                }
            }
        }
    }
}

/** Backward of the mix: dP = dz vᵀ (overwritten; 0 above the diagonal), dv = Pᵀ dz (overwritten). */
export function attentionMixBackward(pattern: Floats, v: Floats, dz: Floats, shape: AttentionShape, dPattern: Floats, dv: Floats): void {
    const kernel = kernelFor(shape, pattern, v, dz, dPattern, dv);
    if (kernel !== undefined)
        return matmulAttentionMixBackward(
            kernel,
            pattern as Float32Array,
            v as Float32Array,
            dz as Float32Array,
            shape,
            dPattern as Float32Array,
            dv as Float32Array,
        );
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const group = heads / kvHeads;
    dv.fill(0, 0, sequences * length * kvHeads * headDim);
    dPattern.fill(0, 0, sequences * heads * length * length);
    for (let b = 0; b < sequences; b++) {
        for (let h = 0; h < heads; h++) {
            const kvHead = Math.floor(h / group);
            for (let i = 0; i < length; i++) {
                const zo = ((b * length + i) * heads + h) * headDim;
                const po = ((b * heads + h) * length + i) * length;
                for (let j = 0; j <= i; j++) {
                    const vo = ((b * length + j) * kvHeads + kvHead) * headDim;
                    const p = pattern[po + j]!;
                    let sum = 0;
                    for (let d = 0; d < headDim; d++) {
                        const g = dz[zo + d]!;
                        sum += g * v[vo + d]!;
                        dv[vo + d] = dv[vo + d]! + p * g;
                    }
                    dPattern[po + j] = sum;
                }
            }
        }
    }
}

/** Backward of a row softmax: dS = P ⊙ (dP − Σ_j P_j dP_j) (overwritten). */
export function softmaxBackward(pattern: Floats, dPattern: Floats, rows: number, length: number, dScores: Floats): void {
    for (let r = 0; r < rows; r++) {
        const o = r * length;
        let dot = 0;
        for (let j = 0; j < length; j++) dot += pattern[o + j]! * dPattern[o + j]!;
        for (let j = 0; j < length; j++) dScores[o + j] = pattern[o + j]! * (dPattern[o + j]! - dot);
    }
}

/** Backward of the scores: dq = dS k · scale, dk = dSᵀ q · scale (both overwritten). */
export function attentionScoresBackward(q: Floats, k: Floats, dScores: Floats, shape: AttentionShape, scale: number, dq: Floats, dk: Floats): void {
    const kernel = kernelFor(shape, q, k, dScores, dq, dk);
    if (kernel !== undefined)
        return matmulAttentionScoresBackward(
            kernel,
            q as Float32Array,
            k as Float32Array,
            dScores as Float32Array,
            shape,
            scale,
            dq as Float32Array,
            dk as Float32Array,
        );
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const group = heads / kvHeads;
    dq.fill(0, 0, sequences * length * heads * headDim);
    dk.fill(0, 0, sequences * length * kvHeads * headDim);
    for (let b = 0; b < sequences; b++) {
        for (let h = 0; h < heads; h++) {
            const kvHead = Math.floor(h / group);
            for (let i = 0; i < length; i++) {
                const qo = ((b * length + i) * heads + h) * headDim;
                const so = ((b * heads + h) * length + i) * length;
                for (let j = 0; j <= i; j++) {
                    const g = dScores[so + j]! * scale;
                    if (g === 0) continue;
                    const ko = ((b * length + j) * kvHeads + kvHead) * headDim;
                    for (let d = 0; d < headDim; d++) {
                        dq[qo + d] = dq[qo + d]! + g * k[ko + d]!;
                        dk[ko + d] = dk[ko + d]! + g * q[qo + d]!;
                    }
                }
            }
        }
    }
}
