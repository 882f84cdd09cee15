/**
 * Tensor data of any supported ggml type to float32, dispatching on the GGUF type id. Every
 * decoder reproduces ggml's reference dequantisation (`dequantize_row_*`) bit for bit.
 */
import {ModelFileError} from "../../errors.js";
import {describeGgmlType, ggmlType, ggmlTypeName, type GgmlTypeName} from "./ggml-types.js";
import {decodeBF16, decodeF16, decodeF32} from "./float-types.js";
import {dequantizeQ4_0} from "./q4_0.js";
import {dequantizeQ4_K} from "./q4_k.js";
import {dequantizeQ5_K} from "./q5_k.js";
import {dequantizeQ6_K} from "./q6_k.js";
import {dequantizeQ8_0} from "./q8_0.js";

export type TensorDecoder = (bytes: Uint8Array, elementCount: number) => Float32Array;

const decoders: ReadonlyMap<number, TensorDecoder> = new Map<number, TensorDecoder>([
    [ggmlType.F32, decodeF32],
    [ggmlType.F16, decodeF16],
    [ggmlType.BF16, decodeBF16],
    [ggmlType.Q8_0, dequantizeQ8_0],
    [ggmlType.Q4_0, dequantizeQ4_0],
    [ggmlType.Q4_K, dequantizeQ4_K],
    [ggmlType.Q5_K, dequantizeQ5_K],
    [ggmlType.Q6_K, dequantizeQ6_K],
]);

/** The type names `dequantize` accepts. */
export function supportedTensorTypes(): GgmlTypeName[] {
    return [...decoders.keys()].map((type) => ggmlTypeName(type)!);
}

/** Whether {@link dequantize} decodes this ggml type id. */
export function isSupportedTensorType(type: number): boolean {
    return decoders.has(type);
}

/** Decodes `elementCount` values of ggml type `type` from `bytes` (exactly their size). */
export function dequantize(type: number, bytes: Uint8Array, elementCount: number): Float32Array {
    const decoder = decoders.get(type);
    if (decoder === undefined) {
        throw new ModelFileError(`unsupported tensor type ${describeGgmlType(type)}`, {
            expected: `one of ${supportedTensorTypes().join(", ")}`,
            received: `ggml type ${type}`,
        });
    }
    return decoder(bytes, elementCount);
}
