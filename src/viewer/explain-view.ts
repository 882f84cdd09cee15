/** From an explain result to the {@link ExplainView} the page draws. */
import {attributionMethods} from "../attribution/registry.js";
import type {ExplainResult} from "../explain/types.js";
import type {FaithfulnessReport} from "../metrics/faithfulness.js";
import {formatNumber, readableText} from "./render/basics.js";
import {unitLevels} from "./unit-levels.js";
import type {ExplainView, Fact, PlotSpec, ViewGroup, ViewSource} from "./view-model.js";

export function buildExplainView(result: ExplainResult, title: string): ExplainView {
    const {sources, sourceIndex, wholeKind} = viewSources(result);
    const units: ViewGroup[] = result.units.map((unit) => ({source: sourceIndex(unit.source), start: unit.start, end: unit.end}));
    const rows = [{label: "total", values: result.values.map(finiteOrNull)}];
    (result.componentValues ?? []).forEach((row, index) =>
        rows.push({label: result.componentLabels[index] ?? `component ${index + 1}`, values: row.map(finiteOrNull)}),
    );
    return {
        type: "explain",
        title,
        sources,
        units,
        rows,
        standardErrors: result.standardErrors === undefined ? null : result.standardErrors.map(finiteOrNull),
        levels: unitLevels(result.unit, units, sources, wholeKind),
        valueDescription: result.value ?? result.valueKind,
        method: result.method,
        context: contextOf(result),
        rationale: result.rationale?.unitMask ?? null,
        additive: attributionMethods[result.method]?.estimatesShapley ?? false,
        targetText: result.target.text,
        foilText: result.foil?.text ?? null,
        facts: explainFacts(result),
        metrics: metricFacts(result),
        plots: result.metrics === undefined ? [] : faithfulnessPlots(result.metrics.faithfulness),
    };
}

/** The question and instruction of a documents (RAG) input: shown above the documents, never shaded. */
function contextOf(result: ExplainResult): ViewSource[] {
    const input = result.input;
    if (input.kind !== "documents") return [];
    return [
        ...(input.instruction === undefined || input.instruction.trim() === "" ? [] : [{label: "instruction", text: input.instruction}]),
        {label: "question", text: input.question},
    ];
}

function viewSources(result: ExplainResult): {
    sources: ViewSource[];
    sourceIndex: (source: ExplainResult["units"][number]["source"]) => number;
    wholeKind: string;
} {
    const input = result.input;
    switch (input.kind) {
        case "prompt":
            return {sources: [{label: "prompt", text: input.prompt}], sourceIndex: () => 0, wholeKind: "prompt"};
        case "documents":
            return {
                sources: input.documents.map((document, index) => ({
                    label: `document ${index + 1}${document.title === undefined ? "" : `: ${document.title}`}`,
                    text: document.text,
                })),
                sourceIndex: (source) => (source.kind === "document" ? source.index : 0),
                wholeKind: "document",
            };
        case "chat":
            return {
                sources: input.messages.map((message, index) => ({label: `message ${index + 1} (${message.role})`, text: message.content})),
                sourceIndex: (source) => (source.kind === "message" ? source.index : 0),
                wholeKind: "message",
            };
    }
}

function explainFacts(result: ExplainResult): Fact[] {
    const facts: Fact[] = [
        {label: "target", value: readableText(result.target.text), note: result.target.origin === "generated" ? "the model's greedy answer" : "given"},
    ];
    if (result.foil !== undefined) facts.push({label: "foil", value: readableText(result.foil.text), note: "contrastive: target vs foil"});
    facts.push(
        {label: "model", value: result.model?.name ?? "unknown", note: ""},
        {label: "value v(S)", value: result.value ?? result.valueKind, note: result.valueKind},
        {label: "method", value: result.method, note: `budget ${result.budget}, seed ${result.seed}, ${result.evaluations} coalitions evaluated`},
        {
            label: "units",
            value: `${result.units.length} ${result.unit}`,
            note: `removed by ${result.removal === "placeholder" ? `placeholder ${JSON.stringify(result.placeholder)}` : "deletion"}`,
        },
        {label: "v(all units)", value: formatNumber(finiteOrNull(result.valueFull)), note: ""},
        {label: "v(no unit)", value: formatNumber(finiteOrNull(result.valueEmpty)), note: ""},
        {label: "efficiency gap", value: formatNumber(finiteOrNull(result.efficiencyGap)), note: "Σ values − (v(all) − v(none))"},
    );
    if (result.timing !== undefined) facts.push({label: "time", value: `${formatNumber(result.timing.totalMs / 1000)} s`, note: ""});
    if (result.glassboxVersion !== undefined) facts.push({label: "glassbox", value: result.glassboxVersion, note: `schema ${result.schemaVersion}`});
    return facts;
}

const metricNotes: Record<string, [string, string]> = {
    comprehensivenessAopc: ["comprehensiveness (AOPC)", "higher = more faithful"],
    sufficiencyAopc: ["sufficiency (AOPC)", "lower = better"],
    deletionArea: ["deletion area", "lower = better"],
    insertionArea: ["insertion area", "higher = better"],
    tauLoo: ["τ vs leave-one-out", "Kendall τ-b, higher = closer"],
    lds: ["LDS", "Spearman over random coalitions"],
    decisionFlippedByTopUnit: ["decision flips with top unit removed", ""],
    fractionRemovedAtFlip: ["fraction removed at flip", "lower = sharper"],
    metricEvaluations: ["metric evaluations", "extra coalitions"],
    plausibilityTokenF1: ["plausibility token F1", "vs human rationale"],
    plausibilityTokenIou: ["plausibility token IoU", "vs human rationale"],
    plausibilityAuprc: ["plausibility AUPRC", "vs human rationale"],
};

function metricFacts(result: ExplainResult): Fact[] {
    const summary = result.metrics?.summary;
    if (summary === undefined) return [];
    return Object.entries(summary).map(([key, value]) => {
        const [label, note] = metricNotes[key] ?? [key, ""];
        const text = typeof value === "boolean" ? (value ? "yes" : "no") : formatNumber(value);
        return {label, value: text, note};
    });
}

export function faithfulnessPlots(report: FaithfulnessReport): PlotSpec[] {
    const plots: PlotSpec[] = [];
    // Bars stand at the share of units actually in the rationale (⌈b·n⌉ of n), not at the nominal bin.
    const units = Math.max(1, report.playerCount);
    const curves = [
        report.deletion === undefined
            ? undefined
            : {
                  label: `deletion (area ${formatNumber(report.deletion.area)})`,
                  points: report.deletion.points.map((point): [number, number] => [point.fraction, point.value]),
              },
        report.insertion === undefined
            ? undefined
            : {
                  label: `insertion (area ${formatNumber(report.insertion.area)})`,
                  points: report.insertion.points.map((point): [number, number] => [point.fraction, point.value]),
              },
    ].filter((series) => series !== undefined);
    if (curves.length > 0) {
        plots.push({
            title: "Deletion and insertion",
            xLabel: "fraction of units removed / kept, top-ranked first",
            yLabel: "v(S)",
            kind: "line",
            series: curves,
            xDomain: [0, 1],
            caption: "A faithful attribution makes the deletion curve fall fast and the insertion curve rise fast.",
        });
    }
    const bins = [
        report.comprehensiveness === undefined
            ? undefined
            : {
                  label: `comprehensiveness (AOPC ${formatNumber(report.comprehensiveness.aopc)})`,
                  points: report.comprehensiveness.bins.map((bin): [number, number] => [bin.size / units, bin.value]),
              },
        report.sufficiency === undefined
            ? undefined
            : {
                  label: `sufficiency (AOPC ${formatNumber(report.sufficiency.aopc)})`,
                  points: report.sufficiency.bins.map((bin): [number, number] => [bin.size / units, bin.value]),
              },
    ].filter((series) => series !== undefined);
    if (bins.length > 0) {
        plots.push({
            title: "Comprehensiveness and sufficiency by bin",
            xLabel: "fraction of units in the rationale (top-ranked first)",
            yLabel: "drop in v(S) from v(all units)",
            kind: "bar",
            series: bins,
            xDomain: null,
            caption:
                "Comprehensiveness: drop when the rationale is removed (higher is better). Sufficiency: drop when only the rationale is kept (lower is better).",
        });
    }
    return plots;
}

function finiteOrNull(value: number | null | undefined): number | null {
    return typeof value === "number" && Number.isFinite(value) ? value : null;
}
