/** Input checks and float32 rounding helpers shared by the block decoders and quantisers. */
import {InputError, ModelFileError} from "../../errors.js";
import {blockLayouts, type GgmlTypeName} from "./ggml-types.js";

/** Checks that `bytes` hold exactly `elementCount` values of a block type; returns the block count. */
export function checkBlockInput(type: GgmlTypeName, bytes: Uint8Array, elementCount: number): number {
    const {blockSize, blockBytes} = blockLayouts[type];
    if (!Number.isInteger(elementCount) || elementCount < 0 || elementCount % blockSize !== 0) {
        throw new ModelFileError(`a ${type} tensor must hold a whole number of ${blockSize}-value blocks`, {
            expected: `a multiple of ${blockSize} values`,
            received: String(elementCount),
        });
    }
    const blocks = elementCount / blockSize;
    if (bytes.length !== blocks * blockBytes) {
        throw new ModelFileError(`${type} data of ${elementCount} values has the wrong size`, {
            expected: `${blocks * blockBytes} bytes (${blocks} blocks of ${blockBytes})`,
            received: `${bytes.length} bytes`,
        });
    }
    return blocks;
}

/** Checks that values can be quantised to a block type (finite, whole blocks); returns the block count. */
export function checkQuantizerInput(type: GgmlTypeName, values: Float32Array): number {
    const {blockSize} = blockLayouts[type];
    if (values.length % blockSize !== 0) {
        throw new InputError(`${type} quantises whole blocks of ${blockSize} values`, {
            expected: `a multiple of ${blockSize} values`,
            received: String(values.length),
        });
    }
    for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) {
            throw new InputError(`${type} can only quantise finite values`, {received: `${values[i]} at index ${i}`});
        }
    }
    return values.length / blockSize;
}

/** C's roundf: to the nearest integer, halfway cases away from zero. */
export function roundHalfAwayFromZero(value: number): number {
    return value < 0 ? -Math.round(-value) : Math.round(value);
}

/**
 * ggml's `nearest_int`: adds 1.5·2²³ in float32, which rounds to the nearest integer with ties to
 * even, and reads the integer back (valid for |value| < 2²²).
 */
export function nearestInt(value: number): number {
    return Math.fround(value + 12582912) - 12582912;
}
