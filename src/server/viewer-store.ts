/**
 * What `glassbox view` reads: runs and their items. {@link RunStoreReader} is the seam between
 * the view server and a store (the SQLite run store, or result files opened from the command
 * line); {@link MemoryRunStore} holds records in memory (result files, tests).
 */
import type {ItemRow, RunRecord} from "../viewer/view-model.js";

export type {RunRecord};

export interface ItemRecord extends ItemRow {
    runId: string;
    /** The item's result: a glassbox result object (docs/schema-explain.md and friends). */
    result: unknown;
}

export interface RunFilter {
    kind?: string;
    /** Substring of the model name (case-insensitive). */
    model?: string;
    method?: string;
    /** Substring of the label or id (case-insensitive). */
    text?: string;
    limit?: number;
}

type MaybePromise<T> = T | Promise<T>;

export interface RunStoreReader {
    /** Newest first. */
    listRuns(filter: RunFilter): MaybePromise<RunRecord[]>;
    getRun(id: string): MaybePromise<RunRecord | undefined>;
    /** Undefined when the run does not exist. */
    listItems(runId: string): MaybePromise<Omit<ItemRecord, "result">[] | undefined>;
    getItem(runId: string, itemId: string): MaybePromise<ItemRecord | undefined>;
    /** Where the runs come from, in words ("3 result files", "runs.sqlite"). */
    describe(): string;
}

export function matchesFilter(run: RunRecord, filter: RunFilter): boolean {
    const contains = (value: string | null, part: string | undefined): boolean =>
        part === undefined || part === "" || (value ?? "").toLowerCase().includes(part.toLowerCase());
    if (filter.kind !== undefined && filter.kind !== "" && run.kind !== filter.kind) return false;
    if (filter.method !== undefined && filter.method !== "" && run.method !== filter.method) return false;
    return contains(run.model, filter.model) && (contains(run.label, filter.text) || contains(run.id, filter.text));
}

export class MemoryRunStore implements RunStoreReader {
    private readonly runs = new Map<string, {run: RunRecord; items: ItemRecord[]}>();

    constructor(private readonly description = "in memory") {}

    add(run: Omit<RunRecord, "itemCount">, items: readonly Omit<ItemRecord, "runId">[]): RunRecord {
        if (this.runs.has(run.id)) throw new RangeError(`run ${run.id} already exists`);
        const record: RunRecord = {...run, itemCount: items.length};
        this.runs.set(run.id, {run: record, items: items.map((item) => ({...item, runId: run.id}))});
        return record;
    }

    listRuns(filter: RunFilter): RunRecord[] {
        const runs = [...this.runs.values()].map((entry) => entry.run).filter((run) => matchesFilter(run, filter));
        runs.sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : b.createdAt.localeCompare(a.createdAt)));
        return runs.slice(0, filter.limit ?? runs.length);
    }

    getRun(id: string): RunRecord | undefined {
        return this.runs.get(id)?.run;
    }

    listItems(runId: string): Omit<ItemRecord, "result">[] | undefined {
        return this.runs.get(runId)?.items.map(({result: _result, ...item}) => item);
    }

    getItem(runId: string, itemId: string): ItemRecord | undefined {
        return this.runs.get(runId)?.items.find((item) => item.id === itemId);
    }

    describe(): string {
        return this.description;
    }
}
