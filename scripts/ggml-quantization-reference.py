#!/usr/bin/env python3
"""Writes test/fixtures/quantization/ggml-reference.json: what ggml's own reference functions give
for deterministic inputs, so that test/engine/quantization-ggml-reference.test.ts can check that
glassbox's quantisers and dequantisers are bit-identical to them.

It calls the C functions of the libggml-base.so that node-llama-cpp ships (quantize_row_q8_0_ref,
quantize_row_q4_K_ref, dequantize_row_*), through ctypes. Needs python3 with numpy.

    python3 scripts/ggml-quantization-reference.py [path/to/libggml-base.so]

Inputs come from a 32-bit linear congruential generator that the test reproduces exactly.
"""
import ctypes, hashlib, json, os, sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-base.so")


class Generator:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state * 1664525 + 1013904223) & 0xFFFFFFFF
        return self.state

    def uniform(self):
        return self.next() / 4294967296.0


def inputs(case, count):
    generator = Generator(1000 + ["symmetric", "narrow", "positive", "sparse", "constant"].index(case))
    values = []
    for i in range(count):
        u = generator.uniform()
        if case == "symmetric":
            values.append((u - 0.5) * 2)
        elif case == "narrow":
            values.append((u - 0.3) * 0.01)
        elif case == "positive":
            values.append(u * 5 + 1)
        elif case == "sparse":
            values.append(0.0 if i % 3 == 0 else (u - 0.5) * 8)
        else:
            values.append(0.375 if (i // 32) % 2 == 0 else 0.0)
    return np.array(values, dtype=np.float32)


LAYOUTS = {  # name: (values per block, bytes per block, offsets of f16 scale fields)
    "Q8_0": (32, 34, [0]),
    "Q4_0": (32, 18, [0]),
    "Q4_K": (256, 144, [0, 2]),
    "Q5_K": (256, 176, [0, 2]),
    "Q6_K": (256, 210, [208]),
}


def random_blocks(name, blocks):
    block_size, block_bytes, scale_offsets = LAYOUTS[name]
    generator = Generator(2000 + list(LAYOUTS).index(name))
    data = bytearray(generator.next() >> 24 for _ in range(blocks * block_bytes))
    for block in range(blocks):
        for offset in scale_offsets:
            bits = 0x2000 | ((generator.next() >> 20) & 0x0FFF) | (0x8000 if generator.next() & 1 else 0)
            data[block * block_bytes + offset] = bits & 0xFF
            data[block * block_bytes + offset + 1] = bits >> 8
    return bytes(data)


def main():
    library = ctypes.CDLL(LIBRARY)
    fixture = {"library": "libggml-base.so of node-llama-cpp 3.21.1 (llama.cpp binaries release v0.4.0)",
               "quantize": {}, "dequantize": {}}
    for name, function in [("Q8_0", "quantize_row_q8_0_ref"), ("Q4_K", "quantize_row_q4_K_ref")]:
        block_size, block_bytes, _ = LAYOUTS[name]
        fixture["quantize"][name] = {}
        for case in ["symmetric", "narrow", "positive", "sparse", "constant"]:
            values = inputs(case, 512)
            out = (ctypes.c_uint8 * (512 // block_size * block_bytes))()
            getattr(library, function)(values.ctypes.data_as(ctypes.c_void_p), out, ctypes.c_int64(512))
            fixture["quantize"][name][case] = bytes(out).hex()
    for name in LAYOUTS:
        block_size, block_bytes, _ = LAYOUTS[name]
        blocks = 4
        data = random_blocks(name, blocks)
        out = np.zeros(blocks * block_size, dtype=np.float32)
        buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        getattr(library, "dequantize_row_" + name.lower().replace("_k", "_K"))(
            buffer, out.ctypes.data_as(ctypes.c_void_p), ctypes.c_int64(blocks * block_size))
        fixture["dequantize"][name] = {"blocks": blocks, "sha256": hashlib.sha256(out.tobytes()).hexdigest(),
                                       "first": [float(v) for v in out[:8]]}
    path = os.path.join(ROOT, "test/fixtures/quantization/ggml-reference.json")
    with open(path, "w") as file:
        json.dump(fixture, file, indent=1)
        file.write("\n")
    print(path)


main()
