/**
 * Reading the text files users name on the command line (datasets, inputs, message files, result
 * files, word lists): a missing file, a folder or a binary file (say a GGUF given where JSON is
 * expected) is one InputError naming the flag; file bytes are never echoed.
 */
import {readFileSync, statSync} from "node:fs";
import {InputError} from "../errors.js";

const knownBinaryFormats: [prefix: string, name: string][] = [
    ["GGUF", "a GGUF model file"],
    ["SQLite format 3\u0000", "a SQLite database"],
    ["PK\u0003\u0004", "a zip archive"],
    ["\u0089PNG", "a PNG image"],
    ["\u001f\u008b", "a gzip file"],
];

/**
 * The UTF-8 text of `path`. `what` names it in messages ("--dataset file", "result file");
 * `expected` says what it should hold ("a JSON file written by --json or --out").
 */
export function readTextFile(path: string, what: string, expected: string): string {
    let bytes: Buffer;
    try {
        if (statSync(path).isDirectory()) throw new InputError(`${what} ${path} is a folder`, {expected});
        bytes = readFileSync(path);
    } catch (error) {
        if (error instanceof InputError) throw error;
        const code = (error as {code?: string}).code;
        throw new InputError(`${what} ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "error"})`}`, {
            hint: "check the path",
            cause: error,
        });
    }
    const kind = binaryKind(bytes);
    if (kind !== undefined) throw new InputError(`${what} ${path} is binary, not text${kind === "" ? "" : ` (it looks like ${kind})`}`, {expected});
    return new TextDecoder("utf-8").decode(bytes);
}

/** undefined for text; otherwise the recognised format, or "" for other binary data. */
export function binaryKind(bytes: Uint8Array): string | undefined {
    const head = bytes.subarray(0, 65536);
    const latin1 = Buffer.from(head.subarray(0, 16)).toString("latin1");
    for (const [prefix, name] of knownBinaryFormats) {
        if (latin1.startsWith(prefix)) return name;
    }
    if (head.includes(0)) return "";
    try {
        new TextDecoder("utf-8", {fatal: true}).decode(head.length === bytes.length ? head : trimPartialCharacter(head));
    } catch {
        return "";
    }
    return undefined;
}

/** Drops a multi-byte character cut at the end of a prefix, so the prefix decodes when the file does. */
function trimPartialCharacter(bytes: Uint8Array): Uint8Array {
    let end = bytes.length;
    let back = 0;
    while (end > 0 && back < 4 && ((bytes[end - 1] ?? 0) & 0xc0) === 0x80) {
        end--;
        back++;
    }
    return end > 0 && ((bytes[end - 1] ?? 0) & 0xc0) === 0xc0 ? bytes.subarray(0, end - 1) : bytes;
}
