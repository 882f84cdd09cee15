/**
 * Any other result kind (score, generate, the checks as they land) as a {@link GenericView}:
 * top-level numbers and strings as facts, arrays of flat records as tables, and curves — arrays
 * of points with numeric x/y (or fraction/value, k/value, k/passAtK, (mean)confidence/accuracy)
 * — as plots.
 */
import {formatNumber} from "./render/basics.js";
import type {Fact, GenericView, PlotSeries, PlotSpec, TableView} from "./view-model.js";

const tableRowLimit = 500;
const pointKeys: [string, string][] = [
    ["x", "y"],
    ["fraction", "value"],
    ["k", "value"],
    ["k", "passAtK"],
    ["confidence", "accuracy"],
    ["meanConfidence", "accuracy"],
    ["bin", "value"],
];
const skippedFacts = new Set(["schemaVersion", "kind"]);

export function buildGenericView(kind: string, result: Record<string, unknown>, title: string): GenericView {
    const facts: Fact[] = [];
    const tables: TableView[] = [];
    const plots: PlotSpec[] = [];
    for (const [key, value] of Object.entries(result)) {
        if (skippedFacts.has(key)) continue;
        if (typeof value === "number" || value === null) facts.push({label: key, value: formatNumber(value), note: ""});
        else if (typeof value === "string" || typeof value === "boolean") facts.push({label: key, value: String(value), note: ""});
        else if (isRecord(value)) addNested(key, value, facts, plots);
        else if (Array.isArray(value)) addArray(key, value, tables, plots);
    }
    facts.push({label: "result kind", value: kind, note: `schema ${String(result.schemaVersion)}`});
    return {type: "generic", title, resultKind: kind, facts, tables, plots};
}

function addNested(key: string, value: Record<string, unknown>, facts: Fact[], plots: PlotSpec[]): void {
    for (const [inner, item] of Object.entries(value)) {
        const label = `${key}.${inner}`;
        if (typeof item === "number" || item === null) facts.push({label, value: formatNumber(item), note: ""});
        else if (typeof item === "string" || typeof item === "boolean") facts.push({label, value: String(item).slice(0, 200), note: ""});
        else if (Array.isArray(item)) {
            const series = curveSeries(label, item);
            if (series !== undefined) plots.push(linePlot(label, [series]));
        }
    }
}

function addArray(key: string, value: unknown[], tables: TableView[], plots: PlotSpec[]): void {
    const series = curveSeries(key, value);
    if (series !== undefined) {
        plots.push(linePlot(key, [series]));
        return;
    }
    const records = value.filter(isRecord);
    if (records.length === 0) return;
    // Curves carried per record (e.g. byLength[].curve): one series each, on one plot.
    const nested: PlotSeries[] = [];
    for (const [index, record] of records.entries()) {
        for (const [inner, item] of Object.entries(record)) {
            if (!Array.isArray(item)) continue;
            const found = curveSeries(`${key}[${index}].${inner}`, item);
            if (found !== undefined) nested.push({...found, label: recordLabel(record, index, inner)});
        }
    }
    if (nested.length > 0) plots.push(linePlot(key, nested.slice(0, 7)));
    const columns = [...new Set(records.flatMap((record) => Object.keys(record).filter((column) => isCell(record[column]))))];
    if (columns.length === 0) return;
    const rows = records.slice(0, tableRowLimit).map((record) => columns.map((column) => cellOf(record[column])));
    tables.push({caption: key, columns, rows, omitted: Math.max(0, records.length - tableRowLimit)});
}

function curveSeries(label: string, value: unknown[]): (PlotSeries & {xKey: string; yKey: string}) | undefined {
    if (value.length < 2 || !value.every(isRecord)) return undefined;
    for (const [xKey, yKey] of pointKeys) {
        const numberOrNull = (item: unknown): boolean => typeof item === "number" || item === null;
        if (!value.every((point) => numberOrNull(point[xKey]) && numberOrNull(point[yKey]))) continue;
        // Points with a null coordinate (e.g. an empty calibration bin) are left out.
        const points = value
            .filter((point) => typeof point[xKey] === "number" && typeof point[yKey] === "number")
            .map((point): [number, number] => [point[xKey] as number, point[yKey] as number]);
        if (points.length >= 2) return {label, xKey, yKey, points};
    }
    return undefined;
}

/** A line plot labelled with the points' field names; a calibration curve gets the diagonal of perfect calibration. */
function linePlot(title: string, series: (PlotSeries & {xKey?: string; yKey?: string})[]): PlotSpec {
    const first = series[0];
    const calibration = (first?.xKey === "confidence" || first?.xKey === "meanConfidence") && first.yKey === "accuracy";
    const drawn: PlotSeries[] = series.map((entry) => ({label: entry.label, points: entry.points}));
    if (calibration)
        drawn.push({
            label: "perfectly calibrated",
            points: [
                [0, 0],
                [1, 1],
            ],
        });
    return {
        title,
        xLabel: first?.xKey ?? "x",
        yLabel: first?.yKey ?? "y",
        kind: "line",
        series: drawn,
        xDomain: calibration ? [0, 1] : null,
        caption: calibration
            ? "Points on the diagonal are perfectly calibrated; below it, over-confident."
            : `${series.length} series from the result's "${title}" field.`,
    };
}

function recordLabel(record: Record<string, unknown>, index: number, field: string): string {
    const name = ["label", "name", "steps", "id"].find((key) => typeof record[key] === "string" || typeof record[key] === "number");
    return name === undefined ? `${field} ${index + 1}` : `${name} ${String(record[name])}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCell(value: unknown): boolean {
    return value === null || typeof value === "number" || typeof value === "string" || typeof value === "boolean";
}

function cellOf(value: unknown): string | number | null {
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (value === null || value === undefined) return null;
    if (typeof value === "string") return value.length > 160 ? `${value.slice(0, 159)}…` : value;
    return String(value);
}
