/** Exports of a stored run: one JSON document, or CSV with one row per item and flattened verdict fields. */
import type {ItemRecord, RunRecord} from "./run-store.js";

export interface RunExport {
    run: RunRecord;
    items: ItemRecord[];
}

export function runExportJson(run: RunRecord, items: readonly ItemRecord[]): string {
    return JSON.stringify({run, items}, null, 2);
}

/** Flattens nested objects with dotted keys; arrays become JSON text in one cell. */
export function flattenRecord(value: unknown, prefix = "", into: Record<string, string> = {}): Record<string, string> {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flattenRecord(inner, prefix === "" ? key : `${prefix}.${key}`, into);
        return into;
    }
    if (prefix === "") return into;
    into[prefix] =
        value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
    return into;
}

export function csvCell(text: string): string {
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runExportCsv(run: RunRecord, items: readonly ItemRecord[]): string {
    const rows = items.map(
        (item) =>
            ({
                run_id: String(run.id),
                command: run.command,
                model: run.modelName,
                item_id: item.itemId,
                ordinal: String(item.ordinal),
                status: item.status,
                error: item.error ?? "",
                finished_at: item.finishedAt,
                ...flattenRecord(item.verdict, "verdict"),
            }) as Record<string, string>,
    );
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of rows)
        for (const key of Object.keys(row))
            if (!seen.has(key)) {
                seen.add(key);
                columns.push(key);
            }
    if (columns.length === 0) columns.push("run_id", "command", "model", "item_id", "ordinal", "status", "error", "finished_at");
    const lines = [columns.map(csvCell).join(",")];
    for (const row of rows) lines.push(columns.map((column) => csvCell(row[column] ?? "")).join(","));
    return `${lines.join("\n")}\n`;
}
