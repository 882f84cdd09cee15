/** Browser entry of a self-contained report: the body is pre-rendered; wire up the explain view. */
import type {PageView} from "../view-model.js";
import {startExplainView, type ExplainController, type PageElement} from "./client-explain.js";

export interface ReportDocument {
    getElementById(id: string): PageElement | null;
}

export function startReportPage(doc: ReportDocument): ExplainController | null {
    const data = doc.getElementById("gb-data");
    const root = doc.getElementById("gb-root");
    if (data === null || root === null) return null;
    const view = JSON.parse(data.textContent ?? "null") as PageView | null;
    if (view === null || view.type !== "explain") return null;
    return startExplainView(root, view, "r");
}
