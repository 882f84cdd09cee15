/**
 * Bounds a requested context size before llama.cpp allocates it: within the model's trained
 * context unless the caller explicitly allows more, and with a KV cache that fits in the memory
 * this machine has available (llama.cpp would otherwise allocate until the system swaps or kills).
 */
import {freemem} from "node:os";
import {basename} from "node:path";
import {ArgumentError, InputError} from "../../errors.js";
import type {ModelFileSummary} from "./model-file-check.js";
import {kvCacheBytes} from "./model-structure-check.js";

export function checkContextRequest(
    file: ModelFileSummary,
    contextSize: number | undefined,
    lanes: number,
    precision: "exact" | "fast",
    allowLongContext: boolean,
    availableBytes: number = freemem(),
): void {
    if (contextSize === undefined) return;
    if (!Number.isInteger(contextSize) || contextSize < 1) {
        throw new InputError("the context size must be a positive integer", {received: String(contextSize)});
    }
    const trained = file.trainedContextLength;
    if (trained !== undefined && contextSize > trained && !allowLongContext) {
        throw new ArgumentError(`--context-size ${contextSize} is beyond the ${trained}-token context ${basename(file.path)} was trained with`, {
            expected: `at most ${trained}`,
            received: String(contextSize),
            hint: "lower --context-size, or pass --allow-long-context to go beyond the trained context (outputs degrade there)",
        });
    }
    const bytes = kvCacheBytes(file.shape, contextSize, lanes, precision === "exact" ? 4 : 2);
    if (bytes !== undefined && bytes + file.size > availableBytes) {
        throw new ArgumentError(
            `a context of ${contextSize} tokens × ${lanes} lane${lanes === 1 ? "" : "s"} needs ${formatBytes(bytes)} of KV cache (${bytes} bytes) besides the ${formatBytes(file.size)} model, ` +
                `more than the ${formatBytes(availableBytes)} of memory available`,
            {expected: `a KV cache that fits in ${availableBytes - file.size} bytes`, hint: "lower --context-size or the number of lanes"},
        );
    }
}

export function formatBytes(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
