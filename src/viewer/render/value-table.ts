/**
 * The values of an explanation as a table (units × total and target tokens) and as a top-k list.
 * The table sorts by any column, keeps the unit column in view while scrolling sideways, shows the
 * standard errors of the total as a column, and shades every column on the view's one scale (or
 * each on its own). Above 400 units only the top-k list is drawn.
 */
import type {ExplainState, ExplainView, LevelData} from "../view-model.js";
import {csvLink, escapeHtml, formatNumber, formatSigned, shadeClass, shorten, visibleToken} from "./basics.js";

/** Group indices in table order: input order, or by one column's values (nulls last). */
export function tableOrder(rows: readonly (number | null)[][], groupCount: number, column: number | null | undefined, ascending: boolean): number[] {
    const order = Array.from({length: groupCount}, (_unused, index) => index);
    const values = column === null || column === undefined || column < 0 ? undefined : rows[column];
    if (values === undefined) return order;
    return order.sort((a, b) => {
        const left = values[a] ?? null;
        const right = values[b] ?? null;
        if (left === null || right === null) return left === null ? (right === null ? a - b : 1) : -1;
        return left === right ? a - b : ascending ? left - right : right - left;
    });
}

/** The k units with the largest |value| of the shown row, largest first. */
export function topUnits(values: readonly (number | null)[], k: number): number[] {
    return values
        .map((value, index) => ({value, index}))
        .filter((entry): entry is {value: number; index: number} => entry.value !== null && Number.isFinite(entry.value))
        .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.index - b.index)
        .slice(0, k)
        .map((entry) => entry.index);
}

export function renderTopUnits(view: ExplainView, state: ExplainState, data: LevelData): string {
    const level = view.levels[state.level] ?? view.levels[0]!;
    const top = topUnits(data.values, 10);
    const row = view.rows[state.row] ?? view.rows[0]!;
    const what = state.row === 0 ? "total" : `target token ${escapeHtml(visibleToken(row.label))}`;
    const items = top
        .map((group) => {
            const place = level.groups[group]!;
            const text = view.sources[place.source]?.text.slice(place.start, place.end) ?? "";
            const value = data.values[group] ?? null;
            return `<li data-i="${group}"><span class="chip ${shadeClass(value, data.scale)}">${escapeHtml(shorten(text, 60))}</span> <span class="num">${escapeHtml(formatSigned(value))}</span> <span class="index">${escapeHtml(level.kind)} ${group + 1}</span></li>`;
        })
        .join("");
    return `<div class="topk"><h3>Top ${top.length} of ${level.groups.length} ${escapeHtml(level.kind)} units by |value| (${what})</h3><ol data-role="topk">${items}</ol></div>`;
}

/** Units × (total, target tokens): every value as a number; sortable, the unit column sticky. */
export function renderMatrix(view: ExplainView, state: ExplainState, data: LevelData, idPrefix: string): string {
    const level = view.levels[state.level] ?? view.levels[0]!;
    const limit = 400;
    const groupCount = level.groups.length;
    const title = view.rows.length > 1 ? "Values by unit and target token" : "Values by unit";
    const top = renderTopUnits(view, state, data);
    if (groupCount > limit) {
        return `<section class="panel" aria-labelledby="${idPrefix}-matrix-heading"><h2 id="${idPrefix}-matrix-heading">Values</h2>${top}<p class="hint">${groupCount} ${escapeHtml(level.kind)} units: choose a coarser unit to list every value in a table.</p></section>`;
    }
    const sortColumn = state.sortColumn ?? null;
    const ascending = state.sortAscending === true;
    const sortState = (column: number): string =>
        sortColumn === column || (sortColumn === null && column < 0) ? ` aria-sort="${column < 0 ? "none" : ascending ? "ascending" : "descending"}"` : "";
    const sortButton = (column: number, name: string): string => {
        const active = sortColumn === column;
        const arrow = column < 0 ? "↺" : active ? (ascending ? "▲" : "▼") : "⇅";
        const label = column < 0 ? "Input order" : `Sort by ${name}${active ? (ascending ? ", largest first" : ", smallest first") : ", largest first"}`;
        return `<button type="button" class="sort" data-control="sort" data-column="${column}" aria-label="${escapeHtml(label)}" title="${escapeHtml(label)}">${arrow}</button>`;
    };
    const errorColumn = data.totalErrors !== null;
    const header = view.rows
        .map((row, index) => {
            const name = index === 0 ? "total" : visibleToken(row.label);
            const shade = `<button type="button" data-control="row" data-row="${index}" aria-pressed="${index === state.row}">${escapeHtml(name)}</button>`;
            const cell = `<th scope="col" class="num${index === state.row ? " selected" : ""}"${sortState(index)}>${shade}${sortButton(index, name)}</th>`;
            return index === 0 && errorColumn ? `${cell}<th scope="col" class="num se">± s.e.</th>` : cell;
        })
        .join("");
    const body: string[] = [];
    for (const group of tableOrder(data.rows, groupCount, sortColumn, ascending)) {
        const place = level.groups[group]!;
        const text = view.sources[place.source]?.text.slice(place.start, place.end) ?? "";
        const cells = data.rows
            .map((row, index) => {
                const value = row[group] ?? null;
                const cell = `<td class="num ${shadeClass(value, data.columnScales[index] ?? 0)}${index === state.row ? " selected" : ""}" data-value="${value === null ? "" : String(value)}">${escapeHtml(formatSigned(value))}</td>`;
                const error = data.totalErrors?.[group] ?? null;
                return index === 0 && errorColumn ? `${cell}<td class="num se">${escapeHtml(formatNumber(error))}</td>` : cell;
            })
            .join("");
        body.push(`<tr data-i="${group}"><th scope="row"><span class="index">${group + 1}</span> ${escapeHtml(shorten(text, 80))}</th>${cells}</tr>`);
    }
    const csvColumns = [
        level.kind,
        ...view.rows.flatMap((row, index) => (index === 0 ? (errorColumn ? ["total", "standard error"] : ["total"]) : [row.label])),
    ];
    const csvRows = level.groups.map((place, group) => [
        view.sources[place.source]?.text.slice(place.start, place.end) ?? "",
        ...data.rows.flatMap((row, index) => (index === 0 && errorColumn ? [row[group] ?? null, data.totalErrors?.[group] ?? null] : [row[group] ?? null])),
    ]);
    const scaleWords =
        state.perColumn === true
            ? "Each column is shaded on its own scale."
            : `Every column is shaded on one scale (±${escapeHtml(formatNumber(data.columnScales[0] ?? 0))}), so equal values have equal colours.`;
    return (
        `<section class="panel" aria-labelledby="${idPrefix}-matrix-heading"><h2 id="${idPrefix}-matrix-heading">${title}</h2>${top}` +
        `<p class="hint">${scaleWords} Choose a target token column to shade the input by it; ⇅ sorts by a column.</p>` +
        `<div class="table-scroll" tabindex="0" role="region" aria-label="${title}"><table class="matrix"><thead><tr><th scope="col"${sortState(-1)}>${escapeHtml(level.kind)} ${sortButton(-1, level.kind)}</th>${header}</tr></thead><tbody>${body.join("")}</tbody></table></div><p class="exports">${csvLink(csvColumns, csvRows, `values by ${level.kind}`)}</p></section>`
    );
}
