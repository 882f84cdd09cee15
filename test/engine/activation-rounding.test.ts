/**
 * The activation rounding that llama.cpp's CPU path applies before products with F16, BF16 and
 * quantised matrices, on values whose rounding is known in closed form.
 */
import {test} from "node:test";
import assert from "node:assert/strict";
import {llamaCppActivationRounding, roundActivations} from "../../src/engine/kernels/activation-rounding.js";
import {ggmlType} from "../../src/engine/quantization/ggml-types.js";

test("each weight type maps to the dot type llama.cpp converts activations to", () => {
    assert.equal(llamaCppActivationRounding(ggmlType.F32), undefined);
    assert.equal(llamaCppActivationRounding(ggmlType.F16), "f16");
    assert.equal(llamaCppActivationRounding(ggmlType.BF16), "bf16");
    assert.equal(llamaCppActivationRounding(ggmlType.Q8_0), "q8_0");
    assert.equal(llamaCppActivationRounding(ggmlType.Q4_0), "q8_0");
    for (const type of [ggmlType.Q4_K, ggmlType.Q5_K, ggmlType.Q6_K]) assert.equal(llamaCppActivationRounding(type), "q8_K");
});

test("Q8_0: with the block's largest magnitude 127 the scale is 1 and entries round to integers, ties to even", () => {
    const block = new Float32Array(32);
    block.set([0.5, 1.5, 2.5, -0.5, -1.5, 3.49, -126.6, 127]);
    const rounded = roundActivations("q8_0", block, 1, 32);
    assert.deepEqual([...rounded.subarray(0, 8)], [0, 2, 2, 0, -2, 3, -127, 127]);
    assert.deepEqual([...rounded.subarray(8)], new Array<number>(24).fill(0));
    // Scaled by 1/64 the block rounds to the same integers times a scale (127/64)/127 exact in binary16.
    const scaled = roundActivations(
        "q8_0",
        block.map((value) => value / 64),
        1,
        32,
    );
    assert.deepEqual(
        [...scaled.subarray(0, 8)],
        [0, 2, 2, 0, -2, 3, -127, 127].map((q) => q / 64),
    );
});

test("Q8_K: the scale follows the signed extreme of a block of 256, and 128 levels cap at 127", () => {
    const block = new Float32Array(256);
    block.set([-127, 2.5, 127, 64.5]);
    assert.deepEqual([...roundActivations("q8_K", block, 1, 256).subarray(0, 4)], [-127, 2, 127, 64]);
    block.set([127, -2.5, -127, -64.5]);
    assert.deepEqual([...roundActivations("q8_K", block, 1, 256).subarray(0, 4)], [127, -2, -127, -64]);
    assert.deepEqual([...roundActivations("q8_K", new Float32Array(512), 2, 256)], new Array<number>(512).fill(0));
});

test("F16 and BF16: nearest representable value, ties to even", () => {
    const values = new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 65504]);
    assert.deepEqual([...roundActivations("f16", values, 1, 5)], [1, 1 + 2 ** -9, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 65504]);
    assert.deepEqual([...roundActivations("bf16", values, 1, 5)], [1, 1, 1, 1 + 2 ** -6, 65536]);
});
