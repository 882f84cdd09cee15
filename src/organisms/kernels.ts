/**
 * The numerical kernels of the decoder on flat typed arrays, row-major, written so that every
 * inner loop walks contiguous memory: y = x Wᵀ as row-by-row dot products, and the two backward
 * products as scaled row additions.
 */
export type Vector = Float64Array;

/** y[t, o] = Σ_i x[t, i] · w[o, i] for t < rows. */
export function linear(x: Vector, rows: number, inDim: number, w: Vector, outDim: number, y: Vector): void {
    for (let t = 0; t < rows; t++) {
        const xo = t * inDim;
        const yo = t * outDim;
        for (let o = 0; o < outDim; o++) {
            const wo = o * inDim;
            let s0 = 0,
                s1 = 0,
                s2 = 0,
                s3 = 0;
            let i = 0;
            for (; i + 3 < inDim; i += 4) {
                s0 += x[xo + i]! * w[wo + i]!;
                s1 += x[xo + i + 1]! * w[wo + i + 1]!;
                s2 += x[xo + i + 2]! * w[wo + i + 2]!;
                s3 += x[xo + i + 3]! * w[wo + i + 3]!;
            }
            for (; i < inDim; i++) s0 += x[xo + i]! * w[wo + i]!;
            y[yo + o] = s0 + s1 + s2 + s3;
        }
    }
}

/**
 * Backward of y = x Wᵀ: dx[t, i] = Σ_o dy[t, o] · w[o, i] (overwrites dx) and
 * dw[o, i] += Σ_t dy[t, o] · x[t, i].
 */
export function linearBackward(x: Vector, dy: Vector, rows: number, inDim: number, w: Vector, outDim: number, dx: Vector | undefined, dw: Vector): void {
    for (let t = 0; t < rows; t++) {
        const xo = t * inDim;
        const yo = t * outDim;
        if (dx !== undefined) {
            for (let i = 0; i < inDim; i++) dx[xo + i] = 0;
        }
        for (let o = 0; o < outDim; o++) {
            const g = dy[yo + o]!;
            if (g === 0) continue;
            const wo = o * inDim;
            if (dx !== undefined) {
                for (let i = 0; i < inDim; i++) dx[xo + i] = dx[xo + i]! + g * w[wo + i]!;
            }
            for (let i = 0; i < inDim; i++) dw[wo + i] = dw[wo + i]! + g * x[xo + i]!;
        }
    }
}

/** RMS normalisation of each row: normalized = x / rms(x), out = normalized ⊙ gain; keeps 1/rms per row. */
export function rmsNorm(x: Vector, rows: number, dim: number, gain: Vector, eps: number, normalized: Vector, inverseRms: Vector, out: Vector): void {
    for (let t = 0; t < rows; t++) {
        const o = t * dim;
        let sum = 0;
        for (let i = 0; i < dim; i++) sum += x[o + i]! * x[o + i]!;
        const r = 1 / Math.sqrt(sum / dim + eps);
        inverseRms[t] = r;
        for (let i = 0; i < dim; i++) {
            const n = x[o + i]! * r;
            normalized[o + i] = n;
            out[o + i] = n * gain[i]!;
        }
    }
}

/** Backward of {@link rmsNorm}: dx += r (dn − n · mean(dn ⊙ n)) with dn = dout ⊙ gain; dgain += dout ⊙ n. */
export function rmsNormBackward(
    dout: Vector,
    rows: number,
    dim: number,
    gain: Vector,
    normalized: Vector,
    inverseRms: Vector,
    dx: Vector,
    dgain: Vector,
): void {
    for (let t = 0; t < rows; t++) {
        const o = t * dim;
        let dot = 0;
        for (let i = 0; i < dim; i++) {
            const g = dout[o + i]!;
            dgain[i] = dgain[i]! + g * normalized[o + i]!;
            dot += g * gain[i]! * normalized[o + i]!;
        }
        const mean = dot / dim;
        const r = inverseRms[t]!;
        for (let i = 0; i < dim; i++) {
            dx[o + i] = dx[o + i]! + r * (dout[o + i]! * gain[i]! - normalized[o + i]! * mean);
        }
    }
}

/** cos/sin of position t times frequency base^(−2j/headDim) for t < maxPositions, j < headDim/2. */
export function rotaryTables(maxPositions: number, headDim: number, base: number): {cos: Float64Array; sin: Float64Array} {
    const half = headDim / 2;
    const cos = new Float64Array(maxPositions * half);
    const sin = new Float64Array(maxPositions * half);
    for (let t = 0; t < maxPositions; t++) {
        for (let j = 0; j < half; j++) {
            const angle = t * Math.pow(base, (-2 * j) / headDim);
            cos[t * half + j] = Math.cos(angle);
            sin[t * half + j] = Math.sin(angle);
        }
    }
    return {cos, sin};
}

/**
 * Rotary positions in the llama (adjacent-pair) layout: dimensions 2j and 2j+1 of every head
 * rotate by angle t·θ_j. `direction` −1 applies the inverse rotation (the backward pass).
 */
export function applyRotary(x: Vector, rows: number, dim: number, headDim: number, cos: Float64Array, sin: Float64Array, direction: 1 | -1): void {
    const half = headDim / 2;
    for (let t = 0; t < rows; t++) {
        for (let h = 0; h < dim; h += headDim) {
            const o = t * dim + h;
            for (let j = 0; j < half; j++) {
                const c = cos[t * half + j]!;
                const s = direction * sin[t * half + j]!;
                const a = x[o + 2 * j]!;
                const b = x[o + 2 * j + 1]!;
                x[o + 2 * j] = a * c - b * s;
                x[o + 2 * j + 1] = a * s + b * c;
            }
        }
    }
}

export function silu(a: number): number {
    return a / (1 + Math.exp(-a));
}
