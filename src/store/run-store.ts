/**
 * The SQLite run store (better-sqlite3, WAL journal, synchronous FULL). A run is identified by its
 * key: the hash of command, model id, dataset path, options and seed. Beginning a run with a key
 * that is already stored resumes the latest such run: items already stored (with the same input
 * hash) are skipped. Each item verdict is committed in its own transaction before anyone reports
 * it finished, so a process killed at any moment loses no reported item and stores none twice.
 */
import {mkdirSync} from "node:fs";
import {dirname} from "node:path";
import Database from "better-sqlite3";
import {ArgumentError, InputError} from "../errors.js";
import {canonicalJson, sha256Hex} from "../foundation/canonical-json.js";
import {schemaStatements, schemaVersion} from "./schema.js";

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

export interface RunListEntry extends RunRecord {
    itemsStored: number;
    itemsByStatus: Record<ItemStatus, number>;
}

interface RunRow {
    id: number; run_key: string; command: string; model_name: string; model_id: string; dataset: string | null;
    options: string; seed: number; versions: string; started_at: string; updated_at: string; ended_at: string | null;
    status: RunStatus; attempts: number; item_total: number | null; summary: string | null; error: string | null;
}

interface ItemRow {
    run_id: number; item_id: string; ordinal: number; input_hash: string; status: ItemStatus; verdict: string;
    error: string | null; finished_at: string; attempt: number;
}

export function runKey(spec: Pick<RunSpec, "command" | "model" | "dataset" | "options" | "seed">): string {
    return sha256Hex(canonicalJson({command: spec.command, model: spec.model.id, dataset: spec.dataset ?? null, options: spec.options, seed: spec.seed}));
}

export class RunStore {
    readonly path: string;
    private readonly database: Database.Database;

    private constructor(path: string, database: Database.Database) {
        this.path = path;
        this.database = database;
    }

    /** Opens (creating when needed) the store at `path`; an unwritable path is an InputError naming the path. */
    static open(path: string): RunStore {
        let database: Database.Database | undefined;
        try {
            if (path !== ":memory:") mkdirSync(dirname(path), {recursive: true});
            database = new Database(path, {timeout: 10_000});
            database.pragma("journal_mode = WAL");
            database.pragma("synchronous = FULL");
            database.pragma("foreign_keys = ON");
            database.transaction(() => {
                for (const statement of schemaStatements) database!.exec(statement);
                database!.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(schemaVersion));
            })();
            const stored = database.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {value: string} | undefined;
            if (stored !== undefined && Number(stored.value) > schemaVersion) {
                throw new InputError(`run store ${path} has schema version ${stored.value}, newer than this glassbox understands (${schemaVersion})`, {hint: "upgrade glassbox or use another run store", parameter: "runStorePath"});
            }
            return new RunStore(path, database);
        } catch (error) {
            database?.close();
            if (error instanceof InputError) throw error;
            const reason = error instanceof Error ? error.message : String(error);
            throw new InputError(`cannot open the run store at ${path}: ${reason}`, {
                expected: "a writable SQLite file path", hint: "give a run store path in a writable directory", parameter: "runStorePath", cause: error,
            });
        }
    }

    close(): void {
        if (this.database.open) this.database.close();
    }

    /**
     * Starts a run, or resumes the latest run with the same key (unless `fresh`). Returns the run
     * and whether it was resumed.
     */
    beginRun(spec: RunSpec, options: {fresh?: boolean; itemTotal?: number} = {}): {run: RunRecord; resumed: boolean} {
        const key = runKey(spec);
        const now = new Date().toISOString();
        return this.write(() => {
            const previous = options.fresh === true ? undefined
                : this.database.prepare("SELECT * FROM runs WHERE run_key = ? ORDER BY id DESC LIMIT 1").get(key) as RunRow | undefined;
            if (previous !== undefined) {
                this.database.prepare(`UPDATE runs SET status = 'running', attempts = attempts + 1, updated_at = ?, ended_at = NULL,
                    error = NULL, versions = ?, item_total = COALESCE(?, item_total) WHERE id = ?`)
                    .run(now, canonicalJson(spec.versions), options.itemTotal ?? null, previous.id);
                return {run: this.requireRun(previous.id), resumed: true};
            }
            const result = this.database.prepare(`INSERT INTO runs (run_key, command, model_name, model_id, dataset, options, seed, versions,
                started_at, updated_at, status, attempts, item_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', 1, ?)`)
                .run(key, spec.command, spec.model.name, spec.model.id, spec.dataset ?? null, canonicalJson(spec.options), spec.seed,
                    canonicalJson(spec.versions), now, now, options.itemTotal ?? null);
            return {run: this.requireRun(Number(result.lastInsertRowid)), resumed: false};
        });
    }

    /** Stored items of a run, keyed by item id. */
    storedItems(runId: number): Map<string, ItemRecord> {
        return new Map(this.items(runId).map((item) => [item.itemId, item]));
    }

    /** Commits one item verdict (replacing an earlier verdict for the same item, e.g. after its input changed). */
    recordItem(runId: number, item: ItemVerdict, attempt: number): void {
        const now = new Date().toISOString();
        this.write(() => {
            this.database.prepare(`INSERT INTO items (run_id, item_id, ordinal, input_hash, status, verdict, error, finished_at, attempt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, item_id) DO UPDATE SET ordinal = excluded.ordinal, input_hash = excluded.input_hash,
                status = excluded.status, verdict = excluded.verdict, error = excluded.error, finished_at = excluded.finished_at,
                attempt = excluded.attempt`)
                .run(runId, item.itemId, item.ordinal, item.inputHash, item.status, JSON.stringify(item.verdict ?? null), item.error ?? null, now, attempt);
            this.database.prepare("UPDATE runs SET updated_at = ? WHERE id = ?").run(now, runId);
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
            this.database.prepare("UPDATE runs SET status = ?, ended_at = ?, updated_at = ?, summary = ?, error = ? WHERE id = ?")
                .run(status, now, now, details.summary === undefined ? null : JSON.stringify(details.summary), details.error ?? null, runId);
        });
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
        const rows = (filter.command === undefined
            ? this.database.prepare("SELECT * FROM runs ORDER BY id DESC LIMIT ?").all(filter.limit ?? -1)
            : this.database.prepare("SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT ?").all(filter.command, filter.limit ?? -1)) as RunRow[];
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
        const rows = this.database.prepare("SELECT * FROM items WHERE run_id = ? ORDER BY ordinal, item_id").all(runId) as ItemRow[];
        return rows.map((row) => ({
            runId: row.run_id, itemId: row.item_id, ordinal: row.ordinal, inputHash: row.input_hash, status: row.status,
            verdict: JSON.parse(row.verdict) as unknown, ...(row.error === null ? {} : {error: row.error}),
            finishedAt: row.finished_at, attempt: row.attempt,
        }));
    }

    private write<T>(body: () => T): T {
        return this.database.transaction(body).immediate();
    }
}

function runRecord(row: RunRow): RunRecord {
    return {
        id: row.id, key: row.run_key, command: row.command, modelName: row.model_name, modelId: row.model_id, dataset: row.dataset,
        options: JSON.parse(row.options) as Record<string, unknown>, seed: row.seed,
        versions: JSON.parse(row.versions) as Record<string, string>,
        startedAt: row.started_at, updatedAt: row.updated_at, endedAt: row.ended_at, status: row.status, attempts: row.attempts,
        itemTotal: row.item_total, summary: row.summary === null ? null : JSON.parse(row.summary) as unknown, error: row.error,
    };
}
