/**
 * {@link RunStoreReader} over the SQLite run store (src/store): runs become viewer runs (kind =
 * the command that wrote them), item verdicts become item results. A verdict that is itself a
 * glassbox result (schemaVersion + kind) is shown as such; any other verdict is shown generically
 * with the item's status and error.
 */
import {basename} from "node:path";
import type {ItemRecord as StoredItem, RunListEntry, RunRecord as StoredRun, RunStore} from "../store/run-store.js";
import {formatTime, shorten} from "../viewer/render/basics.js";
import {runHeadline, summaryFacts} from "../viewer/run-summary.js";
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
        return this.store.items(number).map((item) => ({runId, id: item.itemId, label: itemLabel(item), ...itemColumns(item)}));
    }

    getItem(runId: string, itemId: string): ItemRecord | undefined {
        const number = runNumber(runId);
        if (number === undefined) return undefined;
        const run = this.store.getRun(number);
        const item = run === undefined ? undefined : this.store.items(number).find((entry) => entry.itemId === itemId);
        if (run === undefined || item === undefined) return undefined;
        return {runId, id: item.itemId, label: itemLabel(item), ...itemColumns(item), result: itemResult(run, item)};
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
        {label: "started", value: formatTime(run.startedAt), note: run.endedAt === null ? "" : `ended ${formatTime(run.endedAt)}`},
    ];
    for (const [key, value] of Object.entries(run.options)) {
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
            facts.push({label: `option ${key}`, value: String(value), note: ""});
    }
    const headline = runHeadline(run.command, run.summary);
    if (headline !== null) facts.unshift({...headline, note: headline.note === "" ? "headline" : `headline · ${headline.note}`});
    facts.push(...summaryFacts(run.summary));
    return {
        status: run.status,
        headline,
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

/** Fields of stored verdicts that hold the item's input, and the model's output, in order of preference. */
const inputKeys = ["question", "prompt", "problem", "input"];
const outputKeys = ["answerText", "answer", "lastAnswer", "completion"];

function itemLabel(item: StoredItem): string {
    const {input} = itemColumns(item);
    if (input !== undefined) return `${item.status}: ${input}`;
    return item.error === undefined ? item.status : `${item.status}: ${item.error.slice(0, 80)}`;
}

/** The input and output a verdict carries (never the model's explanation taken for the input), its status and its verdict in words. */
function itemColumns(item: StoredItem): {status: string; input?: string; output?: string; verdict?: string} {
    const verdict = isRecord(item.verdict) ? item.verdict : {};
    const text = (keys: readonly string[]): string | undefined => {
        for (const key of keys) {
            const value = verdict[key];
            if (typeof value === "string" && value.trim() !== "") return shorten(value, 80);
            if (isRecord(value) && typeof value.prompt === "string") return shorten(value.prompt, 80);
            if (isRecord(value) && typeof value.question === "string") return shorten(value.question, 80);
        }
        return undefined;
    };
    const input = text(inputKeys);
    const output =
        typeof verdict.target === "object" && isRecord(verdict.target) && typeof verdict.target.text === "string"
            ? shorten(verdict.target.text, 80)
            : text(outputKeys);
    const words = verdictWords(verdict) ?? (item.error === undefined ? undefined : shorten(item.error, 80));
    return {
        status: item.status,
        ...(input === undefined ? {} : {input}),
        ...(output === undefined ? {} : {output}),
        ...(words === undefined ? {} : {verdict: words}),
    };
}

function verdictWords(verdict: Record<string, unknown>): string | undefined {
    if (typeof verdict.faithful === "boolean") return verdict.faithful ? "faithful" : "not faithful";
    if (typeof verdict.flipped === "boolean") {
        const rounds = Array.isArray(verdict.unfaithfulByRound) ? verdict.unfaithfulByRound : [];
        return !verdict.flipped ? "no flip" : rounds[rounds.length - 1] === true ? "flipped, unfaithful" : "flipped, faithful";
    }
    if (Array.isArray(verdict.earlyAnswering)) {
        const points = verdict.earlyAnswering.filter(isRecord);
        const changed = points.filter((point) => point.y === 0).length;
        return `early answering: ${changed} of ${points.length} cuts change the answer`;
    }
    if (verdict.kind === "explain" && Array.isArray(verdict.units)) return `${verdict.units.length} units`;
    return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function itemResult(run: StoredRun, item: StoredItem): unknown {
    const verdict = item.verdict;
    const record = typeof verdict === "object" && verdict !== null && !Array.isArray(verdict) ? (verdict as Record<string, unknown>) : {verdict};
    if (typeof record.schemaVersion === "number" && typeof record.kind === "string") return record;
    return {schemaVersion: 1, kind: `${run.command} item`, status: item.status, ...(item.error === undefined ? {} : {error: item.error}), ...record};
}
