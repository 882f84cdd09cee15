import {test} from "node:test";
import assert from "node:assert/strict";
import {attentionMix, attentionMixBackward, attentionScores, attentionScoresBackward, type AttentionShape} from "../../src/engine/kernels/attention.js";
import {linearBackwardInput, linearForward, linearForwardScalar} from "../../src/engine/kernels/matmul.js";
import {wasmMatmul} from "../../src/engine/kernels/wasm-matmul.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {largestMagnitude, maxAbsDifference, randomArray} from "./engine-helpers.js";

const random = new SeededRandom(12);

test("the WebAssembly SIMD kernel is available in this Node and matches the float64 product on padded shapes", () => {
    assert.ok(wasmMatmul() !== undefined);
    for (const [rows, inDim, outDim] of [
        [2, 4, 4],
        [3, 5, 7],
        [17, 33, 130],
        [64, 64, 257],
    ] as const) {
        const x = randomArray(random, rows * inDim, 1),
            w = randomArray(random, outDim * inDim, 1),
            bias = randomArray(random, outDim, 1);
        const fast = new Float32Array(rows * outDim),
            reference = new Float64Array(rows * outDim);
        linearForward(x, rows, inDim, w, outDim, bias, fast);
        linearForwardScalar(Float64Array.from(x), rows, inDim, w, outDim, bias, reference);
        assert.ok(maxAbsDifference(fast, reference) <= 1e-5 * Math.sqrt(inDim) * largestMagnitude(reference), `${rows}×${inDim}×${outDim}`);
        const dy = randomArray(random, rows * outDim, 1);
        const dx = new Float32Array(rows * inDim),
            dxReference = new Float64Array(rows * inDim);
        linearBackwardInput(dy, rows, outDim, w, inDim, dx);
        linearBackwardInput(Float64Array.from(dy), rows, outDim, w, inDim, dxReference);
        assert.ok(maxAbsDifference(dx, dxReference) <= 1e-5 * Math.sqrt(outDim) * largestMagnitude(dxReference), `backward ${rows}×${inDim}×${outDim}`);
    }
});

test("float32 attention through the matrix kernel equals the float64 scalar kernels (GQA, forward and backward)", () => {
    const shape: AttentionShape = {sequences: 2, length: 19, heads: 4, kvHeads: 2, headDim: 6};
    const {sequences, length, heads, kvHeads, headDim} = shape;
    const q = randomArray(random, sequences * length * heads * headDim, 1),
        k = randomArray(random, sequences * length * kvHeads * headDim, 1);
    const v = randomArray(random, k.length, 1),
        dz = randomArray(random, q.length, 1);
    const run = (precision: "f32" | "f64"): Record<string, Float32Array | Float64Array> => {
        const make = (n: number): Float32Array | Float64Array => (precision === "f32" ? new Float32Array(n) : new Float64Array(n));
        const cast = (a: Float32Array): Float32Array | Float64Array => (precision === "f32" ? a : Float64Array.from(a));
        const square = sequences * heads * length * length;
        const scores = make(square),
            pattern = make(square),
            z = make(q.length),
            dPattern = make(square),
            dv = make(v.length),
            dq = make(q.length),
            dk = make(k.length);
        attentionScores(cast(q), cast(k), shape, 0.4, scores);
        for (let row = 0; row < square / length; row++) {
            const o = row * length;
            let total = 0;
            for (let j = 0; j < length; j++) total += pattern[o + j] = Number.isFinite(scores[o + j]!) ? Math.exp(scores[o + j]!) : 0;
            for (let j = 0; j < length; j++) pattern[o + j] = pattern[o + j]! / total;
        }
        attentionMix(pattern, cast(v), shape, z);
        attentionMixBackward(pattern, cast(v), cast(dz), shape, dPattern, dv);
        attentionScoresBackward(cast(q), cast(k), dPattern, shape, 0.4, dq, dk);
        return {scores: scores.map((s) => (Number.isFinite(s) ? s : 0)), z, dPattern, dv, dq, dk};
    };
    const fast = run("f32"),
        reference = run("f64");
    for (const name of Object.keys(reference)) {
        assert.ok(maxAbsDifference(fast[name]!, reference[name]!) <= 1e-5 * Math.max(1, largestMagnitude(reference[name]!)), name);
    }
});
