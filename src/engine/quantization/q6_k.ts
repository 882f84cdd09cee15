/**
 * Q6_K: super-blocks of 256 values in 210 bytes: 128 bytes of low 4 bits, 64 bytes of high 2 bits,
 * 16 signed 8-bit scales (one per 16 values), f16 d. Each half of 128 values uses 64 low-bit bytes,
 * 32 high-bit bytes and 8 scales: value l + 32·k of the half (k = 0–3) takes its low bits from
 * byte l (k even) or l + 32 (k odd), low nibble for k < 2 and high nibble otherwise, and its high
 * bits from bits 2k–2k+1 of high byte l. Value = d·scale·(q − 32), evaluated as (d·scale)·(q − 32).
 */
import {blockLayouts, kQuantBlockSize} from "./ggml-types.js";
import {halfToFloat} from "./half-precision.js";
import {checkBlockInput} from "./block-checks.js";

const {blockBytes} = blockLayouts.Q6_K;

export function dequantizeQ6_K(bytes: Uint8Array, elementCount: number): Float32Array {
    const blocks = checkBlockInput("Q6_K", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let block = 0; block < blocks; block++) {
        const base = block * blockBytes;
        const d = halfToFloat(bytes[base + 208]! | (bytes[base + 209]! << 8));
        for (let part = 0; part < 2; part++) {
            const low = base + 64 * part;
            const high = base + 128 + 32 * part;
            const scales = base + 192 + 8 * part;
            const outBase = block * kQuantBlockSize + 128 * part;
            for (let l = 0; l < 32; l++) {
                const group = l >> 4;
                const highByte = bytes[high + l]!;
                for (let k = 0; k < 4; k++) {
                    const lowByte = bytes[low + l + (k & 1) * 32]!;
                    const lowBits = k < 2 ? lowByte & 0x0f : lowByte >> 4;
                    const q = (lowBits | (((highByte >> (2 * k)) & 3) << 4)) - 32;
                    const scale = (bytes[scales + group + 2 * k]! << 24) >> 24;
                    out[outBase + l + 32 * k] = Math.fround(d * scale) * q;
                }
            }
        }
    }
    return out;
}
