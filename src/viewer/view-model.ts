/**
 * The data a page draws: built in Node from a result file (explain-view.ts, generic-view.ts),
 * embedded in the report as JSON or served by the view app's API, and read by the render
 * functions in src/viewer/render/. Plain JSON only (no classes, no undefined): it crosses the
 * wire as is.
 */

/** A text the units point into: the prompt, one document, one chat message. */
export interface ViewSource {
    label: string;
    text: string;
}

/** A span of one source that carries one shaded value at some level. */
export interface ViewGroup {
    source: number;
    start: number;
    end: number;
}

/**
 * One unit granularity. `levels[0]` is the result's own units (each unit its own group);
 * coarser levels map every unit to a group (`unitGroup[unit]`) and are re-aggregated in the page.
 */
export interface ViewLevel {
    kind: string;
    groups: ViewGroup[];
    unitGroup: number[];
}

/** One row of values over the units: the total or one target (or foil) token. */
export interface ViewRow {
    label: string;
    values: (number | null)[];
}

export interface PlotSeries {
    label: string;
    points: [number, number][];
    /** A name per point (a scatter's units), shown on hover. */
    pointLabels?: string[];
}

export interface PlotSpec {
    title: string;
    xLabel: string;
    yLabel: string;
    /** line: connected points; bar: grouped bars; scatter: points only (the last series of a scatter is drawn as a reference line). */
    kind: "line" | "bar" | "scatter";
    series: PlotSeries[];
    /** Fixed x range (e.g. [0, 1] for fractions); otherwise from the data. */
    xDomain: [number, number] | null;
    /** One sentence read by screen readers and shown under the plot. */
    caption: string;
}

export interface Fact {
    label: string;
    value: string;
    /** Short note, e.g. "higher = more faithful". */
    note: string;
}

/** A run as the viewer lists it: what the view server's store holds and /api/runs sends to the page. */
export interface RunRecord {
    id: string;
    /** Result kind: "explain", "score", a check's name … */
    kind: string;
    /** Short human name (a file name, a dataset and method). */
    label: string;
    /** ISO 8601 time the run was written. */
    createdAt: string;
    model: string | null;
    method: string | null;
    itemCount: number;
    /** Headline numbers and settings of the run, for its summary page. */
    facts: Fact[];
    /** How the run ended (finished, failed, interrupted, running), when the store knows. */
    status?: string;
    /** The one number that says most about a run of this kind. */
    headline?: Fact | null;
}

/** One item of a run as the run's page lists it. */
export interface ItemRow {
    id: string;
    /** Short description (the input's first words). */
    label: string;
    status?: string;
    /** The item's input and the model's output, when the stored verdict carries them. */
    input?: string;
    output?: string;
    /** The item's verdict in a few words ("faithful", "flipped", "AOC 0.33"). */
    verdict?: string;
}

export interface TableView {
    caption: string;
    columns: string[];
    rows: (string | number | null)[][];
    /** Rows left out to keep the page small. */
    omitted: number;
    /** Numeric columns shaded on the diverging scale, each on its own (their units differ). */
    shadedColumns?: number[];
    /** A sentence under the caption: what the table shows and how to read it. */
    note?: string;
}

/** A text the model wrote, with words to mark in it (e.g. an inserted word where it is mentioned). */
export interface EvidenceText {
    label: string;
    text: string;
    /** Marked case-insensitively wherever they occur. */
    marks: string[];
    note: string;
}

/** One part of an item's evidence, drawn in order. */
export type EvidenceSection =
    | {kind: "facts"; title: string; facts: Fact[]}
    | {kind: "table"; table: TableView}
    | {kind: "texts"; title: string; texts: EvidenceText[]}
    | {kind: "list"; title: string; items: string[]; ordered: boolean}
    | {kind: "plots"; title: string; plots: PlotSpec[]};

/** A check item drawn as evidence for its verdict, designed per check. */
export interface EvidenceView {
    type: "evidence";
    title: string;
    resultKind: string;
    /** The verdict in one line, e.g. "faithful: removing the top unit flips the answer". */
    verdict: string;
    sections: EvidenceSection[];
}

export interface ExplainView {
    type: "explain";
    title: string;
    sources: ViewSource[];
    units: ViewGroup[];
    /** Row 0 is the total attribution; the rest are the target (then foil) tokens. */
    rows: ViewRow[];
    standardErrors: (number | null)[] | null;
    levels: ViewLevel[];
    /** v(S) in words, e.g. "log p(target | kept units)". */
    valueDescription: string;
    /** The attribution method's name. */
    method: string;
    /** Whether the method's values add up (Shapley estimates): a coarser level's sums are then the group's value. */
    additive: boolean;
    /** Parts of the input that are not units but frame them (a RAG question and instruction). */
    context?: ViewSource[];
    /** Units in the human rationale (1) or not (0), when the result carries one. */
    rationale?: number[] | null;
    targetText: string;
    foilText: string | null;
    facts: Fact[];
    metrics: Fact[];
    plots: PlotSpec[];
}

export interface GenericView {
    type: "generic";
    title: string;
    resultKind: string;
    facts: Fact[];
    tables: TableView[];
    plots: PlotSpec[];
}

export type PageView = ExplainView | GenericView | EvidenceView;

/** What explainLevelData (render/explain-html.ts) returns: the values of one state and its colour scales. */
export interface LevelData {
    values: (number | null)[];
    standardErrors: (number | null)[] | null;
    totalErrors: (number | null)[] | null;
    rows: (number | null)[][];
    scale: number;
    columnScales: number[];
    ownScale: number;
}

/**
 * What the page shows now: a level index and a row index (0 = total). By default one colour scale
 * serves the whole view (every column of the table and the text); `perColumn` gives each column
 * its own. `sharedScale`, when set, is the scale of several views side by side (compare).
 */
export interface ExplainState {
    level: number;
    row: number;
    perColumn?: boolean;
    sharedScale?: number | null;
    /** Table order: by this row's values (0 = total), or input order when null. */
    sortColumn?: number | null;
    sortAscending?: boolean;
}
