/**
 * Runs one check over the items of a dataset with bounded concurrency, storing each item's
 * verdict in the run store as soon as it is computed. Generic over the check: any command that
 * turns an item into a verdict can use it.
 *
 * Resume: a run with the same key (command, model, dataset, options, seed) picks up the stored
 * run; items stored with status ok, unparseable or malformed and the same input hash are skipped,
 * items stored as errors are retried. `onItemStored` fires only after the item's transaction has
 * committed, so whatever a caller reports as finished survives a kill.
 */
import type {MalformedLine} from "../datasets/jsonl.js";
import {isGlassboxError} from "../errors.js";
import {sha256Hex} from "../foundation/canonical-json.js";
import type {CheckRecord, ItemRecord, ItemStatus, RunRecord, RunRecorder, RunSpec, TypedVerdict} from "./run-records.js";

export interface RunnableItem {
    id: string;
    /** Hash of the item's content: a changed item is evaluated again. */
    hash: string;
}

/**
 * What a check makes of one item. The verdict holds everything needed to recompute the metric for
 * the item (JSON-serialisable); an answer that could not be read keeps an `Unparsed` verdict; an
 * item whose evaluation failed keeps none.
 */
export type ItemEvaluation<Verdict = unknown, Unparsed = Verdict> = TypedVerdict<Verdict, Unparsed> & {error?: string};

export interface DatasetProgress {
    total: number;
    /** Items finished so far, skipped ones included. */
    done: number;
    skipped: number;
    errors: number;
    unparseable: number;
    current?: string;
}

export interface RunDatasetOptions<Item extends RunnableItem, Verdict, Unparsed, Summary> {
    store: RunRecorder;
    spec: RunSpec;
    items: readonly Item[];
    malformed?: readonly MalformedLine[];
    evaluate: (item: Item, context: {index: number; signal: AbortSignal | undefined}) => Promise<ItemEvaluation<Verdict, Unparsed>>;
    /** Items evaluated at the same time (default 1). */
    concurrency?: number;
    /** Start a new run even when one with the same key is stored. */
    fresh?: boolean;
    signal?: AbortSignal;
    onProgress?: (progress: DatasetProgress) => void;
    /** Called after an item's verdict is committed. */
    onItemStored?: (record: ItemRecord) => void;
    /** The run's summary, from every stored item (so a resumed run summarises like an uninterrupted one). */
    summarize: (items: readonly CheckRecord<Verdict, Unparsed>[], malformed: readonly MalformedLine[]) => Summary;
}

export interface DatasetRunResult<Summary = unknown> {
    run: RunRecord;
    resumed: boolean;
    /** Items taken from an earlier attempt. */
    skipped: number;
    evaluated: number;
    items: ItemRecord[];
    malformed: MalformedLine[];
    summary: Summary;
}

/** Item id under which a malformed line is stored. */
export function malformedItemId(line: number): string {
    return `line:${line}`;
}

/** Errors that end the whole run instead of one item: missing capabilities and programming errors. */
function isRunFatal(error: unknown): boolean {
    if (!isGlassboxError(error)) return true;
    return error.code === "capability" || error.code === "invalid-argument" || error.code === "internal";
}

export async function runDataset<Item extends RunnableItem, Verdict, Unparsed, Summary>(
    options: RunDatasetOptions<Item, Verdict, Unparsed, Summary>,
): Promise<DatasetRunResult<Summary>> {
    const {store, items} = options;
    const malformed = [...(options.malformed ?? [])];
    const total = items.length + malformed.length;
    const {run, resumed} = store.beginRun(options.spec, {...(options.fresh === undefined ? {} : {fresh: options.fresh}), itemTotal: total});
    const attempt = run.attempts;
    const keep = new Set([...items.map((item) => item.id), ...malformed.map((entry) => malformedItemId(entry.line))]);
    store.forgetItemsExcept(run.id, keep);
    const stored = store.storedItems(run.id);
    const progress: DatasetProgress = {total, done: 0, skipped: 0, errors: 0, unparseable: 0};
    const report = (): void => options.onProgress?.({...progress});
    const countStatus = (status: ItemStatus): void => {
        if (status === "error") progress.errors++;
        if (status === "unparseable") progress.unparseable++;
    };

    malformed.forEach((entry) => {
        const itemId = malformedItemId(entry.line);
        const hash = sha256Hex(entry.reason);
        const previous = stored.get(itemId);
        if (previous === undefined || previous.inputHash !== hash || previous.status !== "malformed") {
            store.recordItem(
                run.id,
                {itemId, ordinal: entry.line, inputHash: hash, status: "malformed", verdict: {line: entry.line, reason: entry.reason}},
                attempt,
            );
        }
        progress.done++;
    });

    const pending: {item: Item; index: number}[] = [];
    items.forEach((item, index) => {
        const previous = stored.get(item.id);
        if (previous !== undefined && previous.inputHash === item.hash && previous.status !== "error") {
            progress.done++;
            progress.skipped++;
            countStatus(previous.status);
        } else {
            pending.push({item, index});
        }
    });
    report();

    let evaluated = 0;
    let fatal: unknown;
    const aborted = (): boolean => options.signal?.aborted === true;
    const worker = async (): Promise<void> => {
        while (fatal === undefined && !aborted()) {
            const next = pending.shift();
            if (next === undefined) return;
            progress.current = next.item.id;
            report();
            let evaluation: ItemEvaluation<Verdict, Unparsed>;
            try {
                evaluation = await options.evaluate(next.item, {index: next.index, signal: options.signal});
            } catch (error) {
                if (aborted()) return;
                if (isRunFatal(error)) {
                    fatal ??= error;
                    return;
                }
                evaluation = {status: "error", verdict: null, error: error instanceof Error ? error.message : String(error)};
            }
            store.recordItem(
                run.id,
                {
                    itemId: next.item.id,
                    ordinal: next.index,
                    inputHash: next.item.hash,
                    status: evaluation.status,
                    verdict: evaluation.verdict,
                    ...(evaluation.error === undefined ? {} : {error: evaluation.error}),
                },
                attempt,
            );
            evaluated++;
            progress.done++;
            countStatus(evaluation.status);
            const record = store.storedItems(run.id).get(next.item.id);
            if (record !== undefined) options.onItemStored?.(record);
            report();
        }
    };
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    await Promise.all(Array.from({length: Math.min(concurrency, Math.max(1, pending.length))}, () => worker()));

    const allItems = store.items(run.id);
    const summary = options.summarize(store.checkRecords<Verdict, Unparsed>(run.id), malformed);
    if (fatal !== undefined) {
        store.endRun(run.id, "failed", {summary, error: fatal instanceof Error ? fatal.message : String(fatal)});
        throw fatal;
    }
    if (aborted()) {
        store.endRun(run.id, "interrupted", {summary});
    } else {
        const failure = runFailure(allItems);
        store.endRun(run.id, failure === undefined ? "finished" : "failed", {summary, ...(failure === undefined ? {} : {error: failure})});
    }
    return {run: store.requireRun(run.id), resumed, skipped: progress.skipped, evaluated, items: allItems, malformed, summary};
}

/**
 * Why a completed run evaluated nothing, or undefined when at least one item got a verdict (ok or
 * unparseable): a run of only malformed lines, or one where every item failed, is a failed run.
 */
export function runFailure(items: readonly ItemRecord[]): string | undefined {
    const candidates = items.filter((item) => item.status !== "malformed");
    if (candidates.some((item) => item.status === "ok" || item.status === "unparseable")) return undefined;
    if (candidates.length === 0) return "no item could be evaluated: every line is malformed";
    const first = candidates.find((item) => item.error !== undefined && item.error !== null);
    return `every item failed (${candidates.length} of ${candidates.length})${first?.error === undefined ? "" : `; first: item ${first.itemId}: ${first.error}`}`;
}
