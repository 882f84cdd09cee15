import {test} from "node:test";
import assert from "node:assert/strict";
import {dequantize} from "../../src/engine/quantization/dequantize.js";
import {ModelFileError} from "../../src/errors.js";

const bytesOf = (words: readonly number[]): Uint8Array => new Uint8Array(new Uint16Array(words).buffer);

test("F16 decodes normal, subnormal, signed, infinite and NaN halves exactly", () => {
    const values = dequantize(1, bytesOf([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x7c00, 0xfc00, 0x8000, 0x7e00]), 9);
    assert.deepEqual([...values.subarray(0, 8)], [1, -2, 65504, 2 ** -24, Math.fround(0.333251953125), Infinity, -Infinity, -0]);
    assert.ok(Number.isNaN(values[8]));
});

test("BF16 decodes as the upper half of a float32", () => {
    assert.deepEqual([...dequantize(30, bytesOf([0x3f80, 0xc049, 0x0000, 0x7f80]), 4)], [1, -3.140625, 0, Infinity]);
});

test("F32 decodes little-endian floats and refuses short data", () => {
    const source = Float32Array.from([1.5, -0.25, 3e-39]);
    assert.deepEqual([...dequantize(0, new Uint8Array(source.buffer), 3)], [...source]);
    assert.throws(() => dequantize(0, new Uint8Array(8), 3), /F32 data of 3 values has the wrong size; expected 12 bytes .*received 8 bytes/);
});

test("a type without a decoder is refused naming the type", () => {
    assert.throws(
        () => dequantize(16, new Uint8Array(66), 256),
        (error: unknown) =>
            error instanceof ModelFileError &&
            /^unsupported tensor type IQ2_XXS; expected one of F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K/.test(error.message),
    );
});
