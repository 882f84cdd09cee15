/**
 * {@link RunStoreReader} over the SQLite run store (src/store): runs become viewer runs (kind =
 * the command that wrote them), item verdicts become item results. A verdict that is itself a
 * glassbox result (schemaVersion + kind) is shown as such; any other verdict is shown generically
 * with the item's status and error.
 */
import {basename} from "node:path";
import type {ItemRecord as StoredItem, RunListEntry, RunRecord as StoredRun, RunStore} from "../store/run-store.js";
import {formatNumber} from "../viewer/render/basics.js";
import type {Fact} from "../viewer/view-model.js";
import {matchesFilter, type ItemRecord, type RunFilter, type RunRecord, type RunStoreReader} from "./viewer-store.js";

export class SqliteRunStoreReader implements RunStoreReader {
    constructor(private readonly store: RunStore) {}

    listRuns(filter: RunFilter): RunRecord[] {
        const runs = this.store.listRuns(filter.kind === undefined || filter.kind === "" ? {} : {command: filter.kind}).map(viewerRun);
        const matching = runs.filter((run) => matchesFilter(run, filter));
        return matching.slice(0, filter.limit ?? matching.length);
    }

    getRun(id: string): RunRecord | undefined {
        const number = runNumber(id);
        if (number === undefined) return undefined;
        const run = this.store.getRun(number);
        if (run === undefined) return undefined;
        const items = this.store.items(number);
        const itemsByStatus = {ok: 0, unparseable: 0, error: 0, malformed: 0};
        for (const item of items) itemsByStatus[item.status] += 1;
        return viewerRun({...run, itemsStored: items.length, itemsByStatus});
    }

    listItems(runId: string): Omit<ItemRecord, "result">[] | undefined {
        const number = runNumber(runId);
        if (number === undefined || this.store.getRun(number) === undefined) return undefined;
        return this.store.items(number).map((item) => ({runId, id: item.itemId, label: itemLabel(item)}));
    }

    getItem(runId: string, itemId: string): ItemRecord | undefined {
        const number = runNumber(runId);
        if (number === undefined) return undefined;
        const run = this.store.getRun(number);
        const item = run === undefined ? undefined : this.store.items(number).find((entry) => entry.itemId === itemId);
        if (run === undefined || item === undefined) return undefined;
        return {runId, id: item.itemId, label: itemLabel(item), result: itemResult(run, item)};
    }

    describe(): string {
        return this.store.path;
    }
}

function runNumber(id: string): number | undefined {
    return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}

function viewerRun(run: RunListEntry): RunRecord {
    const method = ["method", "test", "check"].map((key) => run.options[key]).find((value) => typeof value === "string") as string | undefined;
    const facts: Fact[] = [
        {label: "status", value: run.status, note: run.error ?? ""},
        {
            label: "items",
            value: `${run.itemsStored}${run.itemTotal === null ? "" : ` of ${run.itemTotal}`}`,
            note: Object.entries(run.itemsByStatus)
                .filter(([, count]) => count > 0)
                .map(([status, count]) => `${count} ${status}`)
                .join(", "),
        },
        {label: "model", value: run.modelName, note: run.modelId},
        {label: "dataset", value: run.dataset ?? "(inline)", note: ""},
        {label: "seed", value: String(run.seed), note: ""},
        {label: "started", value: run.startedAt, note: run.endedAt === null ? "" : `ended ${run.endedAt}`},
    ];
    for (const [key, value] of Object.entries(run.options)) {
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
            facts.push({label: `option ${key}`, value: String(value), note: ""});
    }
    if (typeof run.summary === "object" && run.summary !== null) {
        for (const [key, value] of Object.entries(run.summary)) {
            if (typeof value === "number") facts.push({label: key, value: formatNumber(value), note: "summary"});
            else if (typeof value === "string" || typeof value === "boolean") facts.push({label: key, value: String(value), note: "summary"});
        }
    }
    return {
        id: String(run.id),
        kind: run.command,
        label: `${run.command} #${run.id}${run.dataset === null ? "" : ` · ${basename(run.dataset)}`}`,
        createdAt: run.startedAt,
        model: run.modelName,
        method: method ?? null,
        itemCount: run.itemsStored,
        facts,
    };
}

function itemLabel(item: StoredItem): string {
    const verdict = item.verdict;
    if (typeof verdict === "object" && verdict !== null) {
        for (const key of ["question", "prompt", "input", "text"]) {
            const value = (verdict as Record<string, unknown>)[key];
            if (typeof value === "string") return `${item.status}: ${value.replace(/\s+/g, " ").trim().slice(0, 80)}`;
        }
    }
    return item.error === undefined ? item.status : `${item.status}: ${item.error.slice(0, 80)}`;
}

function itemResult(run: StoredRun, item: StoredItem): unknown {
    const verdict = item.verdict;
    const record = typeof verdict === "object" && verdict !== null && !Array.isArray(verdict) ? (verdict as Record<string, unknown>) : {verdict};
    if (typeof record.schemaVersion === "number" && typeof record.kind === "string") return record;
    return {schemaVersion: 1, kind: `${run.command} item`, status: item.status, ...(item.error === undefined ? {} : {error: item.error}), ...record};
}
