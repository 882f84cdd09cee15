/**
 * Float32 attention per (sequence, head) as dense products through the WebAssembly kernel: the
 * head's q, k and v are gathered into contiguous `[length, headDim]` blocks (or their transposes),
 * each product runs as y = x Wᵀ, and the causal mask is applied afterwards (the kernel computes the
 * masked half too; at SIMD speed that is cheaper than skipping it in scalar code). Same results
 * and layouts as the scalar kernels in attention.ts, with float32 sums.
 */
import type {AttentionShape} from "./attention-shape.js";
import {wasmMatmul} from "./wasm-matmul.js";

type Kernel = NonNullable<ReturnType<typeof wasmMatmul>>;

/** Copies head `head` of a `[sequences, length, heads, headDim]` tensor into `[length, headDim]` (or `[headDim, length]`). */
function gather(source: Float32Array, b: number, head: number, heads: number, shape: AttentionShape, transpose: boolean, out: Float32Array): Float32Array {
    const {length, headDim} = shape;
    for (let t = 0; t < length; t++) {
        const o = ((b * length + t) * heads + head) * headDim;
        if (!transpose) out.set(source.subarray(o, o + headDim), t * headDim);
        else for (let d = 0; d < headDim; d++) out[d * length + t] = source[o + d]!;
    }
    return out;
}

/** Adds (or writes) a `[length, headDim]` block back into head `head` of a `[sequences, length, heads, headDim]` tensor. */
function scatter(block: Float32Array, b: number, head: number, heads: number, shape: AttentionShape, accumulate: boolean, target: Float32Array): void {
    const {length, headDim} = shape;
    for (let t = 0; t < length; t++) {
        const o = ((b * length + t) * heads + head) * headDim;
        if (!accumulate) target.set(block.subarray(t * headDim, (t + 1) * headDim), o);
        else for (let d = 0; d < headDim; d++) target[o + d] = target[o + d]! + block[t * headDim + d]!;
    }
}

function transposeSquare(source: Float32Array, length: number, out: Float32Array): Float32Array {
    for (let i = 0; i < length; i++) for (let j = 0; j < length; j++) out[j * length + i] = source[i * length + j]!;
    return out;
}

interface Scratch {
    a: Float32Array;
    b: Float32Array;
    c: Float32Array;
    square: Float32Array;
}

function scratch(shape: AttentionShape): Scratch {
    const block = shape.length * shape.headDim;
    return {a: new Float32Array(block), b: new Float32Array(block), c: new Float32Array(block), square: new Float32Array(shape.length * shape.length)};
}

export function matmulAttentionScores(kernel: Kernel, q: Float32Array, k: Float32Array, shape: AttentionShape, scale: number, scores: Float32Array): void {
    const {sequences, length, heads, kvHeads} = shape;
    const group = heads / kvHeads;
    const s = scratch(shape);
    for (let b = 0; b < sequences; b++)
        for (let h = 0; h < heads; h++) {
            const block = scores.subarray((b * heads + h) * length * length, (b * heads + h + 1) * length * length);
            kernel.forward(
                gather(q, b, h, heads, shape, false, s.a),
                length,
                shape.headDim,
                gather(k, b, Math.floor(h / group), kvHeads, shape, false, s.b),
                length,
                block,
            );
            for (let i = 0; i < length; i++) {
                for (let j = 0; j <= i; j++) block[i * length + j] = block[i * length + j]! * scale;
                block.fill(-Infinity, i * length + i + 1, (i + 1) * length);
            }
        }
}

export function matmulAttentionMix(kernel: Kernel, pattern: Float32Array, v: Float32Array, shape: AttentionShape, z: Float32Array): void {
    const {sequences, length, heads, kvHeads} = shape;
    const group = heads / kvHeads;
    const s = scratch(shape);
    for (let b = 0; b < sequences; b++)
        for (let h = 0; h < heads; h++) {
            const block = pattern.subarray((b * heads + h) * length * length, (b * heads + h + 1) * length * length);
            kernel.forward(block, length, length, gather(v, b, Math.floor(h / group), kvHeads, shape, true, s.a), shape.headDim, s.b);
            scatter(s.b, b, h, heads, shape, false, z);
        }
}

/** dP = dz vᵀ (0 above the diagonal) and dv = Pᵀ dz, both overwritten. */
export function matmulAttentionMixBackward(
    kernel: Kernel,
    pattern: Float32Array,
    v: Float32Array,
    dz: Float32Array,
    shape: AttentionShape,
    dPattern: Float32Array,
    dv: Float32Array,
): void {
    const {sequences, length, heads, kvHeads} = shape;
    const group = heads / kvHeads;
    const s = scratch(shape);
    dv.fill(0);
    for (let b = 0; b < sequences; b++)
        for (let h = 0; h < heads; h++) {
            const offset = (b * heads + h) * length * length;
            const block = dPattern.subarray(offset, offset + length * length);
            const kvHead = Math.floor(h / group);
            gather(dz, b, h, heads, shape, false, s.a);
            kernel.forward(s.a, length, shape.headDim, gather(v, b, kvHead, kvHeads, shape, false, s.b), length, block);
            for (let i = 0; i < length; i++) block.fill(0, i * length + i + 1, (i + 1) * length);
            transposeSquare(pattern.subarray(offset, offset + length * length), length, s.square);
            kernel.forward(s.square, length, length, gather(dz, b, h, heads, shape, true, s.a), shape.headDim, s.c);
            scatter(s.c, b, kvHead, kvHeads, shape, true, dv);
        }
}

/** dq = dS k · scale and dk = dSᵀ q · scale, both overwritten. */
export function matmulAttentionScoresBackward(
    kernel: Kernel,
    q: Float32Array,
    k: Float32Array,
    dScores: Float32Array,
    shape: AttentionShape,
    scale: number,
    dq: Float32Array,
    dk: Float32Array,
): void {
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const group = heads / kvHeads;
    const s = scratch(shape);
    dk.fill(0);
    for (let b = 0; b < sequences; b++)
        for (let h = 0; h < heads; h++) {
            const offset = (b * heads + h) * length * length;
            const block = dScores.subarray(offset, offset + length * length);
            const kvHead = Math.floor(h / group);
            kernel.forward(block, length, length, gather(k, b, kvHead, kvHeads, shape, true, s.a), headDim, s.b);
            for (let i = 0; i < s.b.length; i++) s.b[i] = s.b[i]! * scale;
            scatter(s.b, b, h, heads, shape, false, dq);
            transposeSquare(block, length, s.square);
            kernel.forward(s.square, length, length, gather(q, b, h, heads, shape, true, s.a), headDim, s.c);
            for (let i = 0; i < s.c.length; i++) s.c[i] = s.c[i]! * scale;
            scatter(s.c, b, kvHead, kvHeads, shape, true, dk);
        }
}
