/**
 * Matrix products of the linear layers on flat row-major arrays. Forward: y = x Wᵀ (+ b) with
 * W stored `[out, in]`, two rows at a time so that each loaded weight serves two rows, every inner
 * loop walking contiguous memory. Backward to the input: dx = dy W, as scaled additions of weight
 * rows, 2 rows × 4 outputs; to the weights: dW += dyᵀ x, as scaled additions of input rows. Sums
 * run in float64 whatever the storage type, and in the JavaScript kernels each sum's order is fixed
 * (it does not depend on how rows are batched): training is reproducible bit for bit.
 */
import {activationRounding, roundActivations} from "./activation-rounding.js";
import {wasmMatmul} from "./wasm-matmul.js";

export type Floats = Float32Array | Float64Array;

/** Float32 products of at least this many rows go to the WebAssembly SIMD kernel. */
const wasmMinimumRows = 2;

/**
 * y[t, o] = Σ_i x[t, i] · w[o, i] + bias[o] for t < rows (overwrites y). A matrix marked in
 * `activationRounding` multiplies x rounded as llama.cpp rounds it (activation-rounding.ts).
 */
export function linearForward(x: Floats, rows: number, inDim: number, w: Float32Array, outDim: number, bias: Float32Array | undefined, y: Floats): void {
    const rounding = activationRounding.get(w);
    if (rounding !== undefined) x = roundActivations(rounding, x, rows, inDim);
    const kernel = wasmMatmul();
    if (kernel !== undefined && rows >= wasmMinimumRows && x instanceof Float32Array && y instanceof Float32Array) {
        kernel.forward(x, rows, inDim, w, outDim, y);
        if (bias !== undefined) for (let t = 0; t < rows; t++) for (let o = 0; o < outDim; o++) y[t * outDim + o] = y[t * outDim + o]! + bias[o]!;
        return;
    }
    linearForwardScalar(x, rows, inDim, w, outDim, bias, y);
}

/**
 * The JavaScript kernel (float64 sums): the reference path, and float32 where WebAssembly is not
 * used. Every output is the same sum whichever rows share the call: four partial sums over the
 * inputs i ≡ 0, 1, 2, 3 (mod 4), added in that order, then the bias. Rows go in pairs so that each
 * loaded weight serves two rows.
 */
export function linearForwardScalar(x: Floats, rows: number, inDim: number, w: Float32Array, outDim: number, bias: Float32Array | undefined, y: Floats): void {
    const whole = inDim - (inDim % 4);
    let t = 0;
    for (; t + 1 < rows; t += 2) {
        const x0 = t * inDim,
            x1 = x0 + inDim;
        const y0 = t * outDim,
            y1 = y0 + outDim;
        for (let o = 0; o < outDim; o++) {
            const w0 = o * inDim;
            let a0 = 0,
                a1 = 0,
                a2 = 0,
                a3 = 0,
                b0 = 0,
                b1 = 0,
                b2 = 0,
                b3 = 0;
            let i = 0;
            for (; i < whole; i += 4) {
                const p = w[w0 + i]!,
                    q = w[w0 + i + 1]!,
                    r = w[w0 + i + 2]!,
                    s = w[w0 + i + 3]!;
                a0 += x[x0 + i]! * p;
                a1 += x[x0 + i + 1]! * q;
                a2 += x[x0 + i + 2]! * r;
                a3 += x[x0 + i + 3]! * s;
                b0 += x[x1 + i]! * p;
                b1 += x[x1 + i + 1]! * q;
                b2 += x[x1 + i + 2]! * r;
                b3 += x[x1 + i + 3]! * s;
            }
            for (; i < inDim; i++) {
                a0 += x[x0 + i]! * w[w0 + i]!;
                b0 += x[x1 + i]! * w[w0 + i]!;
            }
            const c = bias === undefined ? 0 : bias[o]!;
            y[y0 + o] = a0 + a1 + a2 + a3 + c;
            y[y1 + o] = b0 + b1 + b2 + b3 + c;
        }
    }
    for (; t < rows; t++) singleRowForward(x, t, inDim, w, outDim, bias, y);
}

/** One row of {@link linearForwardScalar}, with the same sums. */
function singleRowForward(x: Floats, t: number, inDim: number, w: Float32Array, outDim: number, bias: Float32Array | undefined, y: Floats): void {
    const x0 = t * inDim;
    for (let o = 0; o < outDim; o++) {
        const w0 = o * inDim;
        let a0 = 0,
            a1 = 0,
            a2 = 0,
            a3 = 0;
        let i = 0;
        for (; i + 3 < inDim; i += 4) {
            a0 += x[x0 + i]! * w[w0 + i]!;
            a1 += x[x0 + i + 1]! * w[w0 + i + 1]!;
            a2 += x[x0 + i + 2]! * w[w0 + i + 2]!;
            a3 += x[x0 + i + 3]! * w[w0 + i + 3]!;
        }
        for (; i < inDim; i++) a0 += x[x0 + i]! * w[w0 + i]!;
        y[t * outDim + o] = a0 + a1 + a2 + a3 + (bias === undefined ? 0 : bias[o]!);
    }
}

/** Forward for a chosen list of rows only (e.g. the logits of scored positions). */
export function linearForwardRows(x: Floats, selected: readonly number[], inDim: number, w: Float32Array, outDim: number, y: Floats): void {
    for (const t of selected) singleRowForward(x, t, inDim, w, outDim, undefined, y);
}

const transposes = new WeakMap<Float32Array, Float32Array>();

/** wᵀ, computed once per weight matrix and kept as long as the matrix lives. */
function transposed(w: Float32Array, outDim: number, inDim: number): Float32Array {
    let result = transposes.get(w);
    if (result === undefined || result.length !== w.length) {
        result = new Float32Array(w.length);
        for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) result[i * outDim + o] = w[o * inDim + i]!;
        transposes.set(w, result);
    }
    return result;
}

/** Drops the kept transpose of `w` (after its values changed in place). */
export function forgetTranspose(w: Float32Array): void {
    transposes.delete(w);
}

/**
 * dx[t, i] = Σ_o dy[t, o] · w[o, i] for t < rows (overwrites dx). Float32 batches run as
 * dx = dy (wᵀ)ᵀ through the forward kernel on a cached transpose of w. The JavaScript kernel adds
 * the terms in the order of o, whichever rows share the call (terms with dy = 0 are skipped).
 */
export function linearBackwardInput(dy: Floats, rows: number, outDim: number, w: Float32Array, inDim: number, dx: Floats): void {
    if (rows >= 8 && dy instanceof Float32Array && dx instanceof Float32Array && wasmMatmul() !== undefined) {
        linearForward(dy, rows, outDim, transposed(w, outDim, inDim), inDim, undefined, dx);
        return;
    }
    dx.fill(0, 0, rows * inDim);
    let t = 0;
    for (; t + 1 < rows; t += 2) {
        const x0 = t * inDim,
            x1 = x0 + inDim;
        const y0 = t * outDim,
            y1 = y0 + outDim;
        let o = 0;
        for (; o + 3 < outDim; o += 4) {
            const a0 = dy[y0 + o]!,
                a1 = dy[y0 + o + 1]!,
                a2 = dy[y0 + o + 2]!,
                a3 = dy[y0 + o + 3]!;
            const b0 = dy[y1 + o]!,
                b1 = dy[y1 + o + 1]!,
                b2 = dy[y1 + o + 2]!,
                b3 = dy[y1 + o + 3]!;
            if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0 && b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0) continue;
            const w0 = o * inDim,
                w1 = w0 + inDim,
                w2 = w1 + inDim,
                w3 = w2 + inDim;
            for (let i = 0; i < inDim; i++) {
                const p = w[w0 + i]!,
                    q = w[w1 + i]!,
                    r = w[w2 + i]!,
                    s = w[w3 + i]!;
                dx[x0 + i] = dx[x0 + i]! + a0 * p + a1 * q + a2 * r + a3 * s;
                dx[x1 + i] = dx[x1 + i]! + b0 * p + b1 * q + b2 * r + b3 * s;
            }
        }
        for (; o < outDim; o++) {
            const a = dy[y0 + o]!,
                b = dy[y1 + o]!;
            const w0 = o * inDim;
            for (let i = 0; i < inDim; i++) {
                dx[x0 + i] = dx[x0 + i]! + a * w[w0 + i]!;
                dx[x1 + i] = dx[x1 + i]! + b * w[w0 + i]!;
            }
        }
    }
    for (; t < rows; t++) {
        const x0 = t * inDim,
            y0 = t * outDim;
        for (let o = 0; o < outDim; o++) {
            const a = dy[y0 + o]!;
            if (a === 0) continue;
            const w0 = o * inDim;
            for (let i = 0; i < inDim; i++) dx[x0 + i] = dx[x0 + i]! + a * w[w0 + i]!;
        }
    }
}

/**
 * The weight gradient of y = x Wᵀ, accumulated: dw[o, i] += Σ_t dy[t, o] · x[t, i], the terms added
 * in the order of t (terms with dy = 0 skipped), so that calls for successive rows or sequences
 * give the same sums as one call over all of them.
 */
export function linearBackwardWeight(x: Floats, dy: ArrayLike<number>, rows: number, inDim: number, outDim: number, dw: Float64Array): void {
    let t = 0;
    for (; t + 1 < rows; t += 2) {
        const x0 = t * inDim,
            x1 = x0 + inDim;
        const y0 = t * outDim,
            y1 = y0 + outDim;
        for (let o = 0; o < outDim; o++) {
            const a = dy[y0 + o]!,
                b = dy[y1 + o]!;
            const w0 = o * inDim;
            if (a === 0 && b === 0) continue;
            if (a === 0) for (let i = 0; i < inDim; i++) dw[w0 + i] = dw[w0 + i]! + b * x[x1 + i]!;
            else if (b === 0) for (let i = 0; i < inDim; i++) dw[w0 + i] = dw[w0 + i]! + a * x[x0 + i]!;
            else for (let i = 0; i < inDim; i++) dw[w0 + i] = dw[w0 + i]! + a * x[x0 + i]! + b * x[x1 + i]!;
        }
    }
    for (; t < rows; t++) {
        const x0 = t * inDim,
            y0 = t * outDim;
        for (let o = 0; o < outDim; o++) {
            const a = dy[y0 + o]!;
            if (a === 0) continue;
            const w0 = o * inDim;
            for (let i = 0; i < inDim; i++) dw[w0 + i] = dw[w0 + i]! + a * x[x0 + i]!;
        }
    }
}

/** The bias gradient, accumulated: db[o] += Σ_t dy[t, o] in the order of t. */
export function biasBackward(dy: Floats, rows: number, outDim: number, db: Float64Array): void {
    for (let t = 0; t < rows; t++) for (let o = 0; o < outDim; o++) db[o] = db[o]! + dy[t * outDim + o]!;
}
