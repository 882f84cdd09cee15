/**
 * Terminal output of `glassbox demo`, written for someone who has never used glassbox: what the
 * model is, the question, the answer, each document shaded by how much it raised the answer's
 * log-probability (the gold one marked), the words inside them, the faithfulness metrics with one
 * line each on what they mean, and where the files went.
 */
import type {LookupDemo} from "../../demo/lookup-demo.js";
import {divergingBar, legend, shadeText, type ColorDepth} from "./shading.js";

export interface DemoTextOptions {
    depth: ColorDepth;
    modelPath: string;
    modelSummary: string;
    /** Files written, with what each holds. */
    files: {path: string; what: string}[];
    seconds: number;
}

export function formatDemoText(demo: LookupDemo, options: DemoTextOptions): string {
    const {depth} = options;
    const bold = (text: string) => (depth === "none" ? text : `\x1b[1m${text}\x1b[0m`);
    const dim = (text: string) => (depth === "none" ? text : `\x1b[2m${text}\x1b[0m`);
    const documents = demo.documents;
    const question = /question : (\S+)/u.exec(demo.item.prompt)?.[1] ?? "";
    const probability = Math.exp(documents.valueFull);
    const lines: string[] = [];
    lines.push(bold("glassbox demo: why did the model say that?"), "");
    const about =
        `the "lookup" organism (${options.modelPath}): a tiny llama-architecture model that glassbox trained itself; it ${options.modelSummary}. ` +
        "The task is synthetic, so we know which document holds the answer and can check the explanation.";
    wrap(about, 88).forEach((line, index) => lines.push(`${index === 0 ? bold("model") + "     " : "          "}${line}`));
    lines.push(`${bold("question")}  which value goes with "${question}"? The model reads ${demo.item.documents.length} one-line documents (key value .)`);
    lines.push(`          ${dim(`prompt: ${demo.item.prompt}`)}`);
    const verdict = demo.answerCorrect ? "correct" : `wrong: the documents say "${demo.item.answer}"`;
    lines.push(`${bold("answer")}    "${demo.answer}"  (p = ${probability.toFixed(3)}, ${verdict})`, "");

    const scale = maxMagnitude(documents.values);
    lines.push(bold(`Which documents made it answer "${demo.answer}"?`));
    lines.push(
        dim(`  exact Shapley values of log p("${demo.answer}"): how much each document raises it, in nats (${documents.evaluations} model evaluations)`),
    );
    for (const unit of documents.units) {
        const value = documents.values[unit.index] ?? Number.NaN;
        const gold = unit.index === demo.evidence.documentIndex;
        const label = `[${unit.index + 1}]`.padEnd(5);
        const text = shadeText(` ${unit.text} `, value, scale, depth);
        const pad = " ".repeat(Math.max(0, 16 - unit.text.length));
        lines.push(
            `${gold ? "★" : " "} ${label}${text}${pad} ${signed(value).padStart(7)} ${divergingBar(value, scale, 6)}${gold ? "  ← gold: the document that holds the answer" : ""}`,
        );
    }
    const goldNote = demo.goldDocumentRank === 1 ? "the gold document ranks first" : `the gold document ranks ${ordinal(demo.goldDocumentRank)}`;
    if (!demo.answerCorrect) {
        const top = documents.values.reduce((best, value, index) => (value > (documents.values[best] ?? -Infinity) ? index : best), 0);
        lines.push(`  The model got this one wrong, and the explanation shows why: it relied on document [${top + 1}] instead of the gold one.`);
    }
    lines.push(
        dim(
            `  ${goldNote}; the values add up to log p(answer | all documents) − log p(answer | question alone) = ${signed(documents.valueFull - documents.valueEmpty)}`,
        ),
    );
    if (depth !== "none") lines.push(dim(`  scale ${legend(scale, depth)} −${scale.toFixed(2)} … +${scale.toFixed(2)}`));
    lines.push("");

    const words = demo.words;
    const wordScale = maxMagnitude(words.values);
    lines.push(bold("And which words inside them?"));
    lines.push(dim(`  KernelSHAP over the ${words.units.length} key and value words (${words.evaluations} evaluations; the question and the "." are kept)`));
    lines.push(`  ${shadedWords(demo, wordScale, depth)}`);
    const order = words.units
        .map((unit) => unit.index)
        .sort((a, b) => (words.values[b] ?? 0) - (words.values[a] ?? 0))
        .slice(0, 3);
    lines.push(
        `  top words: ${order.map((index) => `${demo.wordPlayers[index]?.text ?? "?"} ${signed(words.values[index] ?? Number.NaN)}${wordRole(demo, index)}`).join(", ")}`,
    );
    lines.push("");

    const summary = documents.metrics?.summary;
    if (summary !== undefined) {
        lines.push(bold("Is the explanation faithful to the model?"));
        lines.push(
            metricLine(
                "comprehensiveness",
                summary.comprehensivenessAopc,
                "drop in log p when the top-ranked documents are removed (higher = the ranking found what matters)",
            ),
        );
        lines.push(metricLine("sufficiency", summary.sufficiencyAopc, "drop when only the top-ranked documents are kept (near 0 or below = they suffice)"));
        lines.push(metricLine("τ leave-one-out", summary.tauLoo, "rank agreement with removing one document at a time (1 = same order)"));
        lines.push(metricLine("LDS", summary.lds, "how well the values predict random removals (Spearman; 1 = perfectly)"));
        lines.push("");
    }
    lines.push(bold("Files"));
    for (const file of options.files) lines.push(`  ${file.path.padEnd(36)} ${dim(file.what)}`);
    lines.push("", `Done in ${options.seconds.toFixed(1)} s. Open the report in a browser, or explain your own model: glassbox explain --help`);
    return `${lines.join("\n")}\n`;
}

function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else line = line === "" ? word : `${line} ${word}`;
    }
    if (line !== "") lines.push(line);
    return lines;
}

function shadedWords(demo: LookupDemo, scale: number, depth: ColorDepth): string {
    const prompt = demo.item.prompt;
    const end = demo.item.documents.at(-1)?.end ?? 0;
    let output = "";
    let cursor = 0;
    demo.wordPlayers.forEach((word, index) => {
        const value = demo.words.values[index] ?? 0;
        const text = prompt.slice(word.start, word.end);
        output += prompt.slice(cursor, word.start) + (depth === "none" ? `${text}(${signed(value)})` : shadeText(text, value, scale, depth));
        cursor = word.end;
    });
    return output + prompt.slice(cursor, end);
}

function wordRole(demo: LookupDemo, index: number): string {
    const word = demo.wordPlayers[index];
    if (word === undefined || word.document !== demo.evidence.documentIndex) return "";
    return word.start === demo.evidence.key.start ? " (gold key)" : word.start === demo.evidence.value.start ? " (gold value)" : "";
}

function metricLine(name: string, value: number | boolean | null | undefined, meaning: string): string {
    const text = typeof value === "number" && Number.isFinite(value) ? value.toFixed(3) : "n/a";
    return `  ${name.padEnd(18)} ${text.padStart(7)}  ${meaning}`;
}

function maxMagnitude(values: readonly number[]): number {
    return Math.max(1e-9, ...values.map((value) => (Number.isFinite(value) ? Math.abs(value) : 0)));
}

function signed(value: number): string {
    if (!Number.isFinite(value)) return "n/a";
    return `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)}`;
}

function ordinal(rank: number): string {
    const suffix =
        rank % 10 === 1 && rank % 100 !== 11 ? "st" : rank % 10 === 2 && rank % 100 !== 12 ? "nd" : rank % 10 === 3 && rank % 100 !== 13 ? "rd" : "th";
    return `${rank}${suffix}`;
}
