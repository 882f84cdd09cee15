/**
 * llama.cpp's CPU path does not multiply a weight matrix stored as F16, BF16 or a quantised type
 * by float32 activations: it first converts each row of activations to the matrix's "dot type":
 * binary16 or bfloat16 for F16 and BF16 weights; 8-bit blocks of 32 with a binary16 scale (Q8_0)
 * for Q8_0 and Q4_0; 8-bit blocks of 256 with a float32 scale (Q8_K) for the k-quants. The engine
 * multiplies float32 activations by the decoded weights: the exact product, which differs from
 * llama.cpp's by up to a few hundredths in log-probability on quantised models.
 *
 * {@link roundActivations} gives the values llama.cpp's converted activations stand for, so that a
 * product with the decoded weights computes what llama.cpp computes, up to the order of float32
 * sums. A weight matrix whose products should do this is marked in {@link activationRounding}
 * (by the loader, on request); `linearForward` rounds the input of a marked matrix. The backward
 * pass passes gradients straight through the rounding (it multiplies by the unmarked transpose).
 */
import {floatToHalf, halfToFloat} from "../quantization/half-precision.js";
import {ggmlType} from "../quantization/ggml-types.js";
type Floats = Float32Array | Float64Array;

export type ActivationRounding = "f16" | "bf16" | "q8_0" | "q8_K";

/** The rounding llama.cpp's CPU path applies to the activations multiplied by a matrix of this ggml type; undefined for F32. */
export function llamaCppActivationRounding(type: number): ActivationRounding | undefined {
    if (type === ggmlType.F16) return "f16";
    if (type === ggmlType.BF16) return "bf16";
    if (type === ggmlType.Q8_0 || type === ggmlType.Q4_0) return "q8_0";
    if (type === ggmlType.Q4_K || type === ggmlType.Q5_K || type === ggmlType.Q6_K) return "q8_K";
    return undefined;
}

/** Weight matrices whose products round their input as llama.cpp does (marked by the loader on request). */
export const activationRounding = new WeakMap<Float32Array, ActivationRounding>();

const f32 = Math.fround;
const bitsView = new DataView(new ArrayBuffer(4));

/** Rounds half to even, as llama.cpp's vectorised quantisers and its `nearest_int` do. */
function roundEven(value: number): number {
    const floor = Math.floor(value);
    const difference = value - floor;
    if (difference !== 0.5) return difference < 0.5 ? floor : floor + 1;
    return floor % 2 === 0 ? floor : floor + 1;
}

/** float32 → bfloat16 → float32, nearest with ties to even (ggml's FP32_TO_BF16). */
function roundBfloat16(value: number): number {
    bitsView.setFloat32(0, value);
    const bits = bitsView.getUint32(0);
    if ((bits & 0x7fffffff) > 0x7f800000) return value;
    bitsView.setUint32(0, (((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16) >>> 0);
    return bitsView.getFloat32(0);
}

/** Q8_0 blocks read back: d = binary16(amax / 127), q = round(x · (127 / amax)). */
function roundQ8_0(x: Floats, count: number, out: Float32Array): void {
    for (let start = 0; start < count; start += 32) {
        let amax = 0;
        for (let i = start; i < start + 32; i++) amax = Math.max(amax, Math.abs(f32(x[i]!)));
        const scale = halfToFloat(floatToHalf(f32(amax / 127)));
        const inverse = amax === 0 ? 0 : f32(127 / amax);
        for (let i = start; i < start + 32; i++) out[i] = scale * roundEven(f32(f32(x[i]!) * inverse));
    }
}

/** Q8_K blocks read back: m the entry of largest magnitude, iscale = −127 / m, d = 1 / iscale, q = min(127, round(iscale · x)). */
function roundQ8_K(x: Floats, count: number, out: Float32Array): void {
    for (let start = 0; start < count; start += 256) {
        let amax = 0,
            extreme = 0;
        for (let i = start; i < start + 256; i++) {
            const value = f32(x[i]!);
            if (Math.abs(value) > amax) {
                amax = Math.abs(value);
                extreme = value;
            }
        }
        if (amax === 0) {
            out.fill(0, start, start + 256);
            continue;
        }
        const iscale = f32(-127 / extreme);
        const scale = f32(1 / iscale);
        for (let i = start; i < start + 256; i++) out[i] = scale * Math.min(127, roundEven(f32(iscale * f32(x[i]!))));
    }
}

/** The first `rows × inDim` entries of `x` as llama.cpp's converted activations stand for them. */
export function roundActivations(kind: ActivationRounding, x: Floats, rows: number, inDim: number): Float32Array {
    const count = rows * inDim;
    const out = new Float32Array(count);
    if (kind === "q8_0") roundQ8_0(x, count, out);
    else if (kind === "q8_K") roundQ8_K(x, count, out);
    else if (kind === "f16") for (let i = 0; i < count; i++) out[i] = halfToFloat(floatToHalf(x[i]!));
    else for (let i = 0; i < count; i++) out[i] = roundBfloat16(f32(x[i]!));
    return out;
}
