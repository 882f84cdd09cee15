/** A check item's evidence as HTML: its verdict, then its sections in order (facts, tables, texts, lists, plots). */
import type {EvidenceSection, EvidenceText, EvidenceView} from "../view-model.js";
import {escapeHtml} from "./basics.js";
import {renderFacts} from "./explain-html.js";
import {renderTable} from "./generic-html.js";
import {renderPlot} from "./plot.js";

export function renderEvidenceBody(view: EvidenceView): string {
    const verdict = `<p class="verdict" data-role="verdict">${escapeHtml(view.verdict)}</p>`;
    return `<div class="evidence">${verdict}${view.sections.map(renderEvidenceSection).join("")}</div>`;
}

export function renderEvidenceSection(section: EvidenceSection): string {
    switch (section.kind) {
        case "facts":
            return section.facts.length === 0 ? "" : `<section class="panel"><h2>${escapeHtml(section.title)}</h2>${renderFacts(section.facts)}</section>`;
        case "table":
            return renderTable(section.table);
        case "texts":
            return `<section class="panel"><h2>${escapeHtml(section.title)}</h2>${section.texts.map(renderEvidenceText).join("")}</section>`;
        case "list": {
            const tag = section.ordered ? "ol" : "ul";
            return `<section class="panel"><h2>${escapeHtml(section.title)}</h2><${tag} class="steps">${section.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</${tag}></section>`;
        }
        case "plots":
            return section.plots.length === 0
                ? ""
                : `<section class="panel"><h2>${escapeHtml(section.title)}</h2><div class="plots">${section.plots.map(renderPlot).join("")}</div></section>`;
    }
}

/** A text with every occurrence of its marks (case-insensitive) in <mark>. */
export function renderEvidenceText(entry: EvidenceText): string {
    const marks = entry.marks.filter((mark) => mark.trim() !== "").map((mark) => mark.toLowerCase());
    const lower = entry.text.toLowerCase();
    const parts: string[] = [];
    let cursor = 0;
    while (marks.length > 0 && cursor < entry.text.length) {
        let found = -1;
        let length = 0;
        for (const mark of marks) {
            const at = lower.indexOf(mark, cursor);
            if (at >= 0 && (found < 0 || at < found)) {
                found = at;
                length = mark.length;
            }
        }
        if (found < 0) break;
        parts.push(escapeHtml(entry.text.slice(cursor, found)), `<mark>${escapeHtml(entry.text.slice(found, found + length))}</mark>`);
        cursor = found + length;
    }
    parts.push(escapeHtml(entry.text.slice(cursor)));
    const note = entry.note === "" ? "" : `<p class="hint">${escapeHtml(entry.note)}</p>`;
    return `<figure class="said"><figcaption>${escapeHtml(entry.label)}</figcaption><blockquote>${parts.join("")}</blockquote>${note}</figure>`;
}
