/**
 * Bit-for-bit agreement with ggml's reference quantisation and dequantisation. The fixture holds
 * what the C functions of node-llama-cpp's libggml-base.so return for deterministic inputs
 * (scripts/ggml-quantization-reference.py writes it); this test regenerates the same inputs.
 */
import {test} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {dequantize} from "../../src/engine/quantization/dequantize.js";
import {blockLayouts, ggmlType, type GgmlTypeName} from "../../src/engine/quantization/ggml-types.js";
import {quantizeQ4_K} from "../../src/engine/quantization/q4_k.js";
import {quantizeQ8_0} from "../../src/engine/quantization/q8_0.js";

interface Fixture {
    quantize: Record<"Q8_0" | "Q4_K", Record<string, string>>;
    dequantize: Record<string, {blocks: number; sha256: string; first: number[]}>;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/quantization/ggml-reference.json", import.meta.url), "utf8")) as Fixture;

/** The 32-bit linear congruential generator of the fixture script. */
class Generator {
    private state: number;
    constructor(seed: number) {
        this.state = seed >>> 0;
    }
    next(): number {
        this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
        return this.state;
    }
    uniform(): number {
        return this.next() / 4294967296;
    }
}

const cases = ["symmetric", "narrow", "positive", "sparse", "constant"];

function inputs(name: string, count: number): Float32Array {
    const generator = new Generator(1000 + cases.indexOf(name));
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
        const u = generator.uniform();
        if (name === "symmetric") values[i] = (u - 0.5) * 2;
        else if (name === "narrow") values[i] = (u - 0.3) * 0.01;
        else if (name === "positive") values[i] = u * 5 + 1;
        else if (name === "sparse") values[i] = i % 3 === 0 ? 0 : (u - 0.5) * 8;
        else values[i] = Math.floor(i / 32) % 2 === 0 ? 0.375 : 0;
    }
    return values;
}

const scaleOffsets: Record<string, number[]> = {Q8_0: [0], Q4_0: [0], Q4_K: [0, 2], Q5_K: [0, 2], Q6_K: [208]};

function randomBlocks(name: GgmlTypeName, blocks: number): Uint8Array {
    const {blockBytes} = blockLayouts[name];
    const generator = new Generator(2000 + Object.keys(scaleOffsets).indexOf(name));
    const data = new Uint8Array(blocks * blockBytes);
    for (let i = 0; i < data.length; i++) data[i] = generator.next() >>> 24;
    for (let block = 0; block < blocks; block++) {
        for (const offset of scaleOffsets[name]!) {
            const bits = 0x2000 | ((generator.next() >>> 20) & 0x0fff) | (generator.next() & 1 ? 0x8000 : 0);
            data[block * blockBytes + offset] = bits & 0xff;
            data[block * blockBytes + offset + 1] = bits >> 8;
        }
    }
    return data;
}

for (const [type, quantize] of [
    ["Q8_0", quantizeQ8_0],
    ["Q4_K", quantizeQ4_K],
] as const) {
    test(`${type} quantiser writes the bytes of ggml's reference quantiser (5 input kinds, 512 values each)`, () => {
        for (const name of cases) {
            assert.equal(Buffer.from(quantize(inputs(name, 512))).toString("hex"), fixture.quantize[type][name], `${type}, ${name} inputs`);
        }
    });
}

for (const name of Object.keys(scaleOffsets) as GgmlTypeName[]) {
    test(`${name} dequantiser gives ggml's float32 values bit for bit (4 blocks of random bytes)`, () => {
        const expected = fixture.dequantize[name]!;
        const {blockSize} = blockLayouts[name];
        const values = dequantize(ggmlType[name], randomBlocks(name, expected.blocks), expected.blocks * blockSize);
        assert.deepEqual([...values.subarray(0, 8)], expected.first);
        assert.equal(createHash("sha256").update(new Uint8Array(values.buffer)).digest("hex"), expected.sha256);
    });
}
