/**
 * Row access to a stored matrix without decoding all of it (an embedding lookup reads one row of
 * a quantised token table). Rows hold whole blocks, so a row range is a contiguous byte range.
 */
import {ModelFileError} from "../../errors.js";
import {dequantize} from "./dequantize.js";
import {blockLayouts, describeGgmlType, ggmlTypeName} from "./ggml-types.js";

/** Bytes of one row of `rowLength` values of ggml type `type`. */
export function rowByteSize(type: number, rowLength: number): number {
    const name = ggmlTypeName(type);
    if (name === undefined) throw new ModelFileError(`unsupported tensor type ${describeGgmlType(type)}`);
    const {blockSize, blockBytes} = blockLayouts[name];
    if (rowLength % blockSize !== 0) {
        throw new ModelFileError(`rows of a ${name} matrix must hold whole ${blockSize}-value blocks`, {received: `rows of ${rowLength} values`});
    }
    return (rowLength / blockSize) * blockBytes;
}

/** Rows `firstRow` … `firstRow + rowCount − 1` of a matrix stored as `bytes`, as float32. */
export function dequantizeRows(type: number, bytes: Uint8Array, rowLength: number, firstRow: number, rowCount: number): Float32Array {
    const rowBytes = rowByteSize(type, rowLength);
    const start = firstRow * rowBytes;
    const end = start + rowCount * rowBytes;
    if (!Number.isInteger(firstRow) || !Number.isInteger(rowCount) || firstRow < 0 || rowCount < 0 || end > bytes.length) {
        throw new RangeError(`rows ${firstRow}…${firstRow + rowCount - 1} lie outside a matrix of ${bytes.length / rowBytes} rows`);
    }
    return dequantize(type, bytes.subarray(start, end), rowCount * rowLength);
}
