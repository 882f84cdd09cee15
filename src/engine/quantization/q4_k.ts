/**
 * Q4_K: super-blocks of 256 values in 144 bytes: f16 d, f16 dmin, 12 bytes of packed 6-bit
 * (scale, min) pairs for eight sub-blocks of 32, then 128 bytes of 4-bit quants. Each 32 quant
 * bytes hold two sub-blocks: the first in the low nibbles, the second in the high nibbles.
 * Value = (d·scale)·q − dmin·min.
 *
 * The quantiser follows ggml's reference (`quantize_row_q4_K_ref`, no importance matrix) in
 * float32 arithmetic, operation by operation, so that it writes the same bytes: each sub-block
 * gets a weighted least-squares scale and min (fitOffsetQuants), the eight are quantised to 6 bits
 * against the largest, and the values are re-quantised with the stored scales.
 */
import {blockLayouts, kQuantBlockSize, kQuantScaleBytes} from "./ggml-types.js";
import {floatToHalf, halfToFloat} from "./half-precision.js";
import {checkBlockInput, checkQuantizerInput, nearestInt} from "./block-checks.js";
import {packScaleMins, unpackScaleMin} from "./k-quant-scales.js";
import {fitOffsetQuants} from "./offset-quant-fit.js";

const {blockBytes} = blockLayouts.Q4_K;
const subBlocks = kQuantBlockSize / 32;
const f32 = Math.fround;

export function dequantizeQ4_K(bytes: Uint8Array, elementCount: number): Float32Array {
    const blocks = checkBlockInput("Q4_K", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let block = 0; block < blocks; block++) {
        const base = block * blockBytes;
        const d = halfToFloat(bytes[base]! | (bytes[base + 1]! << 8));
        const dmin = halfToFloat(bytes[base + 2]! | (bytes[base + 3]! << 8));
        const scalesOffset = base + 4;
        let quants = base + 4 + kQuantScaleBytes;
        let outIndex = block * kQuantBlockSize;
        for (let pair = 0; pair < subBlocks / 2; pair++) {
            for (let half = 0; half < 2; half++) {
                const {scale, min} = unpackScaleMin(bytes, scalesOffset, 2 * pair + half);
                const factor = f32(d * scale);
                const offset = f32(dmin * min);
                const shift = 4 * half;
                for (let l = 0; l < 32; l++) out[outIndex++] = factor * ((bytes[quants + l]! >> shift) & 0x0f) - offset;
            }
            quants += 32;
        }
    }
    return out;
}

export function quantizeQ4_K(values: Float32Array): Uint8Array {
    const blocks = checkQuantizerInput("Q4_K", values);
    const out = new Uint8Array(blocks * blockBytes);
    const levels = new Uint8Array(kQuantBlockSize);
    const weights = new Float32Array(32);
    for (let block = 0; block < blocks; block++) {
        const start = block * kQuantBlockSize;
        const scales: number[] = [];
        const mins: number[] = [];
        let maxScale = 0;
        let maxMin = 0;
        for (let j = 0; j < subBlocks; j++) {
            const sub = values.subarray(start + 32 * j, start + 32 * j + 32);
            let sumSquares = 0;
            for (let l = 0; l < 32; l++) sumSquares = f32(sumSquares + f32(sub[l]! * sub[l]!));
            const rms = f32(Math.sqrt(f32(sumSquares / 32)));
            for (let l = 0; l < 32; l++) weights[l] = f32(rms + Math.abs(sub[l]!));
            const fit = fitOffsetQuants(sub, weights, 15, levels.subarray(32 * j, 32 * j + 32));
            scales.push(fit.scale);
            mins.push(fit.negatedMin);
            if (fit.scale > maxScale) maxScale = fit.scale;
            if (fit.negatedMin > maxMin) maxMin = fit.negatedMin;
        }
        const inverseScale = maxScale > 0 ? f32(63 / maxScale) : 0;
        const inverseMin = maxMin > 0 ? f32(63 / maxMin) : 0;
        const quantizedScales = scales.map((scale) => Math.min(63, nearestInt(f32(inverseScale * scale)) & 0xff));
        const quantizedMins = mins.map((min) => Math.min(63, nearestInt(f32(inverseMin * min)) & 0xff));
        const base = block * blockBytes;
        const dBits = floatToHalf(f32(maxScale / 63));
        const dminBits = floatToHalf(f32(maxMin / 63));
        out[base] = dBits & 0xff;
        out[base + 1] = dBits >> 8;
        out[base + 2] = dminBits & 0xff;
        out[base + 3] = dminBits >> 8;
        packScaleMins(quantizedScales, quantizedMins, out, base + 4);
        const d = halfToFloat(dBits);
        const dmin = halfToFloat(dminBits);
        for (let j = 0; j < subBlocks; j++) {
            const {scale, min} = unpackScaleMin(out, base + 4, j);
            const factor = f32(d * scale);
            if (factor === 0) continue;
            const offset = f32(dmin * min);
            for (let l = 0; l < 32; l++) {
                const level = nearestInt(f32(f32(values[start + 32 * j + l]! + offset) / factor));
                levels[32 * j + l] = Math.max(0, Math.min(15, level));
            }
        }
        const quants = base + 4 + kQuantScaleBytes;
        for (let pair = 0; pair < subBlocks / 2; pair++) {
            for (let l = 0; l < 32; l++) {
                out[quants + 32 * pair + l] = levels[64 * pair + l]! | (levels[64 * pair + 32 + l]! << 4);
            }
        }
    }
    return out;
}
