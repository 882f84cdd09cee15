/**
 * A patching result as one self-contained HTML page: per method, a layer × position heatmap for
 * each component (the positions' clean tokens as column heads, corrupted ones beneath where they
 * differ) and a layer × head grid. Blue is a positive normalised effect (towards clean), red a
 * negative one; the colour saturates at |1|. No script, no external resource.
 */
import {escapeHtml} from "./render/basics.js";

export interface PatchingHeatmapInput {
    title: string;
    metric: string;
    cleanMetric: number;
    corruptedMetric: number;
    tokens: readonly {clean: string; corrupted: string}[];
    tables: readonly {method: string; components: Record<string, readonly (readonly number[])[]>; heads: readonly (readonly number[])[]}[];
}

export function renderPatchingHeatmap(input: PatchingHeatmapInput): string {
    const sections = input.tables.map((table) => {
        const grids = Object.entries(table.components).map(([component, rows]) => grid(`${component} (layer × position)`, rows, positionHeads(input.tokens)));
        const heads = grid(
            "heads (layer × head)",
            table.heads,
            (table.heads[0] ?? []).map((_, head) => escapeHtml(String(head))),
        );
        return `<section><h2>${escapeHtml(table.method)}</h2>${grids.join("")}${heads}</section>`;
    });
    return [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        `<title>${escapeHtml(input.title)}</title>`,
        "<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin:0.4em 0 1.2em}",
        "td,th{border:1px solid #ddd;padding:2px 5px;text-align:right;font-variant-numeric:tabular-nums}th{font-weight:normal;color:#444}",
        ".changed{color:#b00}h3{font-size:1em;margin:0.6em 0 0}</style></head><body>",
        `<h1>${escapeHtml(input.title)}</h1>`,
        `<p>${escapeHtml(input.metric)}: clean ${input.cleanMetric.toFixed(4)}, corrupted ${input.corruptedMetric.toFixed(4)}. Effects normalised as (patched − corrupted) / (clean − corrupted).</p>`,
        ...sections,
        "</body></html>",
    ].join("\n");
}

function positionHeads(tokens: readonly {clean: string; corrupted: string}[]): string[] {
    return tokens.map((token, position) => {
        const changed = token.clean === token.corrupted ? "" : `<br><span class="changed">${escapeHtml(token.corrupted)}</span>`;
        return `${position}<br>${escapeHtml(token.clean)}${changed}`;
    });
}

function grid(caption: string, rows: readonly (readonly number[])[], columnHeads: readonly string[]): string {
    const head = `<tr><th>layer</th>${columnHeads.map((cell) => `<th>${cell}</th>`).join("")}</tr>`;
    const body = rows.map(
        (row, layer) => `<tr><th>${layer}</th>${row.map((value) => `<td style="background:${shade(value)}">${value.toFixed(2)}</td>`).join("")}</tr>`,
    );
    return `<h3>${escapeHtml(caption)}</h3><table>${head}${body.join("")}</table>`;
}

/** White at 0, blue towards +1, red towards −1. */
function shade(value: number): string {
    const strength = Number.isFinite(value) ? Math.min(1, Math.abs(value)) : 0;
    const fade = Math.round(255 * (1 - 0.75 * strength));
    return value >= 0 ? `rgb(${fade},${fade},255)` : `rgb(255,${fade},${fade})`;
}
