/** Results other than explain (score, generate, the checks): facts, tables and curves. */
import type {GenericView, TableView} from "../view-model.js";
import {csvLink, escapeHtml, formatNumber, largestMagnitude, shadeClass} from "./basics.js";
import {renderFacts} from "./explain-html.js";
import {renderPlot} from "./plot.js";

export function renderGenericBody(view: GenericView): string {
    const facts = view.facts.length === 0 ? "" : `<section class="panel"><h2>Summary</h2>${renderFacts(view.facts)}</section>`;
    const plots =
        view.plots.length === 0 ? "" : `<section class="panel"><h2>Curves</h2><div class="plots">${view.plots.map(renderPlot).join("")}</div></section>`;
    const tables = view.tables.map(renderTable).join("");
    return `<div class="generic">${facts}${plots}${tables}</div>`;
}

export function renderTable(table: TableView): string {
    const numeric = table.columns.map(
        (_column, index) => table.rows.length > 0 && table.rows.every((row) => typeof row[index] === "number" || row[index] === null),
    );
    const shaded = table.shadedColumns ?? [];
    const scales = table.columns.map((_column, index) =>
        shaded.includes(index)
            ? largestMagnitude(
                  table.rows.map((row) => {
                      const cell = row[index];
                      return typeof cell === "number" ? cell : null;
                  }),
              )
            : 0,
    );
    const head = table.columns.map((column, index) => `<th scope="col"${numeric[index] === true ? ' class="num"' : ""}>${escapeHtml(column)}</th>`).join("");
    const body = table.rows
        .map(
            (row) =>
                `<tr>${row
                    .map((cell, index) =>
                        typeof cell === "number" || cell === null
                            ? `<td class="num${shaded.includes(index) ? ` ${shadeClass(cell, scales[index] ?? 0)}` : ""}" data-value="${cell === null ? "" : String(cell)}">${escapeHtml(formatNumber(cell))}</td>`
                            : `<td>${escapeHtml(cell)}</td>`,
                    )
                    .join("")}</tr>`,
        )
        .join("");
    const omitted = table.omitted > 0 ? `<p class="hint">${table.omitted} more rows are in the result file.</p>` : "";
    const download = `<p class="exports">${csvLink(table.columns, table.rows, table.caption)}</p>`;
    const note = table.note === undefined || table.note === "" ? "" : `<p class="hint">${escapeHtml(table.note)}</p>`;
    return `<section class="panel"><h2>${escapeHtml(table.caption)}</h2>${note}<div class="table-scroll" tabindex="0" role="region" aria-label="${escapeHtml(table.caption)}"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${omitted}${download}</section>`;
}
