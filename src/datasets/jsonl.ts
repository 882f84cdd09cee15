/**
 * JSONL datasets: one item per non-blank line. A malformed line does not stop the file: it is
 * reported with its line number and the reason, and every other line is still read.
 */
import {InputError, isGlassboxError} from "../errors.js";
import {parseDatasetItem, type DatasetItem} from "./item.js";

export interface MalformedLine {
    line: number;
    reason: string;
}

export interface ParsedDataset {
    items: DatasetItem[];
    malformed: MalformedLine[];
    /** Non-blank lines read. */
    lines: number;
}

export function parseJsonlDataset(text: string, origin = "dataset"): ParsedDataset {
    const items: DatasetItem[] = [];
    const malformed: MalformedLine[] = [];
    const seen = new Map<string, number>();
    let lines = 0;
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = index + 1;
        if (raw.trim() === "") return;
        lines++;
        let json: unknown;
        try {
            json = JSON.parse(raw);
        } catch (error) {
            malformed.push({line, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})`});
            return;
        }
        try {
            const item = parseDatasetItem(json, line);
            const previous = seen.get(item.id);
            if (previous !== undefined) {
                malformed.push({line, reason: `duplicate id "${item.id}" (first used on line ${previous})`});
                return;
            }
            seen.set(item.id, line);
            items.push(item);
        } catch (error) {
            if (!isGlassboxError(error)) throw error;
            malformed.push({line, reason: error.message.replace(new RegExp(`^line ${line}:? ?`), "")});
        }
    });
    if (lines === 0) throw new InputError(`${origin} has no items`, {expected: "one JSON object per line", hint: "see docs/datasets.md"});
    return {items, malformed, lines};
}
