/** `glassbox demo`: explain a shipped organism's answer offline, in seconds, with files to open. */
import {writeFileSync} from "node:fs";
import {checkOutputFolder, makeFolder} from "../../store/output-paths.js";
import {join, relative} from "node:path";
import {defaultDemoSeed, runLookupDemo, type LookupDemo} from "../../demo/lookup-demo.js";
import {InputError} from "../../errors.js";
import type {ExplainResult} from "../../explain/types.js";
import {buildPageView, renderReportHtml} from "../../viewer/page.js";
import {parseViewableResult} from "../../viewer/result-file.js";
import {defineCommand, type CommandIo} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {openOrganism, organismsDirVariable} from "../organism-files.js";
import {formatDemoText} from "../render/demo-text.js";
import {serializeExplainResult} from "./explain.js";

export const defaultDemoFolder = "glassbox-demo";

export const demoCommand = defineCommand({
    name: "demo",
    summary: "Explain a tiny built-in model's answer offline: documents and words, with faithfulness metrics.",
    usage: "demo [--out DIR] [--seed S] [--json] [--organisms DIR]",
    options: {
        out: {kind: "string", valueName: "DIR", description: `Folder for the result files (created if needed). Default: ./${defaultDemoFolder}.`},
        seed: {
            kind: "integer",
            valueName: "S",
            min: 0,
            default: defaultDemoSeed,
            description: "Which held-out question to ask (a seed of the task generator).",
        },
        json: {kind: "boolean", description: "Print a JSON summary instead of the text (the files are written too)."},
        organisms: {
            kind: "string",
            valueName: "DIR",
            description: `Folder holding lookup.gguf. Default: $${organismsDirVariable}, else the package's organisms/.`,
        },
    },
    details: [
        "Loads the lookup organism (organisms/lookup.gguf, trained by glassbox on a task whose evidence is",
        "known), asks it a question over a few one-line documents, and explains its answer per document",
        "(exact Shapley values, faithfulness metrics) and per word (KernelSHAP). Writes into --out:",
        "  result.json   the document-level explain result (docs/schema-explain.md)",
        "  report.html   a self-contained report of it (opens from disk)",
        "  words.json, words.html   the word-level result and its report",
        "A missing or corrupt organism file is named with the command that rebuilds it (npm run organisms:train).",
        "",
        "examples:",
        "  glassbox demo",
        "  glassbox demo --seed 8 --out /tmp/demo",
    ].join("\n"),
    async run({options, io}) {
        const started = performance.now();
        const folder = options.out ?? defaultDemoFolder;
        const seed = options.seed;
        checkOutputFolder(folder, "--out");
        io.progress("demo: loading the lookup organism");
        const organism = await openOrganism("lookup", options.organisms === undefined ? {} : {directory: options.organisms});
        try {
            const demo = await runLookupDemo(organism.backend, organism.spec.task(), {
                seed,
                onProgress: (phase) => io.progress(`demo: explaining the answer per ${phase === "words" ? "word" : "document"}`),
            });
            io.progressDone();
            const files = writeDemoFiles(folder, demo);
            const shown = files.map((file) => ({...file, path: displayPath(file.path)}));
            if (options.json) {
                io.stdout.write(jsonDocument("demo", demoSummary(demo, organism.path, shown)));
            } else {
                io.stdout.write(
                    formatDemoText(demo, {
                        depth: colorDepth(io),
                        modelPath: displayPath(organism.path),
                        modelSummary: organism.spec.summary,
                        files: shown,
                        seconds: (performance.now() - started) / 1000,
                    }),
                );
            }
            return 0;
        } finally {
            io.progressDone();
            await organism.backend.dispose();
        }
    },
});

/** The JSON printed by --json: the question, answer, gold evidence, values, metrics and files. */
export function demoSummary(demo: LookupDemo, modelPath: string, files: {path: string; what: string}[]) {
    return {
        kind: "demo",
        organism: {name: "lookup", path: modelPath},
        seed: demo.seed,
        prompt: demo.item.prompt,
        answer: demo.answer,
        expectedAnswer: demo.item.answer,
        answerCorrect: demo.answerCorrect,
        goldDocument: demo.evidence.documentIndex,
        goldDocumentRank: demo.goldDocumentRank,
        keyWordRank: demo.keyWordRank,
        valueWordRank: demo.valueWordRank,
        documents: demo.documents.units.map((unit) => ({index: unit.index, text: unit.text, value: demo.documents.values[unit.index] ?? null})),
        words: demo.wordPlayers.map((word, index) => ({text: word.text, document: word.document, value: demo.words.values[index] ?? null})),
        metrics: demo.documents.metrics?.summary ?? null,
        files,
    };
}

function writeDemoFiles(folder: string, demo: LookupDemo): {path: string; what: string}[] {
    try {
        makeFolder(folder);
    } catch (error) {
        const code = (error as {code?: string}).code;
        throw new InputError(`cannot create the folder ${folder} (${code ?? "error"})`, {hint: "pass a writable folder with --out DIR", cause: error});
    }
    const files = [
        {
            path: join(folder, "result.json"),
            what: "per-document explanation (JSON, docs/schema-explain.md)",
            text: `${serializeExplainResult(demo.documents)}\n`,
        },
        {path: join(folder, "report.html"), what: "its report: open it in a browser", text: reportHtml(demo.documents, "glassbox demo: documents")},
        {path: join(folder, "words.json"), what: "per-word explanation (JSON)", text: `${serializeExplainResult(demo.words)}\n`},
        {path: join(folder, "words.html"), what: "its report", text: reportHtml(demo.words, "glassbox demo: words")},
    ];
    for (const file of files) {
        try {
            writeFileSync(file.path, file.text);
        } catch (error) {
            const code = (error as {code?: string}).code;
            throw new InputError(`cannot write ${file.path} (${code ?? "error"})`, {hint: "pass a writable folder with --out DIR", cause: error});
        }
    }
    return files.map(({path, what}) => ({path, what}));
}

function reportHtml(result: ExplainResult, title: string): string {
    const parsed = JSON.parse(serializeExplainResult(result)) as unknown;
    return renderReportHtml(buildPageView(parseViewableResult(parsed, "the demo result"), title));
}

/** A path relative to the current folder when it lies inside it. */
function displayPath(path: string): string {
    const inside = relative(process.cwd(), path);
    return inside !== "" && !inside.startsWith("..") && !inside.startsWith("/") ? inside : path;
}

function colorDepth(io: CommandIo) {
    if (!io.color) return "none" as const;
    const colorTerm = process.env.COLORTERM ?? "";
    return colorTerm === "truecolor" || colorTerm === "24bit" ? ("24bit" as const) : ("256" as const);
}
