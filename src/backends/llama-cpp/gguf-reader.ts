/**
 * A small, defensive GGUF header reader. It parses the header, the metadata key/value pairs and
 * the tensor descriptions, and checks that every tensor's data lies inside the file, without
 * loading any weights. llama.cpp's native loader can abort the whole process on a malformed
 * file, so every file goes through this reader before it is handed to llama.cpp.
 *
 * Format (little endian): "GGUF", version u32, tensor count u64, metadata count u64, metadata
 * pairs (key string, value type u32, value), tensor infos (name, n_dims u32, dims u64[n_dims],
 * ggml type u32, offset u64), padding to `general.alignment` (default 32), tensor data.
 */
import {closeSync, fstatSync, openSync, readSync} from "node:fs";

export type GgufScalar = number | bigint | boolean | string;
export type GgufValue = GgufScalar | GgufScalar[] | {arrayOf: string; length: number};

export interface GgufTensorInfo {
    name: string;
    dimensions: number[];
    ggmlType: number;
    /** Offset of the data relative to the start of the tensor data section. */
    offset: number;
    /** Size in bytes, or undefined for a ggml type this reader does not know. */
    byteSize: number | undefined;
}

export interface GgufHeader {
    version: number;
    fileSize: number;
    metadata: Map<string, GgufValue>;
    tensors: GgufTensorInfo[];
    /** Absolute file offset where tensor data starts. */
    dataOffset: number;
}

/** Why a file could not be read as GGUF; `offset` is where reading stopped. */
export class GgufFormatError extends Error {
    constructor(
        message: string,
        readonly offset: number,
    ) {
        super(message);
        this.name = "GgufFormatError";
    }
}

const valueTypeNames = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"];
const fixedValueSizes: Record<number, number> = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8};
/** Arrays longer than this are summarised unless their key is in `keptArrayKeys`. */
const arraySummaryThreshold = 1024;
const keptArrayKeys = new Set(["tokenizer.ggml.tokens", "tokenizer.ggml.token_type"]);
const maxDimensions = 4;

/** ggml type id → [bytes per block, elements per block]. */
const ggmlTypeSizes: Record<number, [number, number]> = {
    0: [4, 1],
    1: [2, 1],
    2: [18, 32],
    3: [20, 32],
    6: [22, 32],
    7: [24, 32],
    8: [34, 32],
    9: [36, 32],
    10: [84, 256],
    11: [110, 256],
    12: [144, 256],
    13: [176, 256],
    14: [210, 256],
    15: [292, 256],
    16: [66, 256],
    17: [74, 256],
    18: [98, 256],
    19: [50, 256],
    20: [18, 32],
    21: [110, 256],
    22: [82, 256],
    23: [136, 256],
    24: [1, 1],
    25: [2, 1],
    26: [4, 1],
    27: [8, 1],
    28: [8, 1],
    29: [56, 256],
    30: [2, 1],
    34: [54, 256],
    35: [66, 256],
    39: [17, 32],
};

/** Reads a file sequentially in chunks, never past its end. */
class ChunkedReader {
    private buffer = Buffer.alloc(0);
    private bufferStart = 0;
    position = 0;

    constructor(
        private readonly fd: number,
        readonly size: number,
    ) {}

    private ensure(length: number, what: string): void {
        const end = this.position + length;
        if (end > this.size) {
            throw new GgufFormatError(`the file ends inside ${what} (needs ${end} bytes, has ${this.size})`, this.position);
        }
        if (this.position >= this.bufferStart && end <= this.bufferStart + this.buffer.length) return;
        const chunk = Math.min(this.size - this.position, Math.max(length, 1 << 20));
        const buffer = Buffer.alloc(chunk);
        let filled = 0;
        while (filled < chunk) {
            const read = readSync(this.fd, buffer, filled, chunk - filled, this.position + filled);
            if (read <= 0) break;
            filled += read;
        }
        if (filled < length) throw new GgufFormatError(`could not read ${what}`, this.position);
        this.buffer = buffer.subarray(0, filled);
        this.bufferStart = this.position;
    }

    bytes(length: number, what: string): Buffer {
        this.ensure(length, what);
        const start = this.position - this.bufferStart;
        this.position += length;
        return this.buffer.subarray(start, start + length);
    }

    u32(what: string): number {
        return this.bytes(4, what).readUInt32LE(0);
    }

    u64(what: string): bigint {
        return this.bytes(8, what).readBigUInt64LE(0);
    }

    /** A u64 that must be a safe integer no larger than `limit`. */
    count(what: string, limit: number): number {
        const value = this.u64(what);
        if (value > BigInt(limit)) {
            throw new GgufFormatError(`${what} is ${value}, more than the file can hold`, this.position - 8);
        }
        return Number(value);
    }

    string(what: string): string {
        const length = this.count(`the length of ${what}`, this.size - this.position);
        return this.bytes(length, what).toString("utf8");
    }
}

function readScalar(reader: ChunkedReader, type: number, what: string): GgufScalar {
    switch (type) {
        case 0:
            return reader.bytes(1, what).readUInt8(0);
        case 1:
            return reader.bytes(1, what).readInt8(0);
        case 2:
            return reader.bytes(2, what).readUInt16LE(0);
        case 3:
            return reader.bytes(2, what).readInt16LE(0);
        case 4:
            return reader.bytes(4, what).readUInt32LE(0);
        case 5:
            return reader.bytes(4, what).readInt32LE(0);
        case 6:
            return reader.bytes(4, what).readFloatLE(0);
        case 7: {
            const value = reader.bytes(1, what).readUInt8(0);
            if (value > 1) throw new GgufFormatError(`${what} is a bool with value ${value}`, reader.position - 1);
            return value === 1;
        }
        case 8:
            return reader.string(what);
        case 10:
            return reader.bytes(8, what).readBigUInt64LE(0);
        case 11:
            return reader.bytes(8, what).readBigInt64LE(0);
        case 12:
            return reader.bytes(8, what).readDoubleLE(0);
        default:
            throw new GgufFormatError(`${what} has unknown value type ${type}`, reader.position - 4);
    }
}

function readValue(reader: ChunkedReader, key: string): GgufValue {
    const type = reader.u32(`the type of metadata "${key}"`);
    if (type !== 9) return readScalar(reader, type, `metadata "${key}"`);
    const elementType = reader.u32(`the element type of metadata "${key}"`);
    if (elementType === 9) throw new GgufFormatError(`metadata "${key}" is a nested array`, reader.position - 4);
    if (valueTypeNames[elementType] === undefined) {
        throw new GgufFormatError(`metadata "${key}" has unknown element type ${elementType}`, reader.position - 4);
    }
    const minimumSize = fixedValueSizes[elementType] ?? 8;
    const length = reader.count(`the length of metadata "${key}"`, Math.floor((reader.size - reader.position) / minimumSize));
    const keep = length <= arraySummaryThreshold || keptArrayKeys.has(key);
    const values: GgufScalar[] = [];
    for (let index = 0; index < length; index++) {
        const value = readScalar(reader, elementType, `element ${index} of metadata "${key}"`);
        if (keep) values.push(value);
    }
    return keep ? values : {arrayOf: valueTypeNames[elementType] ?? String(elementType), length};
}

function tensorByteSize(dimensions: readonly number[], ggmlType: number): number | undefined {
    const sizes = ggmlTypeSizes[ggmlType];
    if (sizes === undefined) return undefined;
    const [blockBytes, blockElements] = sizes;
    const rowElements = dimensions[0] ?? 1;
    const rows = dimensions.slice(1).reduce((product, value) => product * value, 1);
    return Math.ceil(rowElements / blockElements) * blockBytes * rows;
}

/** Parse a GGUF file's header; throws GgufFormatError for anything malformed. */
export function readGgufHeader(path: string): GgufHeader {
    const fd = openSync(path, "r");
    try {
        const fileSize = fstatSync(fd).size;
        const reader = new ChunkedReader(fd, fileSize);
        const magic = reader.bytes(4, "the GGUF magic");
        if (magic.toString("latin1") !== "GGUF") {
            throw new GgufFormatError(`not a GGUF file: first bytes were ${describeBytes(magic)}`, 0);
        }
        const version = reader.u32("the GGUF version");
        if (version < 2 || version > 3) throw new GgufFormatError(`unsupported GGUF version ${version}`, 4);
        const tensorCount = reader.count("the tensor count", Math.floor(fileSize / 24));
        const metadataCount = reader.count("the metadata count", Math.floor(fileSize / 12));
        const metadata = new Map<string, GgufValue>();
        for (let index = 0; index < metadataCount; index++) {
            const key = reader.string(`metadata key ${index}`);
            metadata.set(key, readValue(reader, key));
        }
        const tensors: GgufTensorInfo[] = [];
        for (let index = 0; index < tensorCount; index++) {
            const name = reader.string(`the name of tensor ${index}`);
            const dimensionCount = reader.u32(`the dimension count of tensor "${name}"`);
            if (dimensionCount === 0 || dimensionCount > maxDimensions) {
                throw new GgufFormatError(`tensor "${name}" has ${dimensionCount} dimensions`, reader.position - 4);
            }
            const dimensions: number[] = [];
            for (let axis = 0; axis < dimensionCount; axis++) {
                dimensions.push(reader.count(`dimension ${axis} of tensor "${name}"`, Number.MAX_SAFE_INTEGER));
            }
            const ggmlType = reader.u32(`the type of tensor "${name}"`);
            const offset = reader.count(`the data offset of tensor "${name}"`, fileSize);
            tensors.push({name, dimensions, ggmlType, offset, byteSize: tensorByteSize(dimensions, ggmlType)});
        }
        const alignmentValue = metadata.get("general.alignment");
        const alignment = typeof alignmentValue === "number" && alignmentValue > 0 ? alignmentValue : 32;
        const dataOffset = Math.ceil(reader.position / alignment) * alignment;
        for (const tensor of tensors) {
            const end = dataOffset + tensor.offset + (tensor.byteSize ?? 0);
            if (end > fileSize) {
                throw new GgufFormatError(
                    `the data of tensor "${tensor.name}" ends at byte ${end}, past the end of the file (${fileSize} bytes)`,
                    dataOffset + tensor.offset,
                );
            }
        }
        return {version, fileSize, metadata, tensors, dataOffset};
    } finally {
        closeSync(fd);
    }
}

function describeBytes(bytes: Buffer): string {
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
    const text = [...bytes].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".")).join("");
    return `${hex} ("${text}")`;
}
