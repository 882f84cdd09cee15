/**
 * Shared by `check self-explanation`, `check counterfactual`, `refine` and `amplify`: the dataset
 * flags, opening the model (a GGUF, or a scripted explainer for demos and tests), reading the
 * dataset and the word lists, the progress bar, the run summary and the malformed-line report.
 */
import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import type {WordLists} from "../../checks/counterfactual/insertions.js";
import {parseWordListFile} from "../../checks/counterfactual/word-lists.js";
import {runDataset, type DatasetProgress, type DatasetRunResult, type ItemEvaluation} from "../../checks/run-dataset.js";
import {parseDatasetItem, type DatasetItem} from "../../datasets/item.js";
import {parseJsonlDataset, type MalformedLine} from "../../datasets/jsonl.js";
import {ArgumentError, InputError} from "../../errors.js";
import type {Backend} from "../../model/backend-spec.js";
import type {ItemRecord} from "../../store/run-store.js";
import {glassboxVersion} from "../../version.js";
import type {CommandIo, OptionSpecs, ParsedOptions} from "../command.js";
import {modelOptionSpecs} from "../input-files.js";
import {openModelFromOptions} from "./model-support.js";
import {openRunStore} from "./runs.js";

const {prompt: _prompt, messages: _messages, ...modelFlags} = modelOptionSpecs;

export const datasetOptionSpecs = {
    ...modelFlags,
    model: {kind: "string", valueName: "PATH.gguf", description: "GGUF model file, vllm:/sglang:/openai: server, or scripted:NAME[:generation-only] (default, honest-explainer, lying-explainer, no-answer). Required."},
    dataset: {kind: "string", valueName: "FILE.jsonl", description: "Items to check, one JSON object per line (docs/datasets.md)."},
    input: {kind: "string", valueName: "FILE.json", description: "One item instead of a dataset (same fields as a dataset line; \"id\" optional)."},
    limit: {kind: "integer", valueName: "N", min: 1, description: "Only the first N items."},
    db: {kind: "string", valueName: "PATH", description: "Run store file. Default: $XDG_DATA_HOME/glassbox/runs.db or ~/.local/share/glassbox/runs.db."},
    fresh: {kind: "boolean", description: "Start a new run instead of resuming the stored run with the same command and options."},
    concurrency: {kind: "integer", valueName: "N", min: 1, max: 64, default: 1, description: "Items evaluated at the same time."},
    seed: {kind: "integer", valueName: "S", min: 0, default: 0, description: "Seed for edits, sampling methods and random feedback."},
} as const satisfies OptionSpecs;

/**
 * Opens --model for a check: a GGUF or a server (vllm:, sglang:, openai:), or a scripted explainer.
 * Generation is required; scoring only where the check says so (`needsScoring`), so checks whose
 * protocol allows it run on generation-only servers.
 */
export async function openCheckModel(options: ParsedOptions, command: string, io: CommandIo, needsScoring = false): Promise<Backend> {
    const {backend} = await openModelFromOptions(options, command, io, {generate: true, ...(needsScoring ? {score: true} : {})});
    return serializedBackend(backend);
}

/**
 * The checks call score/generate on lane 0 from several items at once (--concurrency); calls on
 * one lane must not overlap, so this wrapper queues them. Items still interleave call by call.
 */
export function serializedBackend(backend: Backend): Backend {
    let queue: Promise<unknown> = Promise.resolve();
    const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
        const next = queue.then(work, work);
        queue = next.catch(() => undefined);
        return next;
    };
    return {
        specificationVersion: backend.specificationVersion,
        id: backend.id, name: backend.name, capabilities: backend.capabilities, vocabulary: backend.vocabulary,
        tokenize: (texts) => backend.tokenize(texts),
        detokenize: (sequences, options) => backend.detokenize(sequences, options),
        tokenTexts: (requests) => backend.tokenTexts(requests),
        renderChat: (requests) => backend.renderChat(requests),
        score: (request, lane) => enqueue(() => backend.score(request, lane)),
        generate: (request, lane) => enqueue(() => backend.generate(request, lane)),
        dispose: () => backend.dispose(),
    };
}

export interface LoadedDataset {
    origin: string;
    items: DatasetItem[];
    malformed: MalformedLine[];
}

function readText(path: string, flag: string): string {
    try {
        return readFileSync(path, "utf8");
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
        throw new InputError(`cannot read ${flag} ${path}: ${reason}`, {hint: `pass ${flag} with an existing file`});
    }
}

export function loadDataset(options: ParsedOptions, command: string): LoadedDataset {
    const dataset = options.dataset;
    const input = options.input;
    if (typeof dataset === "string" && typeof input === "string") throw new ArgumentError(`glassbox ${command} takes --dataset or --input, not both`);
    let loaded: LoadedDataset;
    if (typeof dataset === "string") {
        const parsed = parseJsonlDataset(readText(dataset, "--dataset"), dataset);
        loaded = {origin: dataset, items: parsed.items, malformed: parsed.malformed};
    } else if (typeof input === "string") {
        let json: unknown;
        try {
            json = JSON.parse(readText(input, "--input"));
        } catch (error) {
            if (error instanceof InputError) throw error;
            throw new InputError(`${input} is not valid JSON: ${(error as Error).message}`);
        }
        const record = typeof json === "object" && json !== null && !Array.isArray(json) && !("id" in json) ? {id: "item", ...json} : json;
        loaded = {origin: input, items: [parseDatasetItem(record, 1)], malformed: []};
    } else {
        throw new ArgumentError(`glassbox ${command} needs --dataset FILE.jsonl or --input FILE.json`, {hint: `see glassbox ${command} --help`});
    }
    if (typeof options.limit === "number") {
        loaded.items = loaded.items.slice(0, options.limit);
    }
    return loaded;
}

const wordListDirectory = fileURLToPath(new URL("../../../data/wordlists/", import.meta.url));

export function loadWordLists(options: ParsedOptions): WordLists {
    const adjectives = typeof options.adjectives === "string" ? options.adjectives : `${wordListDirectory}adjectives.txt`;
    const adverbs = typeof options.adverbs === "string" ? options.adverbs : `${wordListDirectory}adverbs.txt`;
    return {adjectives: parseWordListFile(readText(adjectives, "--adjectives"), adjectives), adverbs: parseWordListFile(readText(adverbs, "--adverbs"), adverbs)};
}

function progressLine(progress: DatasetProgress): string {
    const width = 24;
    const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
    const extras = [
        progress.skipped > 0 ? `${progress.skipped} resumed` : "",
        progress.unparseable > 0 ? `${progress.unparseable} unparseable` : "",
        progress.errors > 0 ? `${progress.errors} errors` : "",
    ].filter((text) => text !== "");
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${progress.done}/${progress.total} items${extras.length > 0 ? ` (${extras.join(", ")})` : ""}${progress.current === undefined ? "" : `  ${progress.current}`}`;
}

export interface CheckRun {
    command: string;
    options: ParsedOptions;
    io: CommandIo;
    model: Backend;
    dataset: LoadedDataset;
    /** Options that change results (they form the run key together with command, model, dataset and seed). */
    keyOptions: Record<string, unknown>;
    evaluate: (item: DatasetItem, signal: AbortSignal | undefined) => Promise<ItemEvaluation>;
    summarize: (items: readonly ItemRecord[], malformed: readonly MalformedLine[]) => unknown;
}

/** Runs a check over the dataset with the store, progress and Ctrl-C handling. */
export async function runCheck(run: CheckRun): Promise<{result: DatasetRunResult; interrupted: boolean; db: string}> {
    const store = openRunStore(run.options);
    const controller = new AbortController();
    const onInterrupt = (): void => controller.abort();
    process.once("SIGINT", onInterrupt);
    try {
        const result = await runDataset({
            store,
            spec: {
                command: run.command, model: {name: run.model.name, id: run.model.id}, dataset: run.dataset.origin,
                options: run.keyOptions, seed: Number(run.options.seed ?? 0),
                versions: {glassbox: glassboxVersion, node: process.versions.node},
            },
            items: run.dataset.items,
            malformed: run.dataset.malformed,
            concurrency: Number(run.options.concurrency ?? 1),
            ...(run.options.fresh === true ? {fresh: true} : {}),
            signal: controller.signal,
            evaluate: (item, context) => run.evaluate(item, context.signal),
            onProgress: (progress) => run.io.progress(progressLine(progress)),
            summarize: run.summarize,
        });
        run.io.progressDone();
        return {result, interrupted: controller.signal.aborted, db: store.path};
    } finally {
        process.removeListener("SIGINT", onInterrupt);
        store.close();
    }
}

/** The lines every check prints after its own numbers: run id, resume state, bad lines, unparseable items. */
export function runFooter(outcome: {result: DatasetRunResult; interrupted: boolean; db: string}): string[] {
    const {result} = outcome;
    const lines = [`run ${result.run.id} in ${outcome.db}: ${outcome.interrupted ? "interrupted (re-run the same command to resume)" : result.run.status}` +
        `${result.skipped > 0 ? `, ${result.skipped} items resumed from an earlier attempt` : ""}`];
    for (const entry of result.malformed) lines.push(`skipped line ${entry.line}: ${entry.reason}`);
    for (const item of result.items) {
        if (item.status === "unparseable") lines.push(`unparseable: item ${item.itemId}: ${item.error ?? "no answer"}`);
        if (item.status === "error") lines.push(`error: item ${item.itemId}: ${item.error ?? "failed"}`);
    }
    return lines;
}

export function formatRate(value: number | null | undefined, digits = 3): string {
    return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
}

export function exitCodeFor(outcome: {interrupted: boolean}): number {
    return outcome.interrupted ? 130 : 0;
}
