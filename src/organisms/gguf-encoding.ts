/**
 * The GGUF (version 3) container: header, metadata key/value pairs, tensor descriptions and
 * aligned tensor data, little-endian. Pure: it returns bytes; src/store writes them.
 */

export const ggufAlignment = 32;

const valueType = {uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9} as const;

export type MetadataValue =
    | {type: "uint32" | "int32" | "float32"; value: number}
    | {type: "bool"; value: boolean}
    | {type: "string"; value: string}
    | {type: "array"; of: "string"; value: readonly string[]}
    | {type: "array"; of: "float32" | "int32"; value: readonly number[]};

export type MetadataEntry = [string, MetadataValue];

export interface EncodedTensor {
    name: string;
    /** Row-major shape ([rows, columns] for a matrix); GGUF lists the dimensions reversed. */
    shape: readonly number[];
    ggmlType: number;
    data: Uint8Array;
}

class ByteSink {
    private chunks: Buffer[] = [];
    length = 0;

    push(buffer: Buffer): void {
        this.chunks.push(buffer);
        this.length += buffer.length;
    }

    u32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(value);
        this.push(b);
    }

    i32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeInt32LE(value);
        this.push(b);
    }

    f32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeFloatLE(value);
        this.push(b);
    }

    u64(value: number): void {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(value));
        this.push(b);
    }

    string(value: string): void {
        const bytes = Buffer.from(value, "utf8");
        this.u64(bytes.length);
        this.push(bytes);
    }

    padTo(multiple: number): void {
        const padding = (multiple - (this.length % multiple)) % multiple;
        if (padding > 0) this.push(Buffer.alloc(padding));
    }

    bytes(): Buffer {
        return Buffer.concat(this.chunks);
    }
}

function writeValue(sink: ByteSink, entry: MetadataValue): void {
    if (entry.type === "array") {
        sink.u32(valueType.array);
        sink.u32(valueType[entry.of]);
        sink.u64(entry.value.length);
        if (entry.of === "string") for (const text of entry.value as readonly string[]) sink.string(text);
        else if (entry.of === "float32") for (const number of entry.value as readonly number[]) sink.f32(number);
        else for (const number of entry.value as readonly number[]) sink.i32(number);
        return;
    }
    sink.u32(valueType[entry.type]);
    if (entry.type === "string") sink.string(entry.value);
    else if (entry.type === "bool") sink.push(Buffer.from([entry.value ? 1 : 0]));
    else if (entry.type === "uint32") sink.u32(entry.value);
    else if (entry.type === "int32") sink.i32(entry.value);
    else sink.f32(entry.value);
}

/** The bytes of a GGUF file holding `metadata` (in order) and `tensors` (in order, each aligned). */
export function encodeGguf(metadata: readonly MetadataEntry[], tensors: readonly EncodedTensor[]): Buffer {
    const sink = new ByteSink();
    sink.push(Buffer.from("GGUF", "ascii"));
    sink.u32(3);
    sink.u64(tensors.length);
    sink.u64(metadata.length);
    for (const [key, value] of metadata) {
        sink.string(key);
        writeValue(sink, value);
    }
    let dataOffset = 0;
    for (const tensor of tensors) {
        sink.string(tensor.name);
        sink.u32(tensor.shape.length);
        for (const dimension of [...tensor.shape].reverse()) sink.u64(dimension);
        sink.u32(tensor.ggmlType);
        sink.u64(dataOffset);
        dataOffset += Math.ceil(tensor.data.length / ggufAlignment) * ggufAlignment;
    }
    sink.padTo(ggufAlignment);
    for (const tensor of tensors) {
        sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length));
        sink.padTo(ggufAlignment);
    }
    return sink.bytes();
}
