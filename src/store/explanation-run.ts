/**
 * An explanation stored as a run: one run of command "explain" holding one item whose verdict is
 * the explain result itself (docs/schema-explain.md), so `glassbox runs list|show|export` and
 * `glassbox view` read it like any check run. Written through the {@link RunRecorder} interface,
 * so any recorder (the SQLite run store or another) can hold it.
 *
 * The run key covers the model, the input, the target and foil, and every option that changes the
 * values: explaining the same thing again resumes the same run and replaces its item; anything
 * else is a new run.
 */
import type {RunRecord, RunRecorder, RunSpec} from "../checks/run-records.js";
import type {ExplainResult} from "../explain/types.js";
import {canonicalJson, sha256Hex} from "../foundation/canonical-json.js";
import {glassboxVersion} from "../foundation/version.js";

export interface RecordExplanationOptions {
    /** The input file the explanation read, when there was one (shown as the run's dataset). */
    inputPath?: string;
    /** Start a new run even when one with the same key is stored. */
    fresh?: boolean;
    /** Versions stored with the run; glassbox's own version by default. */
    versions?: Record<string, string>;
}

/** The id of the one item of an explanation run. */
export const explanationItemId = "explanation";

/** Stores `result` as a finished run of one item; returns the stored run. */
export function recordExplanation(recorder: RunRecorder, result: ExplainResult, options: RecordExplanationOptions = {}): RunRecord {
    const verdict = plainJson(result);
    const inputHash = sha256Hex(canonicalJson({input: result.input, target: result.target.text, foil: result.foil?.text ?? null}));
    const spec: RunSpec = {
        command: "explain",
        model: {name: result.model.name, id: result.model.id},
        ...(options.inputPath === undefined ? {} : {dataset: options.inputPath}),
        options: explanationOptions(result, inputHash),
        seed: result.seed,
        versions: options.versions ?? {glassbox: result.glassboxVersion ?? glassboxVersion},
    };
    const {run} = recorder.beginRun(spec, {itemTotal: 1, ...(options.fresh === true ? {fresh: true} : {})});
    try {
        recorder.recordItem(run.id, {itemId: explanationItemId, ordinal: 0, inputHash, status: "ok", verdict}, run.attempts);
        recorder.forgetItemsExcept(run.id, new Set([explanationItemId]));
        recorder.endRun(run.id, "finished", {summary: explanationSummary(result)});
    } catch (error) {
        recorder.endRun(run.id, "failed", {error: error instanceof Error ? error.message : String(error)});
        throw error;
    }
    return recorder.requireRun(run.id);
}

/** Options of the run key: what changes the values, and a hash of what was explained. */
function explanationOptions(result: ExplainResult, inputHash: string): Record<string, unknown> {
    return {
        method: result.method,
        unit: result.unit,
        budget: result.budget,
        value: result.valueKind,
        removal: result.removal,
        ...(result.removal === "placeholder" ? {placeholder: result.placeholder} : {}),
        target: result.target.text,
        ...(result.foil === undefined ? {} : {foil: result.foil.text}),
        metrics: result.metrics !== undefined,
        input: inputHash.slice(0, 16),
    };
}

/**
 * Headline numbers of an explanation: its size, v(all) and v(none), the efficiency gap, the unit
 * with the largest |value|, and the metrics' summary when metrics were computed.
 */
export function explanationSummary(result: ExplainResult): Record<string, unknown> {
    let top = -1;
    result.values.forEach((value, index) => {
        if (Number.isFinite(value) && (top < 0 || Math.abs(value) > Math.abs(result.values[top]!))) top = index;
    });
    const topUnit = result.units[top];
    return plainJson({
        units: result.units.length,
        evaluations: result.evaluations,
        valueFull: result.valueFull,
        valueEmpty: result.valueEmpty,
        efficiencyGap: result.efficiencyGap,
        ...(topUnit === undefined ? {} : {topUnit: {index: top, text: topUnit.text, value: result.values[top]}}),
        ...(result.metrics === undefined ? {} : {metrics: result.metrics.summary}),
    }) as Record<string, unknown>;
}

/** The result as plain JSON: non-finite numbers (an underflowed probability) become null, as in `explain --json`. */
function plainJson(value: unknown): unknown {
    return JSON.parse(JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "number" && !Number.isFinite(inner) ? null : inner))) as unknown;
}
