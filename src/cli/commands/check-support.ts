/**
 * What every check command shares (src/cli/check-command.ts makes them): the dataset flags,
 * opening the model (a GGUF, a server, or a scripted explainer for demos and tests), reading the
 * dataset, running it through the run store with progress and Ctrl-C, the run footer and exit codes.
 */
import {runDataset, type DatasetProgress, type DatasetRunResult, type ItemEvaluation} from "../../checks/run-dataset.js";
import type {CheckRecord} from "../../checks/run-records.js";
import {itemProblem} from "../../checks/report-text.js";

export {formatRate, itemProblem} from "../../checks/report-text.js";
import {parseDatasetItem, type DatasetItem} from "../../datasets/item.js";
import {parseJsonlDataset, type MalformedLine} from "../../datasets/jsonl.js";
import {ArgumentError, InputError} from "../../errors.js";
import type {Backend} from "../../model/backend-spec.js";
import {glassboxVersion} from "../../foundation/version.js";
import type {CommandIo, OptionSpecs, OptionValues} from "../command.js";
import {attributeToFlag} from "../error-output.js";
import {modelOptionSpecs} from "../input-files.js";
import {readTextFile} from "../text-files.js";
import {openModelFromOptions, type ModelFlagValues} from "./model-support.js";
import {openRunStore} from "./runs.js";
import {checkOutputOptions} from "../output-options.js";

const {prompt: _prompt, messages: _messages, ...modelFlags} = modelOptionSpecs;

export const datasetOptionSpecs = {
    ...modelFlags,
    model: {
        kind: "string",
        valueName: "PATH.gguf",
        required: true,
        description:
            "GGUF model file, a server (vllm:, sglang:, openai:), or scripted:NAME[:generation-only] (default, honest-explainer, lying-explainer, no-answer).",
    },
    dataset: {kind: "string", valueName: "FILE.jsonl", description: "Items to check, one JSON object per line (docs/datasets.md)."},
    input: {kind: "string", valueName: "FILE.json", description: 'One item instead of a dataset (same fields as a dataset line; "id" optional).'},
    limit: {kind: "integer", valueName: "N", min: 1, description: "Only the first N items."},
    db: {kind: "string", valueName: "PATH", description: "Run store file. Default: $XDG_DATA_HOME/glassbox/runs.db or ~/.local/share/glassbox/runs.db."},
    fresh: {kind: "boolean", description: "Start a new run instead of resuming the stored run with the same command and options."},
    concurrency: {kind: "integer", valueName: "N", min: 1, max: 64, default: 1, description: "Items evaluated at the same time."},
    seed: {kind: "integer", valueName: "S", min: 0, default: 0, description: "Seed for edits, sampling methods and random feedback."},
} as const satisfies OptionSpecs;

/** The parsed dataset flags; every check command's options include them. */
export type DatasetOptionValues = OptionValues<typeof datasetOptionSpecs>;

/**
 * Opens --model for a check: a GGUF or a server (vllm:, sglang:, openai:), or a scripted explainer.
 * Generation is required; scoring only where the check says so (`needsScoring`), so checks whose
 * protocol allows it run on generation-only servers.
 */
export async function openCheckModel(
    options: ModelFlagValues & {db?: string | undefined},
    command: string,
    io: CommandIo,
    needsScoring = false,
): Promise<Backend> {
    checkOutputOptions(options, ["db"]);
    const {backend} = await openModelFromOptions(options, command, io, {generate: true, ...(needsScoring ? {score: true} : {})});
    return backend;
}

/**
 * Opens the model named by another flag (--tuned, --proxy, --paraphrase-model) with the same model
 * settings; errors about the model name that flag, not --model.
 */
export async function openSecondModel(
    options: ModelFlagValues,
    flag: string,
    path: string,
    command: string,
    io: CommandIo,
    needsScoring = false,
): Promise<Backend> {
    return attributeToFlag(flag, "model", () => openCheckModel({...options, model: path}, command, io, needsScoring));
}

export interface LoadedDataset {
    origin: string;
    items: DatasetItem[];
    malformed: MalformedLine[];
}

export function loadDataset(options: Pick<DatasetOptionValues, "dataset" | "input" | "limit">, command: string): LoadedDataset {
    const {dataset, input} = options;
    if (dataset !== undefined && input !== undefined) throw new ArgumentError(`glassbox ${command} takes --dataset or --input, not both`);
    let loaded: LoadedDataset;
    if (dataset !== undefined) {
        const parsed = parseJsonlDataset(readTextFile(dataset, "--dataset file", "a JSONL file, one JSON object per line (docs/datasets.md)"), dataset);
        loaded = {origin: dataset, items: parsed.items, malformed: parsed.malformed};
    } else if (input !== undefined) {
        let json: unknown;
        try {
            json = JSON.parse(readTextFile(input, "--input file", "a JSON object with the fields of a dataset line"));
        } catch (error) {
            if (error instanceof InputError) throw error;
            throw new InputError(`${input} is not valid JSON: ${(error as Error).message}`);
        }
        const record = typeof json === "object" && json !== null && !Array.isArray(json) && !("id" in json) ? {id: "item", ...json} : json;
        loaded = {origin: input, items: [parseDatasetItem(record, 1)], malformed: []};
    } else {
        throw new ArgumentError(`glassbox ${command} needs --dataset FILE.jsonl or --input FILE.json`, {hint: `see glassbox ${command} --help`});
    }
    if (loaded.items.length === 0 && loaded.malformed.length > 0) {
        const first = loaded.malformed[0];
        throw new InputError(`${loaded.origin} has no valid items: all ${loaded.malformed.length} lines are malformed`, {
            received: first === undefined ? undefined : `line ${first.line}: ${first.reason}`,
            hint: "see docs/datasets.md",
        });
    }
    if (options.limit !== undefined) {
        loaded.items = loaded.items.slice(0, options.limit);
    }
    return loaded;
}

/** What follows the counts in a check's progress line: resumed, unparseable and failed items, the current item. */
function progressDetail(progress: DatasetProgress): string {
    const extras = [
        progress.skipped > 0 ? `${progress.skipped} resumed` : "",
        progress.unparseable > 0 ? `${progress.unparseable} unparseable` : "",
        progress.errors > 0 ? `${progress.errors} errors` : "",
    ].filter((text) => text !== "");
    return `${extras.length > 0 ? `(${extras.join(", ")}) ` : ""}${progress.current ?? ""}`.trim();
}

export interface CheckRun<Verdict, Unparsed, Summary> {
    command: string;
    options: DatasetOptionValues;
    io: CommandIo;
    model: Backend;
    dataset: LoadedDataset;
    /** Options that change results (they form the run key together with command, model, dataset and seed). */
    keyOptions: Record<string, unknown>;
    evaluate: (item: DatasetItem, signal: AbortSignal | undefined) => Promise<ItemEvaluation<Verdict, Unparsed>>;
    summarize: (records: readonly CheckRecord<Verdict, Unparsed>[], malformed: readonly MalformedLine[]) => Summary;
}

export interface CheckOutcome<Verdict, Unparsed, Summary> {
    result: DatasetRunResult<Summary>;
    /** The run's items but malformed lines, with their verdicts typed. */
    records: CheckRecord<Verdict, Unparsed>[];
    interrupted: boolean;
    signal?: NodeJS.Signals;
    db: string;
}

/** Runs a check over the dataset with the store, progress and Ctrl-C handling. */
export async function runCheck<Verdict, Unparsed, Summary>(run: CheckRun<Verdict, Unparsed, Summary>): Promise<CheckOutcome<Verdict, Unparsed, Summary>> {
    const store = openRunStore(run.options);
    const controller = new AbortController();
    let signal: NodeJS.Signals | undefined;
    // SIGINT and SIGTERM both stop the run between items and store it as interrupted.
    const onInterrupt = (received: NodeJS.Signals): void => {
        signal ??= received;
        controller.abort();
    };
    process.once("SIGINT", onInterrupt);
    process.once("SIGTERM", onInterrupt);
    try {
        const result = await runDataset({
            store,
            spec: {
                command: run.command,
                model: {name: run.model.name, id: run.model.id},
                dataset: run.dataset.origin,
                options: run.keyOptions,
                seed: run.options.seed,
                versions: {glassbox: glassboxVersion, node: process.versions.node},
            },
            items: run.dataset.items,
            malformed: run.dataset.malformed,
            concurrency: run.options.concurrency,
            ...(run.options.fresh ? {fresh: true} : {}),
            signal: controller.signal,
            evaluate: (item, context) => run.evaluate(item, context.signal),
            onProgress: (progress) => run.io.progressCount(`${run.command}: items`, progress.done, progress.total, progressDetail(progress)),
            summarize: run.summarize,
        });
        run.io.progressDone();
        const records = store.checkRecords<Verdict, Unparsed>(result.run.id);
        return {result, records, interrupted: controller.signal.aborted, ...(signal === undefined ? {} : {signal}), db: store.path};
    } finally {
        process.removeListener("SIGINT", onInterrupt);
        process.removeListener("SIGTERM", onInterrupt);
        store.close();
    }
}

/** The lines every check prints after its own numbers: run id, resume state, bad lines, unparseable items. */
export function runFooter(outcome: {result: DatasetRunResult; interrupted: boolean; db: string}): string[] {
    const {result} = outcome;
    const state = outcome.interrupted
        ? "interrupted (re-run the same command to resume)"
        : result.run.status === "failed" && result.run.error !== null
          ? `failed: ${result.run.error}`
          : result.run.status;
    const lines = [
        `run ${result.run.id} in ${outcome.db}: ${state}` + `${result.skipped > 0 ? `, ${result.skipped} items resumed from an earlier attempt` : ""}`,
    ];
    for (const entry of result.malformed) lines.push(`skipped line ${entry.line}: ${entry.reason}`);
    for (const item of result.items) {
        if (item.status === "unparseable") lines.push(`unparseable: ${itemProblem(item.itemId, item.error ?? "no answer")}`);
        if (item.status === "error") lines.push(`error: ${itemProblem(item.itemId, item.error ?? "failed")}`);
    }
    return lines;
}

/** 130 (143 for SIGTERM) when interrupted, 1 when the run failed (no item evaluated, or every item failed), else 0. */
export function exitCodeFor(outcome: {interrupted: boolean; signal?: NodeJS.Signals; result: {run: {status: string}}}): number {
    if (outcome.interrupted) return outcome.signal === "SIGTERM" ? 143 : 130;
    return outcome.result.run.status === "failed" ? 1 : 0;
}
