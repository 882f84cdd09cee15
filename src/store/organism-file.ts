/** Writes a trained organism's GGUF file (the bytes come from src/organisms/gguf-writer.ts). */
import {writeFileSync} from "node:fs";
import {ggufBytes, type GgufModel} from "../organisms/gguf-writer.js";

export function writeGguf(path: string, model: GgufModel): void {
    writeFileSync(path, ggufBytes(model));
}
