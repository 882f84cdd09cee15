/**
 * The scale-and-offset fit of ggml's k-quants (`make_qkx2_quants`, as Q4_K's reference quantiser
 * calls it: rmin −1, rdelta 0.1, 20 steps, squared error), in float32 arithmetic operation by
 * operation (the order matters for bit-equal output). It quantises x ≈ scale·L + min with levels L in 0…nmax and min ≤ 0: a first guess
 * from the range, then 21 trial inverse scales, each followed by a weighted least-squares fit of
 * scale and min to the levels it gives; the fit with the smallest weighted squared error wins.
 */
import {nearestInt} from "./block-checks.js";

const f32 = Math.fround;
const rmin = -1;
const rdelta = f32(0.1);
const steps = 20;

const trialLevels = new Uint8Array(32);

export interface OffsetQuantFit {
    scale: number;
    /** −min (≥ 0): what the block stores. */
    negatedMin: number;
}

/** Fits `x` (float32 values), writing the chosen levels into `levels`. */
export function fitOffsetQuants(x: Float32Array, weights: Float32Array, nmax: number, levels: Uint8Array): OffsetQuantFit {
    const n = x.length;
    let min = x[0]!;
    let max = x[0]!;
    let sumW = weights[0]!;
    let sumX = f32(sumW * x[0]!);
    for (let i = 1; i < n; i++) {
        if (x[i]! < min) min = x[i]!;
        if (x[i]! > max) max = x[i]!;
        const w = weights[i]!;
        sumW = f32(sumW + w);
        sumX = f32(sumX + f32(w * x[i]!));
    }
    if (min > 0) min = 0;
    if (max === min) {
        levels.fill(0);
        return {scale: 0, negatedMin: -min};
    }
    let inverseScale = f32(nmax / f32(max - min));
    let scale = f32(1 / inverseScale);
    let bestError = 0;
    for (let i = 0; i < n; i++) {
        const level = Math.max(0, Math.min(nmax, nearestInt(f32(inverseScale * f32(x[i]! - min)))));
        levels[i] = level;
        const difference = f32(f32(f32(scale * level) + min) - x[i]!);
        bestError = f32(bestError + f32(weights[i]! * f32(difference * difference)));
    }
    const trial = trialLevels.length >= n ? trialLevels.subarray(0, n) : new Uint8Array(n);
    for (let step = 0; step <= steps; step++) {
        // As in ggml, a better fit's min takes part in the later trials (range and offset).
        inverseScale = f32(f32(f32(rmin + f32(rdelta * step)) + nmax) / f32(max - min));
        let sumL = 0;
        let sumL2 = 0;
        let sumXL = 0;
        for (let i = 0; i < n; i++) {
            const level = Math.max(0, Math.min(nmax, nearestInt(f32(inverseScale * f32(x[i]! - min)))));
            trial[i] = level;
            const wl = f32(weights[i]! * level);
            sumL = f32(sumL + wl);
            sumL2 = f32(sumL2 + f32(wl * level));
            sumXL = f32(sumXL + f32(wl * x[i]!));
        }
        const determinant = f32(f32(sumW * sumL2) - f32(sumL * sumL));
        if (determinant > 0) {
            let thisScale = f32(f32(f32(sumW * sumXL) - f32(sumX * sumL)) / determinant);
            let thisMin = f32(f32(f32(sumL2 * sumX) - f32(sumL * sumXL)) / determinant);
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = f32(sumXL / sumL2);
            }
            let error = 0;
            for (let i = 0; i < n; i++) {
                const difference = f32(f32(f32(thisScale * trial[i]!) + thisMin) - x[i]!);
                error = f32(error + f32(weights[i]! * f32(difference * difference)));
            }
            if (error < bestError) {
                levels.set(trial);
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    return {scale, negatedMin: -min};
}
