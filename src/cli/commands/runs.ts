/** `glassbox runs list|show|export`: read the run store. */
import {existsSync} from "node:fs";
import {ArgumentError, InputError} from "../../errors.js";
import {defaultRunStorePath} from "../../store/paths.js";
import {runExportCsv} from "../../store/export.js";
import {RunStore, type RunListEntry} from "../../store/run-store.js";
import {defineCommand, type OptionSpecs} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {formatTable} from "./model-support.js";

const dbOption = {
    db: {kind: "string", valueName: "PATH", description: "Run store file. Default: $XDG_DATA_HOME/glassbox/runs.db or ~/.local/share/glassbox/runs.db."},
} as const satisfies OptionSpecs;

interface DbFlag {
    db: string | undefined;
}

export function openRunStore(options: DbFlag): RunStore {
    return RunStore.open(runStorePath(options));
}

function runStorePath(options: DbFlag): string {
    return options.db !== undefined && options.db !== "" ? options.db : defaultRunStorePath();
}

/**
 * The store for reading commands: a path that does not exist is an error, never a new empty store;
 * it is opened read-only, and a SQLite file that is not a glassbox store is refused untouched.
 */
function existingRunStore(options: DbFlag): RunStore {
    const path = runStorePath(options);
    if (!existsSync(path)) {
        throw new InputError(`no run store at ${path}`, {
            hint: "checks create it when they run; pass --db PATH to read another store",
        });
    }
    return RunStore.open(path, {readOnly: true});
}

function runId(positionals: readonly string[], command: string): number {
    const text = positionals[0];
    const id = Number(text);
    if (text === undefined || !Number.isInteger(id) || id < 1) {
        throw new ArgumentError(`glassbox ${command} needs a run id`, {expected: "a positive integer (see glassbox runs list)", received: text ?? "nothing"});
    }
    return id;
}

function itemsColumn(run: RunListEntry): string {
    const parts = [`${run.itemsByStatus.ok} ok`];
    if (run.itemsByStatus.unparseable > 0) parts.push(`${run.itemsByStatus.unparseable} unparseable`);
    if (run.itemsByStatus.error > 0) parts.push(`${run.itemsByStatus.error} errors`);
    if (run.itemsByStatus.malformed > 0) parts.push(`${run.itemsByStatus.malformed} malformed`);
    return `${run.itemsStored}/${run.itemTotal ?? "?"} (${parts.join(", ")})`;
}

export const runsListCommand = defineCommand({
    name: "runs list",
    summary: "List the runs in the run store, newest first.",
    usage: "runs list [--db PATH] [--command NAME] [--limit N] [--json]",
    options: {
        ...dbOption,
        command: {kind: "string", valueName: "NAME", description: 'Only runs of this command ("check self-explanation", "refine", …).'},
        limit: {kind: "integer", valueName: "N", min: 1, default: 50, description: "Most runs to list."},
        json: {kind: "boolean", description: "Print JSON."},
    },
    async run({options, io}) {
        const store = existingRunStore(options);
        try {
            const runs = store.listRuns({...(options.command === undefined ? {} : {command: options.command}), limit: options.limit});
            if (options.json) {
                io.stdout.write(jsonDocument("runs list", {db: store.path, runs}));
                return 0;
            }
            if (runs.length === 0) {
                io.stdout.write(`no runs in ${store.path}\n`);
                return 0;
            }
            io.stdout.write(
                `${formatTable(
                    ["id", "command", "model", "dataset", "status", "items", "started"],
                    runs.map((run) => [
                        String(run.id),
                        run.command,
                        run.modelName,
                        run.dataset ?? "-",
                        run.status === "running" ? "running (or killed)" : run.status,
                        itemsColumn(run),
                        run.startedAt.replace("T", " ").slice(0, 19),
                    ]),
                    new Set([0]),
                )}\n`,
            );
            return 0;
        } finally {
            store.close();
        }
    },
});

export const runsShowCommand = defineCommand({
    name: "runs show",
    summary: "Show one stored run: what was run, its summary and its items.",
    usage: "runs show RUN_ID [--db PATH] [--json]",
    positionals: [{name: "RUN_ID", required: true}],
    options: {...dbOption, json: {kind: "boolean", description: "Print the run and every item verdict as JSON."}},
    async run({options, positionals, io}) {
        const store = existingRunStore(options);
        try {
            const run = store.requireRun(runId(positionals, "runs show"));
            const items = store.items(run.id);
            if (options.json) {
                io.stdout.write(jsonDocument("run", {run, items}));
                return 0;
            }
            const lines = [
                `run ${run.id}: glassbox ${run.command}`,
                `model     ${run.modelName} (${run.modelId})`,
                `dataset   ${run.dataset ?? "-"}`,
                `options   ${JSON.stringify(run.options)}`,
                `seed      ${run.seed}`,
                `versions  ${Object.entries(run.versions)
                    .map(([name, version]) => `${name} ${version}`)
                    .join(", ")}`,
                `status    ${run.status}${run.error === null ? "" : ` (${run.error})`}, attempts ${run.attempts}`,
                `started   ${run.startedAt}`,
                `ended     ${run.endedAt ?? "-"}`,
                `items     ${items.length} stored of ${run.itemTotal ?? "?"}`,
                `summary   ${JSON.stringify(run.summary, null, 2)?.replace(/\n/g, "\n          ") ?? "-"}`,
                "",
                formatTable(
                    ["item", "status", "verdict"],
                    items.map((item) => [item.itemId, item.status, shorten(item.error ?? JSON.stringify(item.verdict), 100)]),
                ),
            ];
            io.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        } finally {
            store.close();
        }
    },
});

export const runsExportCommand = defineCommand({
    name: "runs export",
    summary: "Export a stored run (JSON, or CSV with one row per item).",
    usage: "runs export RUN_ID [--db PATH] [--format json|csv]",
    positionals: [{name: "RUN_ID", required: true}],
    options: {...dbOption, format: {kind: "string", valueName: "FORMAT", choices: ["json", "csv"], default: "json", description: "Output format."}},
    async run({options, positionals, io}) {
        const store = existingRunStore(options);
        try {
            const run = store.requireRun(runId(positionals, "runs export"));
            const items = store.items(run.id);
            io.stdout.write(options.format === "csv" ? runExportCsv(run, items) : jsonDocument("run", {run, items}));
            return 0;
        } finally {
            store.close();
        }
    },
});

function shorten(text: string, length: number): string {
    return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
