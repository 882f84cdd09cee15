/**
 * Q5_K: super-blocks of 256 values in 176 bytes: f16 d, f16 dmin, 12 bytes of packed 6-bit
 * (scale, min) pairs for eight sub-blocks of 32, 32 bytes of fifth bits, 128 bytes of low nibbles.
 * Sub-blocks come in pairs per 32 nibble bytes (low nibbles, then high nibbles); the fifth bit of
 * value l of sub-block k is bit k of byte l of the fifth-bit array. Value = d·scale·q − dmin·min.
 */
import {blockLayouts, kQuantBlockSize} from "./ggml-types.js";
import {halfToFloat} from "./half-precision.js";
import {checkBlockInput} from "./block-checks.js";
import {unpackScaleMin} from "./k-quant-scales.js";

const {blockBytes} = blockLayouts.Q5_K;

export function dequantizeQ5_K(bytes: Uint8Array, elementCount: number): Float32Array {
    const blocks = checkBlockInput("Q5_K", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let block = 0; block < blocks; block++) {
        const base = block * blockBytes;
        const d = halfToFloat(bytes[base]! | (bytes[base + 1]! << 8));
        const dmin = halfToFloat(bytes[base + 2]! | (bytes[base + 3]! << 8));
        const scalesOffset = base + 4;
        const highBits = base + 16;
        let quants = base + 48;
        let outIndex = block * kQuantBlockSize;
        for (let pair = 0; pair < 4; pair++) {
            for (let half = 0; half < 2; half++) {
                const sub = 2 * pair + half;
                const {scale, min} = unpackScaleMin(bytes, scalesOffset, sub);
                const factor = Math.fround(d * scale);
                const offset = Math.fround(dmin * min);
                const shift = 4 * half;
                for (let l = 0; l < 32; l++) {
                    const q = ((bytes[quants + l]! >> shift) & 0x0f) + (((bytes[highBits + l]! >> sub) & 1) << 4);
                    out[outIndex++] = factor * q - offset;
                }
            }
            quants += 32;
        }
    }
    return out;
}
