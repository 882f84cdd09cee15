/**
 * Whole HTML documents: the self-contained report (result embedded as JSON, body pre-rendered,
 * script and styles inline: it opens from disk with no network) and the view app's shell.
 */
import {appScript, reportScript} from "./client-bundle.js";
import {buildExplainView} from "./explain-view.js";
import {buildEvidenceView} from "./evidence/index.js";
import {buildGenericView} from "./generic-view.js";
import {renderEvidenceBody} from "./render/evidence-html.js";
import {escapeHtml} from "./render/basics.js";
import {renderExplainBody} from "./render/explain-html.js";
import {renderGenericBody} from "./render/generic-html.js";
import type {ViewableResult} from "./result-file.js";
import {viewerStyles} from "./styles.js";
import type {PageView} from "./view-model.js";

export function buildPageView(viewable: ViewableResult, title: string): PageView {
    if (viewable.kind === "explain") return buildExplainView(viewable.result, title);
    return buildEvidenceView(viewable.resultKind, viewable.result, title) ?? buildGenericView(viewable.resultKind, viewable.result, title);
}

/** The body of any view, as first drawn. */
export function renderViewBody(view: PageView, idPrefix: string): string {
    if (view.type === "explain") return renderExplainBody(view, {level: 0, row: 0}, idPrefix);
    return view.type === "evidence" ? renderEvidenceBody(view) : renderGenericBody(view);
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
    return JSON.stringify(value)
        .replace(/</g, "\\u003c")
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");
}

function documentShell(title: string, header: string, body: string, script: string): string {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>${escapeHtml(title)}</title>
<style>${viewerStyles}</style>
</head>
<body>
<a class="skip" href="#gb-root">Skip to content</a>
${header}
<main id="gb-root" tabindex="-1">${body}</main>
${script}
</body>
</html>
`;
}

/** One self-contained HTML report for a result. */
export function renderReportHtml(view: PageView): string {
    const kindLabel = view.type === "explain" ? "explanation" : `${view.resultKind} result`;
    const header = `<header class="top"><span class="brand">glassbox</span><h1>${escapeHtml(view.title)}</h1><span class="muted">${escapeHtml(kindLabel)}</span></header>`;
    const body = renderViewBody(view, "r");
    const script = `<script type="application/json" id="gb-data">${scriptJson(view)}</script>\n<script>${reportScript()}</script>`;
    return documentShell(`${view.title} · glassbox`, header, body, script);
}

/** The view app's single page; content comes from the JSON API. */
export function renderAppHtml(storeLabel: string): string {
    const header = `<header class="top"><a class="brand" href="#/runs">glassbox view</a><h1 id="gb-title">Runs</h1><nav aria-label="Main"><a href="#/runs">Runs</a></nav><span class="muted">${escapeHtml(storeLabel)}</span></header>`;
    return documentShell("glassbox view", header, `<p class="muted">Loading…</p>`, `<script>${appScript()}</script>`);
}
