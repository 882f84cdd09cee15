/**
 * The explanation view as HTML strings: controls (unit level, shading row), the shaded input,
 * the unit × target-token table, the faithfulness plots and the run's facts. Pure: view + state
 * in, HTML out; the same functions render the report in Node and re-render in the browser.
 */
import type {ExplainState, ExplainView, Fact, LevelData} from "../view-model.js";
import {aggregateValues, escapeHtml, formatNumber, formatSigned, largestMagnitude, shadeClass, shorten, visibleToken} from "./basics.js";
import {renderPlot} from "./plot.js";
import {renderMatrix} from "./value-table.js";

/**
 * Values, standard errors and groups shown for a state, and the colour scales: one for the whole
 * view by default (the largest |value| of every row at this level, or the scale shared with views
 * beside it), or one per column with `state.perColumn`. `scale` shades the text; `columnScales`
 * the table's columns; `ownScale` is this view's own one-scale value (what views beside it share).
 */
export function explainLevelData(view: ExplainView, state: ExplainState): LevelData {
    const level = view.levels[state.level] ?? view.levels[0]!;
    const groupCount = level.groups.length;
    const rows = view.rows.map((row) => aggregateValues(row.values, null, level.unitGroup, groupCount).values);
    const totalErrors =
        view.standardErrors === null ? null : aggregateValues(view.rows[0]!.values, view.standardErrors, level.unitGroup, groupCount).standardErrors;
    const shownRow = view.rows[state.row] === undefined ? 0 : state.row;
    const values = rows[shownRow] ?? rows[0]!;
    const ownScale = Math.max(0, ...rows.map((row) => largestMagnitude(row)));
    const columnScales = state.perColumn === true ? rows.map((row) => largestMagnitude(row)) : rows.map(() => Math.max(ownScale, state.sharedScale ?? 0));
    return {
        values,
        standardErrors: shownRow === 0 ? totalErrors : null,
        totalErrors,
        rows,
        scale: columnScales[shownRow] ?? ownScale,
        columnScales,
        ownScale,
    };
}

export function renderExplainBody(view: ExplainView, state: ExplainState, idPrefix: string): string {
    const foil = view.foilText === null ? "" : ` rather than <code>${escapeHtml(view.foilText)}</code>`;
    const context = (view.context ?? [])
        .map((part) => `<div><dt>${escapeHtml(part.label)}</dt><dd data-role="context-${escapeHtml(part.label)}">${escapeHtml(part.text)}</dd></div>`)
        .join("");
    return (
        `<div class="explain" data-prefix="${escapeHtml(idPrefix)}">` +
        (context === "" ? "" : `<dl class="context">${context}</dl>`) +
        `<p class="target">Why the model answered <code>${escapeHtml(view.targetText)}</code>${foil}</p>` +
        `<section class="panel controls" aria-label="Display">${renderExplainControls(view, state, idPrefix)}</section>` +
        `<div class="explain-main" data-role="main">${renderExplainMain(view, state, idPrefix)}</div>` +
        renderExplainExtras(view) +
        `</div>`
    );
}

export function renderExplainControls(view: ExplainView, state: ExplainState, idPrefix: string): string {
    const levels = view.levels
        .map((level, index) => {
            const id = `${idPrefix}-level-${index}`;
            return (
                `<input type="radio" id="${id}" name="${idPrefix}-level" value="${index}" data-control="level"${index === state.level ? " checked" : ""}>` +
                `<label for="${id}">${escapeHtml(level.kind)} <span class="count">${level.groups.length}</span></label>`
            );
        })
        .join("");
    const rows = view.rows
        .map((row, index) => {
            const id = `${idPrefix}-row-${index}`;
            return (
                `<input type="radio" id="${id}" name="${idPrefix}-row" value="${index}" data-control="row"${index === state.row ? " checked" : ""}>` +
                `<label for="${id}" class="${index === 0 ? "total" : "token"}">${index === 0 ? "all target tokens" : escapeHtml(visibleToken(row.label))}</label>`
            );
        })
        .join("");
    const perColumn =
        view.rows.length > 1
            ? `<label class="switch"><input type="checkbox" id="${idPrefix}-per-column" data-control="per-column"${state.perColumn === true ? " checked" : ""}> each column on its own scale</label>`
            : "";
    return (
        `<fieldset class="segmented"><legend>Unit</legend>${levels}</fieldset>` +
        `<fieldset class="segmented tokens"><legend>Shade by target token</legend>${rows}</fieldset>${perColumn}`
    );
}

/** The input panel and the value table; `withText: false` leaves a slot for a text element kept from before. */
export function renderExplainMain(view: ExplainView, state: ExplainState, idPrefix: string, withText = true): string {
    const data = explainLevelData(view, state);
    const scale = data.scale;
    const detail = `<p class="detail" data-role="detail" aria-live="polite">Hover or focus a unit (arrow keys move between units) to see its value.</p>`;
    return (
        `<section class="panel input-panel" aria-labelledby="${idPrefix}-input-heading"><h2 id="${idPrefix}-input-heading">Input</h2><div data-role="legend">${renderLegend(view, state, scale)}</div>${detail}<div class="tip" data-role="tip" aria-hidden="true" hidden></div>` +
        (withText ? renderShadedSources(view, state.level, data.values, scale) : `<div data-role="text-slot"></div>`) +
        `</section><div data-role="matrix">${renderMatrix(view, state, data, idPrefix)}</div>`
    );
}

/** The colour scale's ends and what is shaded, in words. */
export function renderLegend(view: ExplainView, state: ExplainState, scale: number): string {
    const level = view.levels[state.level] ?? view.levels[0]!;
    const row = view.rows[state.row] ?? view.rows[0]!;
    const heading = state.row === 0 ? "total attribution" : `target token ${escapeHtml(visibleToken(row.label))}`;
    const shared =
        state.perColumn === true
            ? "this column's own scale"
            : (state.sharedScale ?? 0) > 0
              ? "one scale shared by both sides"
              : "one scale for the whole view (every column)";
    const summed =
        state.level > 0 && !view.additive
            ? `<p class="note" role="note" data-role="not-additive">${escapeHtml(view.method)} values are not additive: each ${escapeHtml(level.kind)} value here is the sum of its units' values, not what ${escapeHtml(view.method)} would give the ${escapeHtml(level.kind)} as one unit.</p>`
            : "";
    const rationale =
        (view.rationale ?? null) === null
            ? ""
            : `<p class="scale-words" data-role="rationale-note"><span class="r-key">underlined</span>: the human rationale the plausibility metrics compare with.</p>`;
    return (
        `<div class="scale" aria-hidden="true"><span>−${escapeHtml(formatNumber(scale))}</span><span class="bar"></span><span>+${escapeHtml(formatNumber(scale))}</span></div>` +
        `<p class="scale-words">Blue lowers, orange raises ${escapeHtml(view.valueDescription)}; colour strength grows with √|value| on ${shared} (±${escapeHtml(formatNumber(scale))}). Shown: ${heading}, by ${escapeHtml(level.kind)}.</p>${rationale}${summed}`
    );
}

/** Groups of a level that hold a unit of the human rationale (null without a rationale). */
export function rationaleGroups(view: ExplainView, levelIndex: number): boolean[] | null {
    const mask = view.rationale ?? null;
    if (mask === null) return null;
    const level = view.levels[levelIndex] ?? view.levels[0]!;
    const marked: boolean[] = level.groups.map(() => false);
    level.unitGroup.forEach((group, unit) => {
        if (mask[unit] === 1) marked[group] = true;
    });
    return marked;
}

export function renderShadedSources(view: ExplainView, levelIndex: number, values: readonly (number | null)[], scale: number): string {
    const level = view.levels[levelIndex] ?? view.levels[0]!;
    const marked = rationaleGroups(view, levelIndex);
    const bySource: number[][] = view.sources.map(() => []);
    level.groups.forEach((group, index) => bySource[group.source]?.push(index));
    let first = true;
    const blocks = view.sources.map((source, sourceIndex) => {
        const parts: string[] = [];
        let cursor = 0;
        for (const index of bySource[sourceIndex] ?? []) {
            const group = level.groups[index]!;
            if (group.start > cursor) parts.push(escapeHtml(source.text.slice(cursor, group.start)));
            const start = Math.max(cursor, group.start);
            const value = values[index] ?? null;
            parts.push(
                `<span class="u ${shadeClass(value, scale)}${marked?.[index] === true ? " r" : ""}" data-i="${index}" data-value="${value === null ? "" : String(value)}"${first ? ' tabindex="0"' : ""}>${escapeHtml(source.text.slice(start, group.end))}</span>`,
            );
            first = false;
            cursor = Math.max(cursor, group.end);
        }
        if (cursor < source.text.length) parts.push(escapeHtml(source.text.slice(cursor)));
        const label = view.sources.length > 1 || source.label !== "prompt" ? `<h3>${escapeHtml(source.label)}</h3>` : "";
        // Hairlines between units help at reading scale; on very long inputs they cost paint time.
        const separated = level.groups.length <= 2000 ? " separated" : "";
        return `<div class="source">${label}<div class="text${separated}" data-source="${sourceIndex}">${parts.join("")}</div></div>`;
    });
    return `<div class="sources" data-role="text" role="group" aria-label="Input text, shaded by attribution">${blocks.join("")}</div>`;
}

/** Facts, metrics and plots: they do not change with the state. */
export function renderExplainExtras(view: ExplainView): string {
    const metrics = view.metrics.length === 0 ? "" : `<section class="panel"><h2>Faithfulness</h2>${renderFacts(view.metrics)}</section>`;
    const plots =
        view.plots.length === 0 ? "" : `<section class="panel"><h2>Curves</h2><div class="plots">${view.plots.map(renderPlot).join("")}</div></section>`;
    return metrics + plots + `<section class="panel"><h2>Run</h2>${renderFacts(view.facts)}</section>`;
}

export function renderFacts(facts: readonly Fact[]): string {
    const items = facts
        .map(
            (fact) =>
                `<div><dt>${escapeHtml(fact.label)}</dt><dd>${escapeHtml(fact.value)}${fact.note === "" ? "" : ` <span class="note">${escapeHtml(fact.note)}</span>`}</dd></div>`,
        )
        .join("");
    return `<dl class="facts">${items}</dl>`;
}

/** The text of one unit group and its value, for the detail line. */
export function describeUnit(
    view: ExplainView,
    state: ExplainState,
    group: number,
    values: readonly (number | null)[],
    standardErrors: readonly (number | null)[] | null,
): string {
    const level = view.levels[state.level] ?? view.levels[0]!;
    const place = level.groups[group];
    if (place === undefined) return "";
    const text = view.sources[place.source]?.text.slice(place.start, place.end) ?? "";
    const error = standardErrors?.[group] ?? null;
    const errorText = error === null ? "" : ` ± ${formatNumber(error)} (standard error)`;
    const row = view.rows[state.row];
    const what = state.row === 0 || row === undefined ? "total attribution" : `target token ${visibleToken(row.label)}`;
    return `${level.kind} ${group + 1} of ${level.groups.length}: “${shorten(text, 160)}” — ${formatSigned(values[group] ?? null)}${errorText}, ${what}`;
}
