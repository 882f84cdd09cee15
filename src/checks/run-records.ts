/**
 * Runs of a check over a dataset, as the core sees them: what a run is keyed by, what is kept of
 * each item, and the {@link RunRecorder} the dataset runner writes through. The SQLite run store
 * (src/store/run-store.ts) implements the recorder; the core never imports it.
 */

export type RunStatus = "running" | "finished" | "failed" | "interrupted";
export type ItemStatus = "ok" | "unparseable" | "error" | "malformed";

export interface RunSpec {
    command: string;
    model: {name: string; id: string};
    /** Dataset path (as given), or undefined for a single inline item. */
    dataset?: string;
    /** Every option that changes results (canonicalised for the key). */
    options: Record<string, unknown>;
    seed: number;
    versions: Record<string, string>;
}

export interface RunRecord {
    id: number;
    key: string;
    command: string;
    modelName: string;
    modelId: string;
    dataset: string | null;
    options: Record<string, unknown>;
    seed: number;
    versions: Record<string, string>;
    startedAt: string;
    updatedAt: string;
    endedAt: string | null;
    status: RunStatus;
    attempts: number;
    itemTotal: number | null;
    summary: unknown;
    error: string | null;
}

export interface ItemVerdict {
    itemId: string;
    ordinal: number;
    inputHash: string;
    status: ItemStatus;
    verdict: unknown;
    error?: string;
}

export interface ItemRecord extends ItemVerdict {
    runId: number;
    finishedAt: string;
    attempt: number;
}

/**
 * An item's status with its verdict typed as the check's evaluation returned it: `Unparsed` for an
 * answer that could not be read, null for an item whose evaluation failed.
 */
export type TypedVerdict<Verdict, Unparsed = Verdict> =
    {status: "ok"; verdict: Verdict} | {status: "unparseable"; verdict: Unparsed} | {status: "error"; verdict: null};

/** A stored item of a check's run, verdict typed. Malformed lines are not items of the check and are left out. */
export type CheckRecord<Verdict, Unparsed = Verdict> = Omit<ItemRecord, "status" | "verdict"> & TypedVerdict<Verdict, Unparsed>;

export interface RunListEntry extends RunRecord {
    itemsStored: number;
    itemsByStatus: Record<ItemStatus, number>;
}

/** What the dataset runner needs of a run store: begin or resume a run, record items as they finish, end it. */
export interface RunRecorder {
    beginRun(spec: RunSpec, options?: {fresh?: boolean; itemTotal?: number}): {run: RunRecord; resumed: boolean};
    storedItems(runId: number): Map<string, ItemRecord>;
    recordItem(runId: number, item: ItemVerdict, attempt: number): void;
    forgetItemsExcept(runId: number, keep: ReadonlySet<string>): number;
    endRun(runId: number, status: Exclude<RunStatus, "running">, details?: {summary?: unknown; error?: string}): void;
    requireRun(id: number): RunRecord;
    items(runId: number): ItemRecord[];
    /**
     * The run's items but malformed lines, with their verdicts as the run's check stored them. A
     * run's key names its command (the check), options and glassbox version, so every verdict of
     * one run was written by the same check's evaluation and reads back as its type.
     */
    checkRecords<Verdict, Unparsed = Verdict>(runId: number): CheckRecord<Verdict, Unparsed>[];
}
