/**
 * The run store's tables. One row per run (what was run, on which model, with which options,
 * seed and versions, when, and how it ended) and one row per item verdict (the item's id, a hash
 * of its input, the verdict and every number needed to recompute the run's metric). The primary
 * key (run_id, item_id) makes a repeated item impossible; each item row is written in its own
 * transaction, so an item is either fully stored or absent. A lease row marks a run that a
 * process is evaluating, so a second process never evaluates the same items at the same time.
 */
export const schemaVersion = 1;

export const schemaStatements: readonly string[] = [
    `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_key TEXT NOT NULL,
        command TEXT NOT NULL,
        model_name TEXT NOT NULL,
        model_id TEXT NOT NULL,
        dataset TEXT,
        options TEXT NOT NULL,
        seed INTEGER NOT NULL,
        versions TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
        attempts INTEGER NOT NULL DEFAULT 1,
        item_total INTEGER,
        summary TEXT,
        error TEXT
    )`,
    `CREATE INDEX IF NOT EXISTS runs_by_key ON runs (run_key, id)`,
    `CREATE TABLE IF NOT EXISTS items (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        input_hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'unparseable', 'error', 'malformed')),
        verdict TEXT NOT NULL,
        error TEXT,
        finished_at TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        PRIMARY KEY (run_id, item_id)
    )`,
    // Added without a version change: older glassbox versions ignore it. One row per run being
    // evaluated; `owner` is host:pid, renewed while the run goes on (see run-store.ts).
    `CREATE TABLE IF NOT EXISTS run_leases (
        run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    )`,
];

/** Tables every glassbox run store has; a SQLite file without them is not one. */
export const requiredTables: readonly string[] = ["meta", "runs", "items"];
