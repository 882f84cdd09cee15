/** A minimal GGUF writer for tests: metadata of strings, u32s, f32s and string/f32/i32 arrays, F32 tensors. */
export type TestMetadataValue = string | number | string[] | {f32: number[]} | {i32: number[]} | {f32Value: number};

export interface TestTensor {
    name: string;
    dimensions: number[];
    /** F32 values; their count must be the product of the dimensions. */
    values: number[];
}

export function writeTestGguf(metadata: Record<string, TestMetadataValue>, tensors: TestTensor[] = []): Buffer {
    const parts: Buffer[] = [];
    const u32 = (value: number) => {
        const buffer = Buffer.alloc(4);
        buffer.writeUInt32LE(value);
        parts.push(buffer);
    };
    const u64 = (value: number) => {
        const buffer = Buffer.alloc(8);
        buffer.writeBigUInt64LE(BigInt(value));
        parts.push(buffer);
    };
    const text = (value: string) => {
        const bytes = Buffer.from(value, "utf8");
        u64(bytes.length);
        parts.push(bytes);
    };
    parts.push(Buffer.from("GGUF", "latin1"));
    u32(3);
    u64(tensors.length);
    u64(Object.keys(metadata).length);
    for (const [key, value] of Object.entries(metadata)) {
        text(key);
        if (typeof value === "string") {
            u32(8);
            text(value);
        } else if (typeof value === "number") {
            u32(4);
            u32(value);
        } else if (Array.isArray(value)) {
            u32(9);
            u32(8);
            u64(value.length);
            for (const item of value) text(item);
        } else if ("f32Value" in value) {
            u32(6);
            const buffer = Buffer.alloc(4);
            buffer.writeFloatLE(value.f32Value);
            parts.push(buffer);
        } else if ("f32" in value) {
            u32(9);
            u32(6);
            u64(value.f32.length);
            for (const item of value.f32) {
                const buffer = Buffer.alloc(4);
                buffer.writeFloatLE(item);
                parts.push(buffer);
            }
        } else {
            u32(9);
            u32(5);
            u64(value.i32.length);
            for (const item of value.i32) {
                const buffer = Buffer.alloc(4);
                buffer.writeInt32LE(item);
                parts.push(buffer);
            }
        }
    }
    let offset = 0;
    for (const tensor of tensors) {
        text(tensor.name);
        u32(tensor.dimensions.length);
        for (const dimension of tensor.dimensions) u64(dimension);
        u32(0);
        u64(offset);
        offset += Math.ceil((tensor.values.length * 4) / 32) * 32;
    }
    const header = Buffer.concat(parts);
    const dataStart = Math.ceil(header.length / 32) * 32;
    const data = Buffer.alloc(offset);
    let position = 0;
    for (const tensor of tensors) {
        tensor.values.forEach((value, index) => data.writeFloatLE(value, position + index * 4));
        position += Math.ceil((tensor.values.length * 4) / 32) * 32;
    }
    return Buffer.concat([header, Buffer.alloc(dataStart - header.length), data]);
}
