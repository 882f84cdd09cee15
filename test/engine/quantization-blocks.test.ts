/**
 * The block decoders against blocks whose values follow by hand from the format definitions, the
 * binary16 conversions at their edges, the round-trip error of the quantisers (ggml's own
 * criterion) and the errors for bad input.
 */
import {test} from "node:test";
import assert from "node:assert/strict";
import {dequantize} from "../../src/engine/quantization/dequantize.js";
import {blockLayouts, ggmlType} from "../../src/engine/quantization/ggml-types.js";
import {floatToHalf, halfToFloat} from "../../src/engine/quantization/half-precision.js";
import {quantizeQ4_K} from "../../src/engine/quantization/q4_k.js";
import {quantizeQ8_0} from "../../src/engine/quantization/q8_0.js";
import {dequantizeRows, rowByteSize} from "../../src/engine/quantization/tensor-rows.js";
import {GlassboxError} from "../../src/errors.js";

function block(size: number, fill: number, entries: Record<number, number>): Uint8Array {
    const bytes = new Uint8Array(size).fill(fill);
    for (const [index, value] of Object.entries(entries)) bytes[Number(index)] = value;
    return bytes;
}

test("binary16: decoding is exact and encoding rounds to nearest, ties to even", () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x8400), -(2 ** -14));
    assert.equal(halfToFloat(0xfc00), -Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
    assert.equal(floatToHalf(1), 0x3c00);
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00, "a tie rounds to the even mantissa");
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02, "a tie rounds to the even mantissa (up)");
    assert.equal(floatToHalf(65504), 0x7bff);
    assert.equal(floatToHalf(65520), 0x7c00, "halfway to the next binade overflows to infinity");
    assert.equal(floatToHalf(2 ** -25), 0x0000, "half the smallest subnormal ties to zero");
    assert.equal(floatToHalf(3 * 2 ** -25), 0x0002, "1.5 smallest subnormals ties to 2");
    assert.equal(floatToHalf(2 ** -14 - 2 ** -25), 0x0400, "the largest subnormal plus a half rounds into the normals");
    assert.equal(floatToHalf(-0.1), 0xae66);
    for (let bits = 0; bits < 0x7c00; bits++) assert.equal(floatToHalf(halfToFloat(bits)), bits);
});

test("Q8_0 and Q4_0 blocks decode to d·q and d·(q − 8)", () => {
    const q8 = block(34, 0, {0: 0x00, 1: 0x38, 2: 0x80, 3: 127, 4: 0xff, 33: 3});
    const values8 = dequantize(ggmlType.Q8_0, q8, 32);
    assert.deepEqual([values8[0], values8[1], values8[2], values8[3], values8[31]], [-64, 63.5, -0.5, 0, 1.5]);
    const q4 = block(18, 0x88, {0: 0x00, 1: 0x40, 2: 0x1f, 17: 0x80});
    const values4 = dequantize(ggmlType.Q4_0, q4, 32);
    assert.deepEqual([values4[0], values4[16], values4[15], values4[31], values4[1]], [14, -14, -16, 0, 0]);
});

// Eight (scale, min) pairs and their 12-byte packing, worked out by hand: pairs 0–3 sit in the low
// 6 bits of bytes 0–3 (scales) and 4–7 (mins); pairs 4–7 put their low 4 bits in bytes 8–11 and
// their top 2 bits in the top bits of bytes 0–3 (scales) and 4–7 (mins).
const kScales = [1, 2, 3, 63, 35, 0, 17, 48];
const kMins = [4, 5, 6, 0, 50, 63, 1, 16];
const kPacked = [129, 2, 67, 255, 196, 197, 6, 64, 35, 240, 17, 0];
const quant4 = (sub: number, l: number): number => (sub * 3 + l) % 16;

test("Q4_K: value = d·scale·q − dmin·min with the 6-bit pairs unpacked from 12 bytes", () => {
    const bytes = new Uint8Array(144);
    bytes.set([0x00, 0x3c, 0x00, 0x38], 0); // d = 1, dmin = 0.5
    bytes.set(kPacked, 4);
    for (let pair = 0; pair < 4; pair++) {
        for (let l = 0; l < 32; l++) bytes[16 + 32 * pair + l] = quant4(2 * pair, l) | (quant4(2 * pair + 1, l) << 4);
    }
    const values = dequantize(ggmlType.Q4_K, bytes, 256);
    for (let sub = 0; sub < 8; sub++) {
        for (let l = 0; l < 32; l++) assert.equal(values[32 * sub + l], kScales[sub]! * quant4(sub, l) - 0.5 * kMins[sub]!, `value ${32 * sub + l}`);
    }
    assert.equal(values[5 * 32], -31.5, "sub-block 5 has scale 0 and min 63");
});

test("Q5_K: the fifth bit of value l of sub-block k is bit k of byte l", () => {
    const bytes = new Uint8Array(176);
    bytes.set([0x00, 0x3c, 0x00, 0x38], 0);
    bytes.set(kPacked, 4);
    const high = (sub: number, l: number): number => (l + sub) % 2;
    for (let l = 0; l < 32; l++) {
        let byte = 0;
        for (let sub = 0; sub < 8; sub++) byte |= high(sub, l) << sub;
        bytes[16 + l] = byte;
    }
    for (let pair = 0; pair < 4; pair++) {
        for (let l = 0; l < 32; l++) bytes[48 + 32 * pair + l] = quant4(2 * pair, l) | (quant4(2 * pair + 1, l) << 4);
    }
    const values = dequantize(ggmlType.Q5_K, bytes, 256);
    for (let sub = 0; sub < 8; sub++) {
        for (let l = 0; l < 32; l++) {
            const q = quant4(sub, l) + 16 * high(sub, l);
            assert.equal(values[32 * sub + l], kScales[sub]! * q - 0.5 * kMins[sub]!, `value ${32 * sub + l}`);
        }
    }
});

test("Q6_K: low nibbles, high bit pairs and signed scales per 16 values", () => {
    // d = 0.25; ql[0] = 0x5A, ql[32] = 0xF3, qh[0] = 0b11100100 (pairs 0, 1, 2, 3 for k = 0…3).
    const bytes = block(210, 0, {0: 0x5a, 32: 0xf3, 128: 0xe4, 192: 2, 193: 1, 194: -3 & 0xff, 196: 5, 198: 7, 203: -1 & 0xff, 208: 0x00, 209: 0x34});
    const values = dequantize(ggmlType.Q6_K, bytes, 256);
    assert.equal(values[0], 0.25 * 2 * (10 - 32));
    assert.equal(values[32], 0.25 * -3 * (3 + 16 - 32));
    assert.equal(values[64], 0.25 * 5 * (5 + 32 - 32));
    assert.equal(values[96], 0.25 * 7 * (15 + 48 - 32));
    assert.equal(values[16], 0.25 * 1 * -32, "value 16 uses scale 1");
    assert.equal(values[128 + 48], 0.25 * -1 * -32, "second half, k = 1, l = 16 uses scale 8 + 1 + 2");
    assert.equal(values[17 + 64], -0, "scale 5 is zero: 0·(−32) is −0, as in C");
});

test("F32, F16 and BF16 decode through the same table", () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2.25]).buffer);
    assert.deepEqual([...dequantize(ggmlType.F32, f32, 2)], [1.5, -2.25]);
    assert.deepEqual([...dequantize(ggmlType.F16, new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), 2)], [1, -2]);
    assert.deepEqual([...dequantize(ggmlType.BF16, new Uint8Array([0xc0, 0x3f, 0x80, 0xbf]), 2)], [1.5, -1]);
});

/** ggml's test-quantize-fns criterion: data 0.1 + 2·cos(i), error sqrt(Σ diff²) / n below 0.002. */
function ggmlTotalError(quantize: (values: Float32Array) => Uint8Array, type: number): number {
    const n = 32 * 128;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = 0.1 + 2 * Math.cos(i);
    const back = dequantize(type, quantize(data), n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (data[i]! - back[i]!) ** 2;
    return Math.sqrt(sum) / n;
}

test("quantise → dequantise: within ggml's total-error bound (0.002) for Q8_0 and Q4_K", () => {
    const q8 = ggmlTotalError(quantizeQ8_0, ggmlType.Q8_0);
    const q4 = ggmlTotalError(quantizeQ4_K, ggmlType.Q4_K);
    assert.ok(q8 < 0.002 && q8 > 0, `Q8_0 total error ${q8}`);
    assert.ok(q4 < 0.002 && q4 > q8, `Q4_K total error ${q4} (Q8_0 ${q8})`);
});

test("Q8_0 round trip: every value within max|x|/254 + max|x|·2⁻¹¹ of its block", () => {
    const values = new Float32Array(32 * 64);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.7) * (1 + (i >> 5));
    const back = dequantize(ggmlType.Q8_0, quantizeQ8_0(values), values.length);
    for (let b = 0; b < 64; b++) {
        const slice = values.subarray(32 * b, 32 * b + 32);
        const amax = Math.max(...slice.map(Math.abs));
        for (let j = 0; j < 32; j++) assert.ok(Math.abs(slice[j]! - back[32 * b + j]!) <= amax / 254 + amax * 2 ** -11);
    }
    const exact = new Float32Array(32).map((_, j) => j - 16);
    exact[0] = -127;
    assert.deepEqual([...dequantize(ggmlType.Q8_0, quantizeQ8_0(exact), 32)], [...exact], "integers up to 127 with d = 1 survive exactly");
});

test("bad input: unsupported types, wrong sizes and non-finite values are typed errors naming the problem", () => {
    assert.throws(
        () => dequantize(3, new Uint8Array(20), 32),
        (error: unknown) => {
            assert.ok(error instanceof GlassboxError);
            assert.match(error.message, /unsupported tensor type Q4_1.*one of F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K/);
            return true;
        },
    );
    assert.throws(() => dequantize(ggmlType.Q4_K, new Uint8Array(143), 256), /Q4_K data of 256 values has the wrong size.*144 bytes/);
    assert.throws(() => dequantize(ggmlType.Q8_0, new Uint8Array(34), 31), /whole number of 32-value blocks/);
    assert.throws(() => quantizeQ4_K(new Float32Array(255)), /whole blocks of 256 values/);
    assert.throws(() => quantizeQ8_0(new Float32Array(32).fill(Number.NaN)), /finite values.*NaN at index 0/);
    assert.equal(blockLayouts.Q6_K.blockBytes, 210);
});

test("row ranges of a quantised matrix decode to the same values as the whole matrix", () => {
    const rows = 6;
    const values = new Float32Array(rows * 512).map((_, i) => Math.cos(i * 0.11) * (1 + (i % 7)));
    for (const [type, bytes] of [
        [ggmlType.Q8_0, quantizeQ8_0(values)],
        [ggmlType.Q4_K, quantizeQ4_K(values)],
    ] as const) {
        const whole = dequantize(type, bytes, values.length);
        assert.equal(rowByteSize(type, 512), bytes.length / rows);
        assert.deepEqual(dequantizeRows(type, bytes, 512, 2, 3), whole.subarray(2 * 512, 5 * 512));
        assert.throws(() => dequantizeRows(type, bytes, 512, 5, 2), /rows 5…6 lie outside a matrix of 6 rows/);
    }
    assert.throws(() => rowByteSize(ggmlType.Q4_K, 320), /rows of a Q4_K matrix must hold whole 256-value blocks/);
});
