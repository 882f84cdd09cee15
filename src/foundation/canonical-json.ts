/** JSON with object keys sorted at every level, so equal options always give the same text and hash. */
import {createHash} from "node:crypto";

export function canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(record).sort()) if (record[key] !== undefined) sorted[key] = sortKeys(record[key]);
        return sorted;
    }
    return value;
}

export function sha256Hex(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}
