/**
 * Float32 y = x Wᵀ through the WebAssembly SIMD tile kernel. Each call copies x and W into the
 * module's memory, padded (rows to even, inputs to a multiple of 4, outputs to a multiple of 4),
 * runs the kernel over blocks of 64 outputs (the block's weights stay in cache while every row
 * pair passes) and copies y out. Copying costs O(rows·in + out·in), small beside the product's
 * O(rows·in·out) for all but single rows, which the caller keeps in JavaScript.
 */
import {matmulModuleBytes} from "./wasm-matmul-module.js";

type TileFunction = (x: number, w: number, y: number, rows: number, inBytes: number, outDim: number, outStart: number, outEnd: number) => void;

const outputBlock = 64;
const pageBytes = 65536;

class WasmMatmul {
    private readonly memory = new WebAssembly.Memory({initial: 16, maximum: 65536});
    private readonly tile: TileFunction;
    private heap: Float32Array;

    constructor() {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(matmulModuleBytes()), {env: {memory: this.memory}});
        this.tile = instance.exports.tile as TileFunction;
        this.heap = new Float32Array(this.memory.buffer);
    }

    private reserve(floats: number): Float32Array {
        const needed = floats * 4 - this.memory.buffer.byteLength;
        if (needed > 0) this.memory.grow(Math.ceil(needed / pageBytes));
        if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
        return this.heap;
    }

    forward(x: Float32Array, rows: number, inDim: number, w: Float32Array, outDim: number, y: Float32Array): void {
        const paddedRows = rows + (rows % 2);
        const paddedIn = Math.ceil(inDim / 4) * 4;
        const paddedOut = Math.ceil(outDim / 4) * 4;
        const xStart = 0,
            wStart = paddedRows * paddedIn,
            yStart = wStart + paddedOut * paddedIn;
        const heap = this.reserve(yStart + paddedRows * paddedOut);
        copyPadded(heap, xStart, x, rows, inDim, paddedRows, paddedIn);
        copyPadded(heap, wStart, w, outDim, inDim, paddedOut, paddedIn);
        for (let start = 0; start < paddedOut; start += outputBlock) {
            this.tile(4 * xStart, 4 * wStart, 4 * yStart, paddedRows, 4 * paddedIn, paddedOut, start, Math.min(paddedOut, start + outputBlock));
        }
        if (paddedOut === outDim) y.set(heap.subarray(yStart, yStart + rows * outDim));
        else for (let t = 0; t < rows; t++) y.set(heap.subarray(yStart + t * paddedOut, yStart + t * paddedOut + outDim), t * outDim);
    }
}

function copyPadded(heap: Float32Array, start: number, source: Float32Array, rows: number, columns: number, paddedRows: number, paddedColumns: number): void {
    if (columns === paddedColumns) heap.set(source.subarray(0, rows * columns), start);
    else {
        for (let r = 0; r < rows; r++) {
            heap.set(source.subarray(r * columns, (r + 1) * columns), start + r * paddedColumns);
            heap.fill(0, start + r * paddedColumns + columns, start + (r + 1) * paddedColumns);
        }
    }
    heap.fill(0, start + rows * paddedColumns, start + paddedRows * paddedColumns);
}

let shared: WasmMatmul | undefined | null;

/** The process's kernel, or undefined where WebAssembly SIMD is unavailable. */
export function wasmMatmul(): WasmMatmul | undefined {
    if (shared === undefined) {
        try {
            shared = WebAssembly.validate(matmulModuleBytes()) ? new WasmMatmul() : null;
        } catch {
            shared = null;
        }
    }
    return shared ?? undefined;
}
