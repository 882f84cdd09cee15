/**
 * Turns the bytes of a GGUF tensor into float32 values, dispatching on the ggml type id. Each
 * supported type has one line in {@link tensorDecoders}; decoders of quantised block formats live
 * in their own files beside this one.
 */
import {ModelFileError} from "../../errors.js";
import {decodeBF16, decodeF16, decodeF32, type TensorDecoder} from "./float-types.js";

/** ggml type ids by name, for messages (ggml.h, `enum ggml_type`). */
export const ggmlTypeNames: Readonly<Record<number, string>> = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K",
    12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
    20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64",
    29: "IQ1_M", 30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
};

export const tensorDecoders: Readonly<Record<number, TensorDecoder>> = {
    [0]: decodeF32,
    [1]: decodeF16,
    [30]: decodeBF16,
};

export function ggmlTypeName(type: number): string {
    return ggmlTypeNames[type] ?? `type ${type}`;
}

export function isSupportedTensorType(type: number): boolean {
    return tensorDecoders[type] !== undefined;
}

/** Names of the types {@link dequantize} decodes, for error messages. */
export function supportedTensorTypes(): string[] {
    return Object.keys(tensorDecoders).map((id) => ggmlTypeName(Number(id)));
}

export function dequantize(type: number, bytes: Uint8Array, elementCount: number): Float32Array {
    const decoder = tensorDecoders[type];
    if (decoder === undefined) {
        throw new ModelFileError(`tensor type ${ggmlTypeName(type)} is not supported by the engine`, {
            expected: supportedTensorTypes().join(", "),
            received: ggmlTypeName(type),
        });
    }
    return decoder(bytes, elementCount);
}
