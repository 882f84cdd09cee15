/**
 * Decoders of the unquantised ggml tensor types: F32 (id 0), F16 (id 1) and BF16 (id 30), each
 * little endian. Every decoder turns `elementCount` values from `bytes` into float32.
 */

export type TensorDecoder = (bytes: Uint8Array, elementCount: number) => Float32Array;

function checkLength(bytes: Uint8Array, needed: number, type: string): void {
    if (bytes.length < needed) throw new RangeError(`${type} data needs ${needed} bytes, received ${bytes.length}`);
}

export const decodeF32: TensorDecoder = (bytes, elementCount) => {
    checkLength(bytes, 4 * elementCount, "F32");
    const out = new Float32Array(elementCount);
    new Uint8Array(out.buffer).set(bytes.subarray(0, 4 * elementCount));
    return out;
};

/** IEEE half precision → float32, exactly (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export const decodeF16: TensorDecoder = (bytes, elementCount) => {
    checkLength(bytes, 2 * elementCount, "F16");
    const table = halfTable();
    const out = new Float32Array(elementCount);
    for (let i = 0; i < elementCount; i++) out[i] = table[bytes[2 * i]! | (bytes[2 * i + 1]! << 8)]!;
    return out;
};

export const decodeBF16: TensorDecoder = (bytes, elementCount) => {
    checkLength(bytes, 2 * elementCount, "BF16");
    const out = new Float32Array(elementCount);
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < elementCount; i++) words[i] = ((bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16) >>> 0;
    return out;
};

let halfValues: Float32Array | undefined;

/** All 65,536 half-precision values as float32, built once. */
function halfTable(): Float32Array {
    if (halfValues === undefined) {
        halfValues = new Float32Array(65536);
        for (let bits = 0; bits < 65536; bits++) halfValues[bits] = halfToFloat(bits);
    }
    return halfValues;
}
