/**
 * Q8_0: blocks of 32 values, each an f16 scale d followed by 32 signed bytes q; value = d·q.
 * The quantiser follows ggml's reference (`quantize_row_q8_0_ref`): d = max|x| / 127 in float32,
 * q = x·(1/d) rounded half away from zero.
 */
import {blockLayouts} from "./ggml-types.js";
import {floatToHalf, halfToFloat} from "./half-precision.js";
import {checkBlockInput, checkQuantizerInput, roundHalfAwayFromZero} from "./block-checks.js";

const {blockSize, blockBytes} = blockLayouts.Q8_0;

export function dequantizeQ8_0(bytes: Uint8Array, elementCount: number): Float32Array {
    const blocks = checkBlockInput("Q8_0", bytes, elementCount);
    const out = new Float32Array(elementCount);
    const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let block = 0; block < blocks; block++) {
        const base = block * blockBytes;
        const d = halfToFloat(bytes[base]! | (bytes[base + 1]! << 8));
        const quants = base + 2;
        const outBase = block * blockSize;
        for (let j = 0; j < blockSize; j++) out[outBase + j] = d * signed[quants + j]!;
    }
    return out;
}

export function quantizeQ8_0(values: Float32Array): Uint8Array {
    const blocks = checkQuantizerInput("Q8_0", values);
    const out = new Uint8Array(blocks * blockBytes);
    for (let block = 0; block < blocks; block++) {
        const start = block * blockSize;
        let amax = 0;
        for (let j = 0; j < blockSize; j++) amax = Math.max(amax, Math.abs(values[start + j]!));
        const d = Math.fround(amax / 127);
        const inverse = d !== 0 ? Math.fround(1 / d) : 0;
        const half = floatToHalf(d);
        const base = block * blockBytes;
        out[base] = half & 0xff;
        out[base + 1] = half >> 8;
        for (let j = 0; j < blockSize; j++) {
            out[base + 2 + j] = roundHalfAwayFromZero(Math.fround(values[start + j]! * inverse)) & 0xff;
        }
    }
    return out;
}
