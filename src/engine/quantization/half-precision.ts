/**
 * IEEE binary16 and bfloat16 conversions. Decoding is exact. Encoding a float32 to binary16
 * rounds to nearest, ties to even, as ggml's FP32_TO_FP16 does (F16C's `vcvtps2ph` with rounding
 * mode 0 and its portable fallback give the same bits).
 */

const float32Scratch = new Float32Array(1);
const bitsScratch = new Uint32Array(float32Scratch.buffer);

/** The float32 value of binary16 bits (every binary16 value is exact in float32). */
export function halfToFloat(bits: number): number {
    return (halfTable ??= buildHalfTable())[bits & 0xffff]!;
}

let halfTable: Float32Array | undefined;

function buildHalfTable(): Float32Array {
    const table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = decodeHalf(bits);
    return table;
}

function decodeHalf(bits: number): number {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
    return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** Binary16 bits of a number, first rounded to float32, then to binary16 (nearest, ties to even). */
export function floatToHalf(value: number): number {
    float32Scratch[0] = value;
    const bits = bitsScratch[0]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    const mantissa = bits & 0x7fffff;
    if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
    const unbiased = exponent - 127;
    if (unbiased > 15) return sign | 0x7c00;
    if (unbiased >= -14) {
        // Normal binary16: keep 10 of the 23 mantissa bits, round the 13 dropped ones.
        let half = ((unbiased + 15) << 10) | (mantissa >>> 13);
        const dropped = mantissa & 0x1fff;
        if (dropped > 0x1000 || (dropped === 0x1000 && (half & 1) === 1)) half += 1;
        return sign | half;
    }
    if (unbiased < -25) return sign;
    // Subnormal binary16: the value in units of 2^-24, rounded to nearest even.
    const full = mantissa | 0x800000;
    const shift = -unbiased - 14 + 13;
    let half = full >>> shift;
    const dropped = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (dropped > halfway || (dropped === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
}

/** The float32 value of bfloat16 bits (the upper half of a float32). */
export function bfloat16ToFloat(bits: number): number {
    bitsScratch[0] = (bits & 0xffff) << 16;
    return float32Scratch[0]!;
}
