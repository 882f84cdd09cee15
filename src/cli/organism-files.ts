/**
 * Finding and opening a shipped organism for the CLI (demo, bench validity). The folder is, in
 * order: the --organisms flag, the GLASSBOX_ORGANISMS_DIR environment variable, the package's own
 * organisms/. A missing, unreadable or corrupt file (or one that is not that organism) is one
 * ModelFileError naming the file and the command that rebuilds it.
 */
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {openLlamaCppModel, type LlamaCppBackend} from "../backends/llama-cpp/backend.js";
import {checkModelFile} from "../backends/llama-cpp/model-file-check.js";
import {isGlassboxError, ModelFileError} from "../errors.js";
import {organismPath, organismSpec, type OrganismName, type OrganismSpec} from "../organisms/registry.js";

export const organismsDirVariable = "GLASSBOX_ORGANISMS_DIR";
export const rebuildCommand = "npm run organisms:train";

export function organismFile(name: OrganismName, directory?: string): string {
    const folder = directory ?? process.env[organismsDirVariable];
    return folder === undefined || folder === "" ? organismPath(name) : join(folder, `${name}.gguf`);
}

export interface OpenedOrganism {
    spec: OrganismSpec;
    path: string;
    /** SHA-256 of the file, hex: which build of the organism produced a result. */
    sha256: string;
    backend: LlamaCppBackend;
}

/** Open an organism through llama.cpp (exact precision). */
export async function openOrganism(name: OrganismName, options: {directory?: string; lanes?: number} = {}): Promise<OpenedOrganism> {
    const spec = organismSpec(name);
    const path = organismFile(name, options.directory);
    const unusable = (what: string, cause?: unknown): ModelFileError =>
        new ModelFileError(`the ${name} organism file ${path} ${what}`, {
            hint: `rebuild it with \`${rebuildCommand}\` in a glassbox checkout, or point ${organismsDirVariable} at a folder holding ${name}.gguf`,
            ...(cause === undefined ? {} : {cause}),
        });
    let words: unknown;
    try {
        words = checkModelFile(path).header.metadata.get("glassbox.organism.words");
    } catch (error) {
        const reason = isGlassboxError(error) && error.message.includes("does not exist") ? "is missing" : `is unusable (${firstLine(error)})`;
        throw unusable(reason, error);
    }
    const expected = spec.task().words;
    if (!Array.isArray(words) || words.length !== expected.length || words.some((word, index) => word !== expected[index])) {
        throw unusable(`is not the ${name} organism (its word list does not match the task)`);
    }
    try {
        const backend = await openLlamaCppModel(path, {precision: "exact", ...(options.lanes === undefined ? {} : {lanes: options.lanes})});
        return {spec, path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex"), backend};
    } catch (error) {
        throw unusable(`cannot be loaded (${firstLine(error)})`, error);
    }
}

function firstLine(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    // Drop the fix hint of the inner error ("(pass … with --model)"): this message gives its own.
    return (text.split("\n")[0] ?? text).replace(/ \([^()]*\)$/u, "").replace(/; expected .*$/u, "");
}
