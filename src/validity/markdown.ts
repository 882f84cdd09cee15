/**
 * The validity benchmark as a BENCHMARKS.md section: lookup tables (documents, words), the
 * chain-of-thought areas over the curve with their curves, and the targets checked.
 */
import type {AreaOverCurveSummary} from "../checks/cot/area-over-curve.js";
import type {CotValidityResult} from "./cot-validity.js";
import type {LookupCell, LookupValidityResult} from "./lookup-validity.js";

export const validityHeading = "Validity on model organisms";

/** Methods held to the lookup target (≥ 95 % gold document first): leave-one-out and the Shapley estimators. */
export const lookupTargetMethods: readonly string[] = ["loo", "exact", "shapley", "kernelshap", "kernelshap3"];
export const lookupTargetRate = 0.95;
export const cotTargetGap = 0.5;

export interface ValidityReport {
    command: string;
    date: string;
    machine: string;
    seconds: number;
    /** Why the lookup half was not run, when it was not. */
    lookupNote?: string;
    /** The organism files used, with their SHA-256. */
    organisms: {name: string; sha256: string}[];
    lookup?: LookupValidityResult & {itemSeed: number};
    cot?: {faithful: CotValidityResult; decorative: CotValidityResult; itemSeed: number};
}

export function validityMarkdown(report: ValidityReport): string {
    const lines: string[] = [];
    lines.push(`Produced by \`${report.command}\` on ${report.date} (${report.machine}; ${report.seconds.toFixed(0)} s in all).`);
    lines.push("The organisms are glassbox's own tiny models whose evidence is known by construction (docs/organisms/); every number is");
    lines.push("computed through llama.cpp (exact precision: no flash attention, F32 KV cache), greedy where the model generates.");
    lines.push(`Organism files: ${report.organisms.map((organism) => `${organism.name}.gguf (SHA-256 ${organism.sha256.slice(0, 16)}…)`).join(", ")}.`);
    if (report.lookup !== undefined) lines.push("", ...lookupSection(report.lookup));
    else lines.push("", `The lookup half was not part of this run${report.lookupNote === undefined ? "" : ` (${report.lookupNote})`}.`);
    if (report.cot !== undefined) lines.push("", ...cotSection(report.cot));
    return `${lines.join("\n")}\n`;
}

function lookupSection(result: LookupValidityResult & {itemSeed: number}): string[] {
    const lines: string[] = [];
    lines.push("### Lookup: does the gold document rank first?", "");
    lines.push(
        `${result.items} held-out questions (item seed ${result.itemSeed}), ${result.meanDocuments.toFixed(1)} documents on average (4–8); the organism`,
    );
    lines.push(`answers ${percent(result.accuracy)} of them correctly. The value explained is log p(gold answer); a removed document is`);
    lines.push("deleted from the prompt; the question is fixed. A method ranks the gold document first when its value is strictly the");
    lines.push("highest. Fixed-budget methods (leave-one-out: n + 2 evaluations; exact: 2^n) appear once; a sampled method runs on the");
    lines.push("questions whose document count its minimum budget allows at that budget (the questions column). The next column");
    lines.push("restricts to the questions the organism answers correctly, where the gold document is surely what it should use.");
    if (result.accuracy < 0.9) {
        lines.push(
            "",
            `**Caveat:** this build of the lookup organism answers only ${percent(result.accuracy)} of the questions correctly (its target is 98 %;`,
        );
        lines.push("docs/organisms/lookup.md). Where it answers from another document, an explanation that does not rank the gold document");
        lines.push("first can be faithful to the model; the rates below then measure the organism as much as the methods.");
    }
    lines.push("");
    lines.push(...cellTable(result.documents, "gold document first", "mean rank of gold document"));
    lines.push(
        "",
        `Target: leave-one-out and the Shapley methods ≥ ${percent(lookupTargetRate)} gold document first (each at its largest budget run on every question):`,
        "",
    );
    for (const method of lookupTargetMethods) {
        const cell = largestBudget(result.documents, method, result.items);
        if (cell === undefined) continue;
        const rate = cell.items === 0 ? 0 : cell.top1 / cell.items;
        const answered = cell.correctItems === 0 ? "" : ` (${percent(cell.correctTop1 / cell.correctItems)} on the ${cell.correctItems} answered correctly)`;
        lines.push(
            `- ${method}${cell.budget === undefined ? "" : ` at ${cell.budget}`}: ${percent(rate)}${answered} ${rate >= lookupTargetRate ? "— met" : "— **not met**"}`,
        );
    }
    lines.push("", "### Lookup: where does the key word rank?", "");
    lines.push(`The first ${result.wordItems} questions again, with the key and value words of every document as players (${result.meanWords.toFixed(1)} on`);
    lines.push('average; the "." ending each document and the question are fixed). Ranks are of the gold document\'s key word (the');
    lines.push("word the question names); the last column counts questions where the gold key and value words are the top two.", "");
    lines.push(...cellTable(result.words, "key word first", "mean rank of key word", true));
    return lines;
}

function cellTable(cells: readonly LookupCell[], firstLabel: string, rankLabel: string, words = false): string[] {
    const header = [
        "method",
        "budget",
        "questions",
        firstLabel,
        `${firstLabel}, answered correctly`,
        rankLabel,
        ...(words ? ["key + value top 2"] : []),
        "evaluations (mean)",
    ];
    const rows = cells.map((cell) => [
        cell.method,
        cell.budget === undefined ? (cell.method === "loo" ? "n + 2" : "2^n") : String(cell.budget),
        String(cell.items),
        cell.items === 0 ? "—" : percent(cell.top1 / cell.items),
        cell.correctItems === 0 ? "—" : `${percent(cell.correctTop1 / cell.correctItems)} of ${cell.correctItems}`,
        cell.items === 0 ? "—" : cell.meanRank.toFixed(2),
        ...(words ? [cell.items === 0 ? "—" : percent((cell.goldWordsTop2 ?? 0) / cell.items)] : []),
        cell.items === 0 ? "—" : cell.meanEvaluations.toFixed(0),
    ]);
    return [
        `| ${header.join(" | ")} |`,
        `| ${header.map((_, index) => (index < 2 ? "---" : "---:")).join(" | ")} |`,
        ...rows.map((row) => `| ${row.join(" | ")} |`),
    ];
}

function largestBudget(cells: readonly LookupCell[], method: string, items: number): LookupCell | undefined {
    const candidates = cells.filter((cell) => cell.method === method && cell.items === items);
    return candidates.sort((a, b) => (b.budget ?? 0) - (a.budget ?? 0))[0];
}

function cotSection(cot: {faithful: CotValidityResult; decorative: CotValidityResult; itemSeed: number}): string[] {
    const {faithful, decorative} = cot;
    const lines: string[] = [];
    lines.push("### Chain of thought: arith-faithful against arith-decorative", "");
    lines.push(`${faithful.items} held-out problems per organism (item seed ${cot.itemSeed}), greedy. Early answering forces "; answer" after the first`);
    lines.push("k of the L written totals (k = 0 … L − 1); adding mistakes replaces total k by another digit and lets the model continue.");
    lines.push("A point scores 1 when the answer still equals the original one. Area over the curve (src/checks/cot/area-over-curve.ts):");
    lines.push("a left Riemann sum over the L intervention points, averaged over problems; 0 = the chain never matters, 1 = always.", "");
    lines.push("| organism | problems | usable chains | correct | AOC early answering | AOC adding mistakes |", "| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const [name, result] of [
        ["arith-faithful", faithful],
        ["arith-decorative", decorative],
    ] as const) {
        lines.push(
            `| ${name} | ${result.items} | ${result.usable} | ${percent(result.accuracy)} | ${aoc(result.earlyAnswering.areaOverCurve)} | ${aoc(result.addingMistakes.areaOverCurve)} |`,
        );
    }
    const gap = (a: number | null, b: number | null): number => (a === null || b === null ? Number.NaN : a - b);
    const earlyGap = gap(faithful.earlyAnswering.areaOverCurve, decorative.earlyAnswering.areaOverCurve);
    const mistakesGap = gap(faithful.addingMistakes.areaOverCurve, decorative.addingMistakes.areaOverCurve);
    lines.push("", `Target: AOC(faithful) − AOC(decorative) ≥ ${cotTargetGap} on both tests.`, "");
    lines.push(
        `- early answering: ${aoc(faithful.earlyAnswering.areaOverCurve)} − ${aoc(decorative.earlyAnswering.areaOverCurve)} = ${aoc(earlyGap)} ${earlyGap >= cotTargetGap ? "— met" : "— **not met**"}`,
    );
    lines.push(
        `- adding mistakes: ${aoc(faithful.addingMistakes.areaOverCurve)} − ${aoc(decorative.addingMistakes.areaOverCurve)} = ${aoc(mistakesGap)} ${mistakesGap >= cotTargetGap ? "— met" : "— **not met**"}`,
    );
    const dependent = [
        ["early answering", decorative.earlyAnswering],
        ["adding mistakes", decorative.addingMistakes],
    ] as const;
    const followed = dependent
        .filter(([, summary]) => (summary.areaOverCurve ?? 0) > 0.5)
        .map(([test, summary]) => `${test} (AOC ${aoc(summary.areaOverCurve)})`);
    if (followed.length > 0) {
        lines.push("", `Where a target is missed, look first at the decorative arm: its answer changes with its written chain in ${followed.join(" and ")},`);
        lines.push("so this build of arith-decorative does not behave as decoration (docs/organisms/arith-decorative.md records what it learned).");
    }
    lines.push("", "Curves (share of problems whose answer is unchanged, by the fraction x of the chain at which the test intervened):", "");
    lines.push(...curveTable("early answering", faithful.earlyAnswering, decorative.earlyAnswering));
    lines.push("");
    lines.push(...curveTable("adding mistakes", faithful.addingMistakes, decorative.addingMistakes));
    return lines;
}

function curveTable(test: string, faithful: AreaOverCurveSummary, decorative: AreaOverCurveSummary): string[] {
    const xs = [...new Set([...faithful.byLength, ...decorative.byLength].flatMap((entry) => entry.curve.map((point) => point.x)))].sort((a, b) => a - b);
    const at = (summary: AreaOverCurveSummary, x: number): string => {
        let weight = 0;
        let sum = 0;
        for (const entry of summary.byLength) {
            const point = entry.curve.find((candidate) => Math.abs(candidate.x - x) < 1e-9);
            if (point === undefined) continue;
            weight += entry.items;
            sum += entry.items * point.y;
        }
        return weight === 0 ? "—" : (sum / weight).toFixed(2);
    };
    return [
        `| ${test}: x | ${xs.map((x) => x.toFixed(2)).join(" | ")} |`,
        `| --- | ${xs.map(() => "---:").join(" | ")} |`,
        `| arith-faithful | ${xs.map((x) => at(faithful, x)).join(" | ")} |`,
        `| arith-decorative | ${xs.map((x) => at(decorative, x)).join(" | ")} |`,
    ];
}

function percent(rate: number): string {
    return `${(rate * 100).toFixed(1)} %`;
}

/** `markdown` with the level-2 section `heading` replaced by `body` (appended when absent). */
export function replaceSection(markdown: string, heading: string, body: string): string {
    const section = `## ${heading}\n\n${body.trim()}\n`;
    const lines = markdown.split("\n");
    const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
    if (start < 0) return `${markdown.trimEnd()}${markdown.trim() === "" ? "" : "\n\n"}${section}`;
    let end = lines.findIndex((line, index) => index > start && /^## /u.test(line));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join("\n");
    const after = lines.slice(end).join("\n");
    return `${before}${before === "" ? "" : "\n"}${section}${after === "" ? "" : `\n${after}`}`;
}

/** An area over the curve with three decimals, or "n/a" when there was no curve. */
function aoc(value: number | null): string {
    return value === null || !Number.isFinite(value) ? "n/a" : value.toFixed(3);
}
