/**
 * ggml tensor type ids (the numbers a GGUF tensor description stores) and the block layouts of
 * the types glassbox reads and writes. A block holds `blockSize` consecutive values of one row in
 * `blockBytes` bytes; a row's length must be a multiple of the block size.
 */

export const ggmlType = {
    F32: 0,
    F16: 1,
    Q4_0: 2,
    Q8_0: 8,
    Q4_K: 12,
    Q5_K: 13,
    Q6_K: 14,
    BF16: 30,
} as const;

export type GgmlTypeName = keyof typeof ggmlType;

/** Values per super-block of the k-quants. */
export const kQuantBlockSize = 256;
/** Bytes of the packed 6-bit scales and mins of a Q4_K or Q5_K super-block (8 pairs). */
export const kQuantScaleBytes = 12;

export interface BlockLayout {
    blockSize: number;
    blockBytes: number;
}

/**
 * Q8_0: f16 scale d, then 32 signed bytes; value = d·q.
 * Q4_0: f16 scale d, then 16 bytes of 4-bit quants (low nibbles are values 0–15, high nibbles
 *   values 16–31); value = d·(q − 8).
 * Q4_K: f16 d, f16 dmin, 12 bytes of eight 6-bit (scale, min) pairs, 128 bytes of 4-bit quants.
 * Q5_K: as Q4_K plus 32 bytes holding the fifth bit of every quant, before the 4-bit quants.
 * Q6_K: 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 signed 8-bit scales, f16 d.
 */
export const blockLayouts: Readonly<Record<GgmlTypeName, BlockLayout>> = {
    F32: {blockSize: 1, blockBytes: 4},
    F16: {blockSize: 1, blockBytes: 2},
    BF16: {blockSize: 1, blockBytes: 2},
    Q8_0: {blockSize: 32, blockBytes: 2 + 32},
    Q4_0: {blockSize: 32, blockBytes: 2 + 16},
    Q4_K: {blockSize: kQuantBlockSize, blockBytes: 2 + 2 + kQuantScaleBytes + kQuantBlockSize / 2},
    Q5_K: {blockSize: kQuantBlockSize, blockBytes: 2 + 2 + kQuantScaleBytes + kQuantBlockSize / 8 + kQuantBlockSize / 2},
    Q6_K: {blockSize: kQuantBlockSize, blockBytes: kQuantBlockSize / 2 + kQuantBlockSize / 4 + kQuantBlockSize / 16 + 2},
};

/** Names of other ggml types, for messages about files glassbox cannot read. */
const otherTypeNames: Readonly<Record<number, string>> = {
    3: "Q4_1",
    6: "Q5_0",
    7: "Q5_1",
    9: "Q8_1",
    10: "Q2_K",
    11: "Q3_K",
    15: "Q8_K",
    16: "IQ2_XXS",
    17: "IQ2_XS",
    18: "IQ3_XXS",
    19: "IQ1_S",
    20: "IQ4_NL",
    21: "IQ3_S",
    22: "IQ2_S",
    23: "IQ4_XS",
    24: "I8",
    25: "I16",
    26: "I32",
    27: "I64",
    28: "F64",
    29: "IQ1_M",
    34: "TQ1_0",
    35: "TQ2_0",
    39: "MXFP4",
};

/** The name of a ggml type id this module handles, or undefined. */
export function ggmlTypeName(type: number): GgmlTypeName | undefined {
    return (Object.keys(ggmlType) as GgmlTypeName[]).find((name) => ggmlType[name] === type);
}

/** A readable name for any ggml type id ("Q4_1", or "ggml type 99" for an unknown id). */
export function describeGgmlType(type: number): string {
    return ggmlTypeName(type) ?? otherTypeNames[type] ?? `ggml type ${type}`;
}

/** Bytes that `elementCount` values of a type take (the count must be a whole number of blocks). */
export function tensorByteSize(name: GgmlTypeName, elementCount: number): number {
    const {blockSize, blockBytes} = blockLayouts[name];
    return (elementCount / blockSize) * blockBytes;
}
