/**
 * Matrix products of the linear layers on flat row-major arrays. Forward: y = x Wᵀ (+ b) with
 * W stored `[out, in]`, computed in tiles of 2 rows × 4 outputs so that each loaded weight serves
 * two rows and each loaded input serves four outputs, every inner loop walking contiguous memory.
 * Backward to the input: dx = dy W, as scaled additions of weight rows, again 2 rows × 4 outputs.
 * Sums run in float64 whatever the storage type.
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

/** The JavaScript kernel (float64 sums): the reference path, and float32 where WebAssembly is not used. */
export function linearForwardScalar(x: Floats, rows: number, inDim: number, w: Float32Array, outDim: number, bias: Float32Array | undefined, y: Floats): void {
    let t = 0;
    for (; t + 1 < rows; t += 2) {
        const x0 = t * inDim,
            x1 = x0 + inDim;
        const y0 = t * outDim,
            y1 = y0 + outDim;
        let o = 0;
        for (; o + 3 < outDim; o += 4) {
            const w0 = o * inDim,
                w1 = w0 + inDim,
                w2 = w1 + inDim,
                w3 = w2 + inDim;
            let a0 = 0,
                a1 = 0,
                a2 = 0,
                a3 = 0,
                b0 = 0,
                b1 = 0,
                b2 = 0,
                b3 = 0;
            for (let i = 0; i < inDim; i++) {
                const u = x[x0 + i]!,
                    v = x[x1 + i]!;
                const p = w[w0 + i]!,
                    q = w[w1 + i]!,
                    r = w[w2 + i]!,
                    s = w[w3 + i]!;
                a0 += u * p;
                a1 += u * q;
                a2 += u * r;
                a3 += u * s;
                b0 += v * p;
                b1 += v * q;
                b2 += v * r;
                b3 += v * s;
            }
            if (bias !== undefined) {
                const c0 = bias[o]!,
                    c1 = bias[o + 1]!,
                    c2 = bias[o + 2]!,
                    c3 = bias[o + 3]!;
                a0 += c0;
                a1 += c1;
                a2 += c2;
                a3 += c3;
                b0 += c0;
                b1 += c1;
                b2 += c2;
                b3 += c3;
            }
            y[y0 + o] = a0;
            y[y0 + o + 1] = a1;
            y[y0 + o + 2] = a2;
            y[y0 + o + 3] = a3;
            y[y1 + o] = b0;
            y[y1 + o + 1] = b1;
            y[y1 + o + 2] = b2;
            y[y1 + o + 3] = b3;
        }
        for (; o < outDim; o++) {
            const w0 = o * inDim;
            let a = 0,
                b = 0;
            for (let i = 0; i < inDim; i++) {
                a += x[x0 + i]! * w[w0 + i]!;
                b += x[x1 + i]! * w[w0 + i]!;
            }
            const c = bias === undefined ? 0 : bias[o]!;
            y[y0 + o] = a + c;
            y[y1 + o] = b + c;
        }
    }
    for (; t < rows; t++) singleRowForward(x, t, inDim, w, outDim, bias, y);
}

function singleRowForward(x: Floats, t: number, inDim: number, w: Float32Array, outDim: number, bias: Float32Array | undefined, y: Floats): void {
    const x0 = t * inDim;
    for (let o = 0; o < outDim; o++) {
        const w0 = o * inDim;
        let a0 = 0,
            a1 = 0;
        let i = 0;
        for (; i + 1 < inDim; i += 2) {
            a0 += x[x0 + i]! * w[w0 + i]!;
            a1 += x[x0 + i + 1]! * w[w0 + i + 1]!;
        }
        if (i < inDim) a0 += x[x0 + i]! * w[w0 + i]!;
        y[t * outDim + o] = a0 + a1 + (bias === undefined ? 0 : bias[o]!);
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

/**
 * dx[t, i] = Σ_o dy[t, o] · w[o, i] for t < rows (overwrites dx). Float32 batches run as
 * dx = dy (wᵀ)ᵀ through the forward kernel on a cached transpose of w.
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
                dx[x0 + i] = dx[x0 + i]! + (a0 * p + a1 * q + a2 * r + a3 * s);
                dx[x1 + i] = dx[x1 + i]! + (b0 * p + b1 * q + b2 * r + b3 * s);
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
