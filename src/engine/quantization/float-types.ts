/** Decoders of the unquantised tensor types: F32, F16 and BF16 (little-endian). */
import {checkBlockInput} from "./block-checks.js";
import {bfloat16ToFloat, halfToFloat} from "./half-precision.js";

export function decodeF32(bytes: Uint8Array, elementCount: number): Float32Array {
    checkBlockInput("F32", bytes, elementCount);
    const out = new Float32Array(elementCount);
    new Uint8Array(out.buffer).set(bytes);
    return out;
}

export function decodeF16(bytes: Uint8Array, elementCount: number): Float32Array {
    checkBlockInput("F16", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let i = 0; i < elementCount; i++) out[i] = halfToFloat(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
    return out;
}

export function decodeBF16(bytes: Uint8Array, elementCount: number): Float32Array {
    checkBlockInput("BF16", bytes, elementCount);
    const out = new Float32Array(elementCount);
    for (let i = 0; i < elementCount; i++) out[i] = bfloat16ToFloat(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
    return out;
}
