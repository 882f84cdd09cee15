/** Writes a decoder's GGUF file (the bytes come from src/organisms/decoder-gguf.ts). */
import {writeFileSync} from "node:fs";
import {decoderGgufBytes, type DecoderGgufModel, type WeightType} from "../organisms/decoder-gguf.js";

/** Writes the file and returns its size in bytes. */
export function writeDecoderGguf(path: string, model: DecoderGgufModel, weightType: WeightType = "F32"): number {
    const bytes = decoderGgufBytes(model, weightType);
    writeFileSync(path, bytes);
    return bytes.length;
}
