/**
 * Q4_0: blocks of 32 values, each an f16 scale d followed by 16 bytes. Byte j holds value j in its
 * low nibble and value j + 16 in its high nibble; value = d·(nibble − 8).
 */
import {blockLayouts} from "./ggml-types.js";
import {halfToFloat} from "./half-precision.js";
import {checkBlockInput} from "./block-checks.js";

const {blockSize, blockBytes} = blockLayouts.Q4_0;
const half = blockSize / 2;

export function dequantizeQ4_0(bytes: Uint8Array, elementCount: number): Float32Array {
    const blocks = checkBlockInput("Q4_0", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let block = 0; block < blocks; block++) {
        const base = block * blockBytes;
        const d = halfToFloat(bytes[base]! | (bytes[base + 1]! << 8));
        const outBase = block * blockSize;
        for (let j = 0; j < half; j++) {
            const byte = bytes[base + 2 + j]!;
            out[outBase + j] = d * ((byte & 0x0f) - 8);
            out[outBase + j + half] = d * ((byte >> 4) - 8);
        }
    }
    return out;
}
