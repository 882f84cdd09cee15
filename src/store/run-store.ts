/**
 * The SQLite run store (better-sqlite3, WAL journal, synchronous FULL). A run is identified by its
 * key: the hash of command, model id, dataset path, options and seed. Beginning a run with a key
 * that is already stored resumes the latest such run: items already stored (with the same input
 * hash) are skipped. Each item verdict is committed in its own transaction before anyone reports
 * it finished, so a process killed at any moment loses no reported item and stores none twice.
 * While a process evaluates a run it holds the run's lease (renewed every 10 s, stale after 60 s
 * or as soon as its process is gone); another process beginning the same run is refused.
 */
import {hostname} from "node:os";
import {dirname} from "node:path";
import Database from "better-sqlite3";
import {ArgumentError, BusyError, InputError} from "../errors.js";
import type {CheckRecord, ItemRecord, ItemStatus, ItemVerdict, RunListEntry, RunRecord, RunRecorder, RunSpec, RunStatus} from "../checks/run-records.js";
import {canonicalJson, sha256Hex} from "../foundation/canonical-json.js";
import {makeFolder} from "./output-paths.js";
import {describeOpenError, isBusy, sleepSync} from "./run-store-errors.js";
import {requiredTables, schemaStatements, schemaVersion} from "./schema.js";

export type {ItemRecord, ItemStatus, ItemVerdict, RunListEntry, RunRecord, RunSpec, RunStatus} from "../checks/run-records.js";

interface RunRow {
    id: number;
    run_key: string;
    command: string;
    model_name: string;
    model_id: string;
    dataset: string | null;
    options: string;
    seed: number;
    versions: string;
    started_at: string;
    updated_at: string;
    ended_at: string | null;
    status: RunStatus;
    attempts: number;
    item_total: number | null;
    summary: string | null;
    error: string | null;
}

interface ItemRow {
    run_id: number;
    item_id: string;
    ordinal: number;
    input_hash: string;
    status: ItemStatus;
    verdict: string;
    error: string | null;
    finished_at: string;
    attempt: number;
}

export function runKey(spec: Pick<RunSpec, "command" | "model" | "dataset" | "options" | "seed">): string {
    return sha256Hex(canonicalJson({command: spec.command, model: spec.model.id, dataset: spec.dataset ?? null, options: spec.options, seed: spec.seed}));
}

export class RunStore implements RunRecorder {
    readonly path: string;
    readonly readOnly: boolean;
    private readonly database: Database.Database;
    /** Runs this process holds a lease on, with the timer that renews it. */
    private readonly leases = new Map<number, NodeJS.Timeout>();

    private constructor(path: string, database: Database.Database, readOnly: boolean) {
        this.path = path;
        this.database = database;
        this.readOnly = readOnly;
    }

    /**
     * Opens (creating when needed) the store at `path`. Several processes may open one store at
     * once: every step, schema creation included, waits for locks up to `busyTimeoutMs`. A SQLite
     * file that holds other tables but no glassbox store is refused and left untouched. With
     * `readOnly`, the file must exist and be a glassbox store, and nothing is ever written to it.
     */
    static open(path: string, options: {readOnly?: boolean; busyTimeoutMs?: number} = {}): RunStore {
        const readOnly = options.readOnly === true;
        const timeout = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
        const deadline = Date.now() + timeout;
        for (let attempt = 0; ; attempt++) {
            try {
                return RunStore.openOnce(path, readOnly, timeout);
            } catch (error) {
                // Schema creation and the WAL switch can meet SQLITE_BUSY without the busy handler
                // (a read lock upgraded to a write lock); retry those until the deadline.
                if (!isBusy(error) || Date.now() >= deadline) throw describeOpenError(path, error, readOnly, timeout);
                sleepSync(Math.min(200, 10 * 2 ** Math.min(attempt, 4)));
            }
        }
    }

    private static openOnce(path: string, readOnly: boolean, timeout: number): RunStore {
        let database: Database.Database | undefined;
        try {
            if (!readOnly && path !== ":memory:") makeFolder(dirname(path));
            database = new Database(path, {timeout, readonly: readOnly, fileMustExist: readOnly});
            const tables = new Set((database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {name: string}[]).map((row) => row.name));
            const isStore = requiredTables.every((table) => tables.has(table));
            if (!isStore && (readOnly || tables.size > 0)) {
                const others = [...tables].filter((name) => !name.startsWith("sqlite_")).slice(0, 5);
                throw new InputError(`${path} is not a glassbox run store`, {
                    expected: `a SQLite file with the tables ${requiredTables.join(", ")}`,
                    received: tables.size === 0 ? "an empty database" : `tables ${others.join(", ")}${tables.size > others.length ? ", …" : ""}`,
                    hint: "give a run store a check wrote; glassbox never adds its tables to another database",
                    parameter: "runStorePath",
                });
            }
            if (!readOnly) {
                if (database.pragma("journal_mode", {simple: true}) !== "wal") database.pragma("journal_mode = WAL");
                database.pragma("synchronous = FULL");
                database.pragma("foreign_keys = ON");
                const missing = schemaStatements.length > 0 && !(tables.has("run_leases") && isStore);
                if (missing) {
                    database
                        .transaction(() => {
                            for (const statement of schemaStatements) database!.exec(statement);
                            database!.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(schemaVersion));
                        })
                        .immediate();
                }
            }
            const stored = database.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {value: string} | undefined;
            if (stored !== undefined && Number(stored.value) > schemaVersion) {
                throw new InputError(`run store ${path} has schema version ${stored.value}, newer than this glassbox understands (${schemaVersion})`, {
                    hint: "upgrade glassbox or use another run store",
                    parameter: "runStorePath",
                });
            }
            return new RunStore(path, database, readOnly);
        } catch (error) {
            database?.close();
            throw error;
        }
    }

    close(): void {
        for (const runId of [...this.leases.keys()]) this.releaseLease(runId);
        if (this.database.open) this.database.close();
    }

    /**
     * Starts a run, or resumes the latest run with the same key (unless `fresh`). Returns the run
     * and whether it was resumed.
     */
    beginRun(spec: RunSpec, options: {fresh?: boolean; itemTotal?: number} = {}): {run: RunRecord; resumed: boolean} {
        const key = runKey(spec);
        const now = new Date().toISOString();
        const begun = this.write(() => {
            const previous =
                options.fresh === true
                    ? undefined
                    : (this.database.prepare("SELECT * FROM runs WHERE run_key = ? ORDER BY id DESC LIMIT 1").get(key) as RunRow | undefined);
            if (previous !== undefined) {
                this.takeLease(previous.id);
                this.database
                    .prepare(
                        `UPDATE runs SET status = 'running', attempts = attempts + 1, updated_at = ?, ended_at = NULL,
                    error = NULL, versions = ?, item_total = COALESCE(?, item_total) WHERE id = ?`,
                    )
                    .run(now, canonicalJson(spec.versions), options.itemTotal ?? null, previous.id);
                return {run: this.requireRun(previous.id), resumed: true};
            }
            const result = this.database
                .prepare(
                    `INSERT INTO runs (run_key, command, model_name, model_id, dataset, options, seed, versions,
                started_at, updated_at, status, attempts, item_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', 1, ?)`,
                )
                .run(
                    key,
                    spec.command,
                    spec.model.name,
                    spec.model.id,
                    spec.dataset ?? null,
                    canonicalJson(spec.options),
                    spec.seed,
                    canonicalJson(spec.versions),
                    now,
                    now,
                    options.itemTotal ?? null,
                );
            this.takeLease(Number(result.lastInsertRowid));
            return {run: this.requireRun(Number(result.lastInsertRowid)), resumed: false};
        });
        this.keepLease(begun.run.id);
        return begun;
    }

    /** Inside a write transaction: lease `runId` to this process, or refuse while another live process holds it. */
    private takeLease(runId: number): void {
        const row = this.database.prepare("SELECT * FROM run_leases WHERE run_id = ?").get(runId) as LeaseRow | undefined;
        if (row !== undefined && row.owner !== leaseOwner && !leaseIsStale(row)) {
            throw new BusyError(
                `run ${runId} in ${this.path} is being evaluated by another process (pid ${row.pid} on ${row.host}, since ${row.acquired_at})`,
                {
                    hint: "wait for it to finish and re-run the same command to resume, or pass --fresh to start a separate run",
                    fields: {runId, pid: row.pid, host: row.host},
                },
            );
        }
        this.database
            .prepare(
                `INSERT INTO run_leases (run_id, owner, host, pid, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
            acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
            )
            .run(runId, leaseOwner, hostname(), process.pid, new Date().toISOString(), Date.now() + leaseMs);
    }

    /** Renew the lease on a timer (unref'd) until the run ends or the store closes. */
    private keepLease(runId: number): void {
        if (this.leases.has(runId)) return;
        const timer = setInterval(() => {
            try {
                this.write(() =>
                    this.database.prepare("UPDATE run_leases SET expires_at = ? WHERE run_id = ? AND owner = ?").run(Date.now() + leaseMs, runId, leaseOwner),
                );
            } catch {
                // A busy store delays the renewal; the next tick or the next item renews it.
            }
        }, leaseRenewMs);
        timer.unref();
        this.leases.set(runId, timer);
    }

    private releaseLease(runId: number): void {
        const timer = this.leases.get(runId);
        if (timer !== undefined) clearInterval(timer);
        this.leases.delete(runId);
        if (this.database.open) this.write(() => this.database.prepare("DELETE FROM run_leases WHERE run_id = ? AND owner = ?").run(runId, leaseOwner));
    }

    /** Stored items of a run, keyed by item id. */
    storedItems(runId: number): Map<string, ItemRecord> {
        return new Map(this.items(runId).map((item) => [item.itemId, item]));
    }

    /** Commits one item verdict (replacing an earlier verdict for the same item, e.g. after its input changed). */
    recordItem(runId: number, item: ItemVerdict, attempt: number): void {
        const now = new Date().toISOString();
        this.write(() => {
            this.database
                .prepare(
                    `INSERT INTO items (run_id, item_id, ordinal, input_hash, status, verdict, error, finished_at, attempt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, item_id) DO UPDATE SET ordinal = excluded.ordinal, input_hash = excluded.input_hash,
                status = excluded.status, verdict = excluded.verdict, error = excluded.error, finished_at = excluded.finished_at,
                attempt = excluded.attempt`,
                )
                .run(runId, item.itemId, item.ordinal, item.inputHash, item.status, JSON.stringify(item.verdict ?? null), item.error ?? null, now, attempt);
            this.database.prepare("UPDATE runs SET updated_at = ? WHERE id = ?").run(now, runId);
            this.database.prepare("UPDATE run_leases SET expires_at = ? WHERE run_id = ? AND owner = ?").run(Date.now() + leaseMs, runId, leaseOwner);
        });
    }

    /** Removes stored items whose ids are not in `keep` (items dropped from the dataset since the last attempt). */
    forgetItemsExcept(runId: number, keep: ReadonlySet<string>): number {
        const stale = this.items(runId).filter((item) => !keep.has(item.itemId));
        this.write(() => {
            const remove = this.database.prepare("DELETE FROM items WHERE run_id = ? AND item_id = ?");
            for (const item of stale) remove.run(runId, item.itemId);
        });
        return stale.length;
    }

    endRun(runId: number, status: Exclude<RunStatus, "running">, details: {summary?: unknown; error?: string} = {}): void {
        const now = new Date().toISOString();
        this.write(() => {
            this.database
                .prepare("UPDATE runs SET status = ?, ended_at = ?, updated_at = ?, summary = ?, error = ? WHERE id = ?")
                .run(status, now, now, details.summary === undefined ? null : JSON.stringify(details.summary), details.error ?? null, runId);
        });
        this.releaseLease(runId);
    }

    getRun(id: number): RunRecord | undefined {
        const row = this.database.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
        return row === undefined ? undefined : runRecord(row);
    }

    requireRun(id: number): RunRecord {
        const run = this.getRun(id);
        if (run === undefined) {
            throw new ArgumentError(`no run ${id} in ${this.path}`, {hint: "list the stored runs with `glassbox runs list`"});
        }
        return run;
    }

    listRuns(filter: {command?: string; limit?: number} = {}): RunListEntry[] {
        const rows = (
            filter.command === undefined
                ? this.database.prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?").all(filter.limit ?? -1)
                : this.database.prepare("SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT ?").all(filter.command, filter.limit ?? -1)
        ) as RunRow[];
        const counts = this.database.prepare("SELECT status, COUNT(*) AS count FROM items WHERE run_id = ? GROUP BY status");
        return rows.map((row) => {
            const itemsByStatus: Record<ItemStatus, number> = {ok: 0, unparseable: 0, error: 0, malformed: 0};
            let itemsStored = 0;
            for (const entry of counts.all(row.id) as {status: ItemStatus; count: number}[]) {
                itemsByStatus[entry.status] = entry.count;
                itemsStored += entry.count;
            }
            return {...runRecord(row), itemsStored, itemsByStatus};
        });
    }

    items(runId: number): ItemRecord[] {
        return this.itemRows(runId).map((row) => ({
            runId: row.run_id,
            itemId: row.item_id,
            ordinal: row.ordinal,
            inputHash: row.input_hash,
            status: row.status,
            verdict: JSON.parse(row.verdict) as unknown,
            ...(row.error === null ? {} : {error: row.error}),
            finishedAt: row.finished_at,
            attempt: row.attempt,
        }));
    }

    checkRecords<Verdict, Unparsed = Verdict>(runId: number): CheckRecord<Verdict, Unparsed>[] {
        // JSON.parse gives back the value the check's evaluation stored for this run (see RunRecorder).
        return this.itemRows(runId).flatMap((row): CheckRecord<Verdict, Unparsed>[] => {
            if (row.status === "ok") return [{...itemFields(row), status: "ok", verdict: JSON.parse(row.verdict)}];
            if (row.status === "unparseable") return [{...itemFields(row), status: "unparseable", verdict: JSON.parse(row.verdict)}];
            if (row.status === "error") return [{...itemFields(row), status: "error", verdict: null}];
            return [];
        });
    }

    private itemRows(runId: number): ItemRow[] {
        return this.database.prepare("SELECT * FROM items WHERE run_id = ? ORDER BY ordinal, item_id").all(runId) as ItemRow[];
    }

    private write<T>(body: () => T): T {
        if (this.readOnly) throw new InputError(`the run store ${this.path} was opened read-only`);
        return this.database.transaction(body).immediate();
    }
}

/** The fields of a stored item besides its status and verdict. */
function itemFields(row: ItemRow): Omit<ItemRecord, "status" | "verdict"> {
    return {
        runId: row.run_id,
        itemId: row.item_id,
        ordinal: row.ordinal,
        inputHash: row.input_hash,
        ...(row.error === null ? {} : {error: row.error}),
        finishedAt: row.finished_at,
        attempt: row.attempt,
    };
}

interface LeaseRow {
    run_id: number;
    owner: string;
    host: string;
    pid: number;
    acquired_at: string;
    expires_at: number;
}

/** How long a lease lasts without renewal, and how often its holder renews it. */
const leaseMs = 60_000;
const leaseRenewMs = 10_000;
const defaultBusyTimeoutMs = 30_000;
const leaseOwner = `${hostname()}:${process.pid}`;

/** A lease whose holder stopped renewing it, or whose process (on this host) is gone. */
function leaseIsStale(row: LeaseRow): boolean {
    if (row.expires_at < Date.now()) return true;
    if (row.host !== hostname()) return false;
    try {
        process.kill(row.pid, 0);
        return false;
    } catch (error) {
        return (error as {code?: string}).code === "ESRCH";
    }
}

function runRecord(row: RunRow): RunRecord {
    return {
        id: row.id,
        key: row.run_key,
        command: row.command,
        modelName: row.model_name,
        modelId: row.model_id,
        dataset: row.dataset,
        options: JSON.parse(row.options) as Record<string, unknown>,
        seed: row.seed,
        versions: JSON.parse(row.versions) as Record<string, string>,
        startedAt: row.started_at,
        updatedAt: row.updated_at,
        endedAt: row.ended_at,
        status: row.status,
        attempts: row.attempts,
        itemTotal: row.item_total,
        summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown),
        error: row.error,
    };
}
