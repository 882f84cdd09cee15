/**
 * What a run's page and the runs list show of a stored summary: every number and word in it,
 * nested fields included (`mean.spearman`, `earlyAnswering.areaOverCurve`, one condition of a
 * list), and one headline number per kind of run.
 */
import {formatNumber} from "./render/basics.js";
import type {Fact} from "./view-model.js";

const factLimit = 80;

/** Facts of every scalar in a summary, nested objects by dotted path; lists of records by their name or position. */
export function summaryFacts(summary: unknown): Fact[] {
    const facts: Fact[] = [];
    const visit = (value: unknown, path: string, depth: number): void => {
        if (facts.length >= factLimit) return;
        if (typeof value === "number" || value === null) {
            if (path !== "") facts.push({label: path, value: formatNumber(value), note: "summary"});
        } else if (typeof value === "string" || typeof value === "boolean") {
            if (path !== "") facts.push({label: path, value: typeof value === "boolean" ? (value ? "yes" : "no") : value.slice(0, 200), note: "summary"});
        } else if (Array.isArray(value)) {
            // Curves and per-problem lists stay on the items' pages; short lists of records (conditions) are shown.
            if (depth > 2 || value.length > 8 || !value.every(isRecord)) return;
            value.forEach((entry, index) => visit(entry, `${path}[${recordName(entry, index)}]`, depth + 1));
        } else if (isRecord(value) && depth <= 3) {
            for (const [key, inner] of Object.entries(value)) visit(inner, path === "" ? key : `${path}.${key}`, depth + 1);
        }
    };
    visit(summary, "", 0);
    return facts;
}

/** Where each kind of run keeps its headline number, and its name. */
const headlines: Record<string, [string, string][]> = {
    "check self-explanation": [["faithfulRate", "faithful"]],
    "check counterfactual": [["unfaithfulness", "unfaithfulness"]],
    "refine": [["unfaithfulness", "unfaithfulness"]],
    "check cot": [["earlyAnswering.areaOverCurve", "early-answering AOC"]],
    "check bias": [["0.accuracyDrop", "accuracy drop"]],
    "amplify": [["accuracyWith", "accuracy with"]],
    "analyze subthoughts": [["modeAccuracy", "mode accuracy"]],
    "analyze confidence": [["direct.ece", "ECE (direct)"]],
    "compare": [
        ["deltaSe", "ΔSE"],
        ["support.sds", "SDS"],
    ],
    "explain": [
        ["metrics.comprehensivenessAopc", "comprehensiveness"],
        ["topUnit.value", "top unit"],
    ],
};

/** The one number that says most about a run of this kind, or null when its summary has none. */
export function runHeadline(command: string, summary: unknown): Fact | null {
    for (const [path, label] of headlines[command] ?? []) {
        const value = path
            .split(".")
            .reduce<unknown>((inner, key) => (Array.isArray(inner) ? inner[Number(key)] : isRecord(inner) ? inner[key] : undefined), summary);
        if (typeof value !== "number") continue;
        const note =
            command === "explain" && path === "topUnit.value" && isRecord(summary) && isRecord(summary.topUnit) ? String(summary.topUnit.text ?? "") : "";
        return {label, value: formatNumber(value), note: note.trim()};
    }
    return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function recordName(record: Record<string, unknown>, index: number): string {
    const parts = ["kind", "label", "name", "id"].map((key) => record[key]).filter((value) => typeof value === "string");
    if (typeof record.cot === "boolean") parts.push(record.cot ? "cot" : "direct");
    return parts.length === 0 ? String(index) : parts.join(" ");
}
