/**
 * Opens a GGUF file as a {@link WhiteBoxModel}: reads the header with the project's GGUF reader,
 * plans the model (architecture, tensor names, shapes and types checked, no weights read), refuses
 * it if the float32 weights would not fit in the memory available, then reads each tensor's bytes.
 */
import {closeSync, openSync, readSync} from "node:fs";
import {freemem} from "node:os";
import {basename} from "node:path";
import {ModelFileError} from "../../errors.js";
import {checkMemory, planModel, WhiteBoxModel, type BuildOptions, type ModelPlan} from "../../engine/index.js";
import {GgufFormatError, readGgufHeader, type GgufHeader} from "../llama-cpp/gguf-reader.js";

export interface WhiteBoxLoadOptions extends BuildOptions {
    /** Bytes the weights may take; default: the free memory reported by the operating system. */
    availableBytes?: number;
}

export function readWhiteBoxPlan(path: string): {header: GgufHeader; plan: ModelPlan} {
    let header: GgufHeader;
    try {
        header = readGgufHeader(path);
    } catch (error) {
        if (error instanceof GgufFormatError)
            throw new ModelFileError(`${basename(path)} is not a readable GGUF file`, {received: error.message, cause: error});
        throw error;
    }
    return {header, plan: planModel(header.metadata, header.tensors)};
}

export function loadWhiteBoxModel(path: string, options: WhiteBoxLoadOptions = {}): WhiteBoxModel {
    const {header, plan} = readWhiteBoxPlan(path);
    checkMemory(plan, options.availableBytes ?? freemem());
    const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
    const fd = openSync(path, "r");
    try {
        return WhiteBoxModel.fromPlan(
            plan,
            (description) => {
                const tensor = byName.get(description.name)!;
                const size = tensor.byteSize ?? 0;
                const bytes = new Uint8Array(size);
                let filled = 0;
                while (filled < size) {
                    const read = readSync(fd, bytes, filled, size - filled, header.dataOffset + tensor.offset + filled);
                    if (read <= 0) throw new ModelFileError(`${basename(path)} ends inside tensor ${tensor.name}`);
                    filled += read;
                }
                return bytes;
            },
            options,
        );
    } finally {
        closeSync(fd);
    }
}
