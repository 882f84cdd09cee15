/**
 * Result files as runs: `glassbox view RESULT.json …` works without a run store. An explain
 * result is a run with one item; a result with an `items` array (the checks) has one item each.
 */
import type {ExplainResult} from "../explain/types.js";
import {formatNumber, readableText} from "../viewer/render/basics.js";
import {parseViewableResultText, type ViewableResult} from "../viewer/result-file.js";
import type {Fact} from "../viewer/view-model.js";
import {MemoryRunStore, type ItemRecord, type RunRecord} from "./viewer-store.js";

export interface ResultFileText {
    /** Path as given (used in messages and as the run's label). */
    path: string;
    text: string;
    /** Modification time, ISO 8601. */
    modifiedAt: string;
}

/** Parse every file (an unknown schema version or a broken file fails with its path) into a store. */
export function storeFromResultFiles(files: readonly ResultFileText[]): MemoryRunStore {
    const store = new MemoryRunStore(files.length === 1 ? files[0]!.path : `${files.length} result files`);
    const used = new Set<string>();
    for (const file of files) {
        const viewable = parseViewableResultText(file.text, file.path);
        const base = (file.path.split(/[\\/]/).pop() ?? file.path).replace(/\.json$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-") || "run";
        let id = base;
        for (let suffix = 2; used.has(id); suffix++) id = `${base}-${suffix}`;
        used.add(id);
        const {run, items} = runFromResult(id, file.path, file.modifiedAt, viewable);
        store.add(run, items);
    }
    return store;
}

export function runFromResult(
    id: string,
    label: string,
    createdAt: string,
    viewable: ViewableResult,
): {run: Omit<RunRecord, "itemCount">; items: Omit<ItemRecord, "runId">[]} {
    if (viewable.kind === "explain") {
        const result = viewable.result;
        return {
            run: {id, kind: "explain", label, createdAt, model: result.model?.name ?? null, method: result.method, facts: explainRunFacts(result)},
            items: [{id: "1", label: inputPreview(result), result}],
        };
    }
    const result = viewable.result;
    const model = result.model as {name?: unknown} | undefined;
    const method = typeof result.method === "string" ? result.method : typeof result.test === "string" ? result.test : null;
    const facts: Fact[] = Object.entries(result)
        .filter(
            ([key, value]) =>
                key !== "schemaVersion" && (typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && value.length <= 120)),
        )
        .slice(0, 16)
        .map(([key, value]) => ({label: key, value: typeof value === "number" ? formatNumber(value) : String(value), note: ""}));
    const rawItems: unknown[] = Array.isArray(result.items) ? (result.items as unknown[]) : [result];
    const items = rawItems.map((item, index) => {
        const record: Record<string, unknown> = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {value: item as unknown};
        const nested = record.kind === "explain" && record.schemaVersion !== undefined;
        return {
            id: typeof record.id === "string" || typeof record.id === "number" ? String(record.id) : String(index + 1),
            label: previewOf(record),
            result: nested || rawItems.length === 1 ? record : {schemaVersion: result.schemaVersion, kind: `${viewable.resultKind} item`, ...record},
        };
    });
    return {run: {id, kind: viewable.resultKind, label, createdAt, model: typeof model?.name === "string" ? model.name : null, method, facts}, items};
}

function explainRunFacts(result: ExplainResult): Fact[] {
    return [
        {label: "target", value: readableText(result.target.text), note: result.target.origin},
        {label: "method", value: result.method, note: `${result.evaluations} coalitions`},
        {label: "units", value: `${result.units.length} ${result.unit}`, note: ""},
        {label: "value v(S)", value: result.value ?? result.valueKind, note: ""},
        {label: "v(all) − v(none)", value: formatNumber(result.valueFull - result.valueEmpty), note: ""},
    ];
}

function inputPreview(result: ExplainResult): string {
    const input = result.input;
    const text =
        input.kind === "prompt" ? input.prompt : input.kind === "documents" ? input.question : (input.messages[input.messages.length - 1]?.content ?? "");
    return shortText(text);
}

function previewOf(record: Record<string, unknown>): string {
    for (const key of ["label", "question", "prompt", "input", "text"]) {
        if (typeof record[key] === "string") return shortText(record[key]);
    }
    return "";
}

function shortText(text: string): string {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= 90 ? flat : `${flat.slice(0, 89)}…`;
}
