/**
 * The 12 bytes of eight 6-bit (scale, min) pairs shared by Q4_K and Q5_K super-blocks (ggml's
 * `get_scale_min_k4` layout). Pairs 0–3: byte j holds scale j and byte j + 4 holds min j in their
 * low 6 bits. Pairs 4–7: byte j + 4 holds the low 4 bits of scale j (low nibble) and of min j
 * (high nibble); their top 2 bits sit in the top 2 bits of bytes j − 4 (scale) and j (min).
 */

export interface ScaleMin {
    scale: number;
    min: number;
}

/** Pair `index` (0–7) of the packed scales starting at `offset` in `bytes`. */
export function unpackScaleMin(bytes: Uint8Array, offset: number, index: number): ScaleMin {
    if (index < 4) return {scale: bytes[offset + index]! & 63, min: bytes[offset + index + 4]! & 63};
    const low = bytes[offset + index + 4]!;
    return {
        scale: (low & 0x0f) | ((bytes[offset + index - 4]! >> 6) << 4),
        min: (low >> 4) | ((bytes[offset + index]! >> 6) << 4),
    };
}

/** Packs eight 6-bit scales and mins (each 0–63) into 12 bytes at `offset`. */
export function packScaleMins(scales: readonly number[], mins: readonly number[], out: Uint8Array, offset: number): void {
    for (let j = 0; j < 8; j++) {
        const scale = scales[j]!;
        const min = mins[j]!;
        if (j < 4) {
            out[offset + j] = scale;
            out[offset + j + 4] = min;
        } else {
            out[offset + j + 4] = (scale & 0x0f) | ((min & 0x0f) << 4);
            out[offset + j - 4] = out[offset + j - 4]! | ((scale >> 4) << 6);
            out[offset + j] = out[offset + j]! | ((min >> 4) << 6);
        }
    }
}
