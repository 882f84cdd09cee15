/**
 * Browser side of `glassbox view`: hash routes over the JSON API (docs/viewer-api.md).
 *   #/runs?kind=&model=&method=&q=   runs with filters
 *   #/runs/RUN                        one run: summary and items
 *   #/runs/RUN/items/ITEM             one item's explanation
 *   #/compare?a=RUN[/ITEM]&b=RUN[/ITEM] two explanations side by side, with their agreement
 */
import type {Fact, ItemRow, PageView, PlotSpec, RunRecord} from "../view-model.js";
import {escapeHtml, formatNumber, formatTime} from "./basics.js";
import {startExplainView, type ExplainController, type ExplainViewOptions, type PageElement, type PageEvent} from "./client-explain.js";
import {explainLevelData, renderExplainBody, renderFacts} from "./explain-html.js";
import {renderEvidenceBody} from "./evidence-html.js";
import {renderGenericBody} from "./generic-html.js";
import {renderPlot} from "./plot.js";

export interface AppDocument {
    getElementById(id: string): PageElement | null;
    title: string;
}

export interface AppWindow {
    location: {hash: string};
    addEventListener(type: string, listener: () => void): void;
    fetch(url: string): Promise<{ok: boolean; status: number; json(): Promise<unknown>}>;
}

export function startViewerApp(doc: AppDocument, win: AppWindow): void {
    const main = doc.getElementById("gb-root") as PageElement;
    const heading = doc.getElementById("gb-title");
    let generation = 0;

    const getJson = async (url: string): Promise<Record<string, unknown>> => {
        const response = await win.fetch(url);
        const body = (await response.json()) as Record<string, unknown>;
        if (!response.ok) {
            const error = body.error as {message?: string} | undefined;
            throw new Error(error?.message ?? `HTTP ${response.status}`);
        }
        return body;
    };
    const setTitle = (text: string): void => {
        doc.title = `${text} · glassbox view`;
        if (heading !== null) heading.textContent = text;
    };
    const showError = (error: unknown): void => {
        const message = error instanceof Error ? error.message : String(error);
        setTitle(/^no (run|page|item)|has no item/.test(message) ? "Not found" : "Something went wrong");
        main.innerHTML = `<p class="error" role="alert">${escapeHtml(error instanceof Error ? error.message : String(error))}</p><p><a href="#/runs">Back to the runs</a></p>`;
    };
    const resultBody = (view: PageView, prefix: string, sharedScale: number | null = null): string =>
        view.type === "explain"
            ? renderExplainBody(view, {level: 0, row: 0, sharedScale}, prefix)
            : view.type === "evidence"
              ? renderEvidenceBody(view)
              : renderGenericBody(view);
    const wire = (container: PageElement | null, view: PageView, prefix: string, options: ExplainViewOptions = {}): ExplainController | null =>
        container !== null && view.type === "explain" ? startExplainView(container, view, prefix, options) : null;
    const runLink = (id: string): string => `#/runs/${encodeURIComponent(id)}`;

    const showRuns = async (query: string, token: number): Promise<void> => {
        const params = new URLSearchParams(query);
        const body = await getJson(`/api/runs?${params.toString()}`);
        if (token !== generation) return;
        const runs = body.runs as RunRecord[];
        const kinds = body.kinds as string[];
        setTitle("Runs");
        const option = (value: string, selected: string | null): string =>
            `<option value="${escapeHtml(value)}"${value === (selected ?? "") ? " selected" : ""}>${value === "" ? "any" : escapeHtml(value)}</option>`;
        const field = (name: string, label: string): string =>
            `<label>${label}<input name="${name}" value="${escapeHtml(params.get(name) ?? "")}" autocomplete="off"></label>`;
        const filters =
            `<form class="filters" data-role="filters" aria-label="Filter runs"><label>kind<select name="kind">${["", ...kinds].map((kind) => option(kind, params.get("kind"))).join("")}</select></label>` +
            `${field("model", "model")}${field("method", "method")}${field("q", "text")}<button type="submit">Filter</button></form>`;
        const rows = runs
            .map(
                (run) =>
                    `<tr><td><input type="checkbox" data-role="pick" value="${escapeHtml(run.id)}" aria-label="Choose run ${escapeHtml(run.id)} to compare"></td>` +
                    `<th scope="row"><a href="${runLink(run.id)}">${escapeHtml(run.label)}</a></th><td>${escapeHtml(run.kind)}</td><td>${escapeHtml(run.status ?? "")}</td>` +
                    `<td data-role="headline">${run.headline === undefined || run.headline === null ? "" : `${escapeHtml(run.headline.label)} <strong class="num">${escapeHtml(run.headline.value)}</strong>${run.headline.note === "" ? "" : ` <span class="muted">${escapeHtml(run.headline.note)}</span>`}`}</td>` +
                    `<td>${escapeHtml(run.model ?? "")}</td><td>${escapeHtml(run.method ?? "")}</td><td class="num">${run.itemCount}</td><td><time datetime="${escapeHtml(run.createdAt)}">${escapeHtml(formatTime(run.createdAt))}</time></td></tr>`,
            )
            .join("");
        const table =
            runs.length === 0
                ? `<p class="muted">No runs match.</p>`
                : `<div class="table-scroll" tabindex="0" role="region" aria-label="Runs"><table><thead><tr><th scope="col"><span class="muted">pick</span></th><th scope="col">run</th><th scope="col">kind</th><th scope="col">status</th><th scope="col">headline</th><th scope="col">model</th><th scope="col">method</th><th scope="col">items</th><th scope="col">created</th></tr></thead><tbody>${rows}</tbody></table></div>` +
                  `<p><button type="button" data-role="compare">Compare the two picked runs</button> <span class="muted" data-role="compare-note"></span></p>`;
        main.innerHTML = `<section class="panel"><h2>Filter</h2>${filters}</section><section class="panel"><h2>${runs.length} run${runs.length === 1 ? "" : "s"}</h2>${table}</section>`;
        const form = main.querySelector('[data-role="filters"]');
        form?.addEventListener("submit", (event: PageEvent) => {
            event.preventDefault();
            const next = new URLSearchParams();
            for (const name of ["kind", "model", "method", "q"]) {
                const input = main.querySelector(`[name="${name}"]`);
                if (input !== null && (input.value ?? "") !== "") next.set(name, input.value ?? "");
            }
            win.location.hash = `#/runs?${next.toString()}`;
        });
        main.querySelector('[data-role="compare"]')?.addEventListener("click", () => {
            const picked = Array.from(main.querySelectorAll('[data-role="pick"]'))
                .filter((box) => box.checked === true)
                .map((box) => box.value ?? "");
            const note = main.querySelector('[data-role="compare-note"]');
            if (picked.length !== 2) {
                if (note !== null) note.textContent = `Pick exactly two runs (picked ${picked.length}).`;
                return;
            }
            win.location.hash = `#/compare?a=${encodeURIComponent(picked[0]!)}&b=${encodeURIComponent(picked[1]!)}`;
        });
    };

    const showRun = async (runId: string, token: number): Promise<void> => {
        const [runBody, itemsBody] = await Promise.all([
            getJson(`/api/runs/${encodeURIComponent(runId)}`),
            getJson(`/api/runs/${encodeURIComponent(runId)}/items`),
        ]);
        if (token !== generation) return;
        const run = runBody.run as RunRecord;
        const items = itemsBody.items as ItemRow[];
        setTitle(`Run ${run.label}`);
        const cell = (text: string | undefined): string => (text === undefined ? `<td class="muted">not stored</td>` : `<td>${escapeHtml(text)}</td>`);
        const rows = items
            .map(
                (item) =>
                    `<tr><th scope="row"><a href="${runLink(runId)}/items/${encodeURIComponent(item.id)}">${escapeHtml(item.id)}</a></th><td>${escapeHtml(item.status ?? "")}</td>${cell(item.input)}${cell(item.output)}<td>${escapeHtml(item.verdict ?? "")}</td></tr>`,
            )
            .join("");
        main.innerHTML =
            `<p><a href="#/runs">← All runs</a></p><section class="panel"><h2>Summary</h2>${renderFacts(run.facts)}</section>` +
            `<section class="panel"><h2>${items.length} item${items.length === 1 ? "" : "s"}</h2><div class="table-scroll" tabindex="0" role="region" aria-label="Items"><table><thead><tr><th scope="col">item</th><th scope="col">status</th><th scope="col">input</th><th scope="col">output</th><th scope="col">verdict</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
    };

    const showItem = async (runId: string, itemId: string, token: number): Promise<void> => {
        const body = await getJson(`/api/runs/${encodeURIComponent(runId)}/items/${encodeURIComponent(itemId)}`);
        if (token !== generation) return;
        const view = body.view as PageView;
        setTitle(view.title);
        main.innerHTML = `<p><a href="${runLink(runId)}">← Run ${escapeHtml(runId)}</a></p><div data-role="result">${resultBody(view, "a")}</div>`;
        wire(main.querySelector('[data-role="result"]'), view, "a");
    };

    const showCompare = async (query: string, token: number): Promise<void> => {
        const params = new URLSearchParams(query);
        const body = await getJson(`/api/compare?a=${encodeURIComponent(params.get("a") ?? "")}&b=${encodeURIComponent(params.get("b") ?? "")}`);
        if (token !== generation) return;
        const sides = [body.a, body.b] as {ref: string; view: PageView}[];
        const agreement = body.agreement as Record<string, number> | null;
        setTitle("Side by side");
        const facts: Fact[] =
            agreement === null
                ? []
                : [
                      {label: "Spearman", value: formatNumber(agreement.spearman ?? null), note: "rank correlation, all units"},
                      {
                          label: `top-${agreement.k} feature agreement`,
                          value: formatNumber(agreement.featureAgreement ?? null),
                          note: "share of top units in common",
                      },
                      {label: "sign agreement", value: formatNumber(agreement.signAgreement ?? null), note: "top units with the same sign"},
                      {label: "rank agreement", value: formatNumber(agreement.rankAgreement ?? null), note: "same unit at the same rank"},
                      {label: "pairwise rank agreement", value: formatNumber(agreement.pairwiseRankAgreement ?? null), note: "unit pairs ordered alike"},
                      {label: "IoU", value: formatNumber(agreement.iou ?? null), note: "of the top units"},
                  ];
        const note = typeof body.note === "string" ? `<p class="muted">${escapeHtml(body.note)}</p>` : "";
        const plot = body.plot === undefined ? "" : `<div class="plots single">${renderPlot(body.plot as PlotSpec)}</div>`;
        // Both sides on one colour scale: the larger of their own, kept equal as either side changes.
        const bothExplain = sides.every((side) => side.view.type === "explain");
        const shared = bothExplain
            ? Math.max(...sides.map((side) => (side.view.type === "explain" ? explainLevelData(side.view, {level: 0, row: 0}).ownScale : 0)))
            : null;
        const columns = sides
            .map(
                (side, index) =>
                    `<div><h2 class="side">${index === 0 ? "A" : "B"}: <a href="#/runs/${side.ref.split("/").map(encodeURIComponent).join("/items/")}">${escapeHtml(side.view.title)}</a></h2><div data-role="side-${index}">${resultBody(side.view, index === 0 ? "a" : "b", shared)}</div></div>`,
            )
            .join("");
        main.innerHTML = `<p><a href="#/runs">← All runs</a></p><section class="panel"><h2>Agreement</h2>${facts.length === 0 ? "" : renderFacts(facts)}${note}${plot}</section><div class="compare">${columns}</div>`;
        const controllers: ExplainController[] = [];
        const share = (): void => {
            const scale = Math.max(...controllers.map((controller) => controller.ownScale()));
            for (const controller of controllers) controller.setSharedScale(scale);
        };
        sides.forEach((side, index) => {
            const controller = wire(main.querySelector(`[data-role="side-${index}"]`), side.view, index === 0 ? "a" : "b", {
                sharedScale: shared,
                ...(bothExplain ? {onScale: share} : {}),
            });
            if (controller !== null) controllers.push(controller);
        });
    };

    const route = (): void => {
        generation += 1;
        const token = generation;
        const hash = win.location.hash.replace(/^#/, "") || "/runs";
        const [path = "", query = ""] = hash.split("?");
        const parts = path
            .split("/")
            .filter((part) => part !== "")
            .map(decodeURIComponent);
        let work: Promise<void>;
        if (parts[0] === "runs" && parts.length === 1) work = showRuns(query, token);
        else if (parts[0] === "runs" && parts.length === 2) work = showRun(parts[1]!, token);
        else if (parts[0] === "runs" && parts.length === 4 && parts[2] === "items") work = showItem(parts[1]!, parts[3]!, token);
        else if (parts[0] === "compare") work = showCompare(query, token);
        else work = Promise.reject(new Error(`no page at #${hash}`));
        // data-loaded names the route once its page is drawn (or its error shown).
        main.setAttribute("data-loaded", "");
        work.catch(showError).then(() => {
            if (token === generation) main.setAttribute("data-loaded", hash);
        });
    };
    win.addEventListener("hashchange", route);
    route();
}
