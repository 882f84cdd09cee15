/**
 * `glassbox bench validity`: attribution and chain-of-thought checks against the organisms, whose
 * evidence is known by construction. Prints a Markdown section (or JSON) and, with --markdown
 * FILE, replaces its section in that file (`npm run bench:validity` updates BENCHMARKS.md).
 */
import {readFileSync} from "node:fs";
import {checkOutputOptions, writeResultKept} from "../output-options.js";
import {cpus, loadavg} from "node:os";
import {attributionMethodNames} from "../../attribution/registry.js";
import {modelCompleter} from "../../protocol/index.js";
import {ArgumentError, InputError} from "../../errors.js";
import {runCotValidity, type CotValidityResult} from "../../validity/cot-validity.js";
import {runLookupValidity} from "../../validity/lookup-validity.js";
import {replaceSection, validityHeading, validityMarkdown, type ValidityReport} from "../../validity/markdown.js";
import {defineCommand, type CommandIo} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {openOrganism} from "../organism-files.js";

const lookupItemSeed = 20261127;
const cotItemSeed = 20261128;
const defaultBudgets = [16, 64, 256];
/** Hierarchical needs a unit tree (documents → words); the lookup documents are flat. */
const documentMethods = attributionMethodNames().filter((method) => method !== "hierarchical");
/** Exact Shapley over 8–16 words would need up to 65,536 evaluations per question. */
const wordMethods = documentMethods.filter((method) => method !== "exact");

export const benchValidityCommand = defineCommand({
    name: "bench validity",
    summary: "Check attribution and chain-of-thought tests against the organisms (known evidence).",
    usage: "bench validity [--items N] [--word-items N] [--cot-items N] [--budgets LIST] [--part lookup|cot|all] [--markdown FILE] [--json]",
    options: {
        "items": {kind: "integer", valueName: "N", min: 1, default: 200, description: "Held-out lookup questions explained per document."},
        "word-items": {kind: "integer", valueName: "N", min: 0, description: "Of those, how many are also explained per word. Default: 50 (at most --items)."},
        "cot-items": {
            kind: "integer",
            valueName: "N",
            min: 1,
            default: 100,
            description: "Held-out arithmetic problems per organism for the chain-of-thought tests.",
        },
        "budgets": {
            kind: "string",
            valueName: "LIST",
            default: defaultBudgets.join(","),
            description: "Evaluation budgets of the sampled methods, comma separated.",
        },
        "part": {kind: "string", valueName: "PART", choices: ["lookup", "cot", "all"], default: "all", description: "Which half to run."},
        "markdown": {kind: "string", valueName: "FILE", description: `Replace the section "${validityHeading}" of FILE (e.g. BENCHMARKS.md) with the results.`},
        "json": {kind: "boolean", description: "Print the results as JSON instead of Markdown."},
        "organisms": {
            kind: "string",
            valueName: "DIR",
            description: "Folder holding the organisms. Default: $GLASSBOX_ORGANISMS_DIR, else the package's organisms/.",
        },
    },
    details: [
        "lookup: for every attribution method (loo and exact once, sampled methods at each budget), how often",
        "the gold document ranks first over the held-out questions, and the rank of the gold key word when the",
        "words of the documents are the players. Target: loo and the Shapley methods ≥ 95 % first.",
        "cot: early answering and adding mistakes on arith-faithful and arith-decorative (greedy), with the",
        "area over the curve of each. Target: AOC(faithful) − AOC(decorative) ≥ 0.5 on both tests.",
        "The defaults take a few minutes on 2 cores; lower --items, --word-items and --cot-items for a quick run.",
        "",
        "examples:",
        "  glassbox bench validity --items 20 --word-items 5 --cot-items 20",
        "  npm run bench:validity      # the full run, written into BENCHMARKS.md",
    ].join("\n"),
    async run({options, io}) {
        const started = performance.now();
        const budgets = parseBudgets(options.budgets);
        const part = options.part;
        const items = options.items;
        const wordItems = options["word-items"] ?? Math.min(50, items);
        const cotItems = options["cot-items"];
        const directory = options.organisms === undefined ? {} : {directory: options.organisms};
        const markdownPath = options.markdown;
        checkOutputOptions(options, ["markdown"]);
        const existing = markdownPath === undefined ? undefined : readMarkdown(markdownPath);
        const report: ValidityReport = {
            command: commandLine(options),
            date: new Date().toISOString().slice(0, 10),
            machine: `${cpus().length} logical cores, load average ${loadavg()[0]?.toFixed(1) ?? "?"} at the start`,
            seconds: 0,
            organisms: [],
        };
        if (part !== "cot") {
            const lookup = await openOrganism("lookup", directory);
            report.organisms.push({name: "lookup", sha256: lookup.sha256});
            try {
                const result = await runLookupValidity(lookup.backend, lookup.spec.task(), {
                    items,
                    wordItems,
                    itemSeed: lookupItemSeed,
                    methods: documentMethods,
                    budgets,
                    wordMethods,
                    onItem: (done, total) => io.progressCount("bench validity: lookup questions", done, total),
                });
                report.lookup = {...result, itemSeed: lookupItemSeed};
            } finally {
                io.progressDone();
                await lookup.backend.dispose();
            }
        }
        if (part === "cot") report.lookupNote = "--part cot";
        if (part !== "lookup") {
            const faithful = await runCot("arith-faithful", cotItems, directory, io, report);
            const decorative = await runCot("arith-decorative", cotItems, directory, io, report);
            report.cot = {faithful, decorative, itemSeed: cotItemSeed};
        }
        report.seconds = (performance.now() - started) / 1000;
        const markdown = validityMarkdown(report);
        const kept =
            markdownPath === undefined ||
            existing === undefined ||
            writeResultKept(io, "--markdown", markdownPath, replaceSection(existing, validityHeading, markdown));
        if (options.json) {
            const {cot, ...rest} = report;
            const strip = (result: CotValidityResult) => ({...result, results: undefined});
            io.stdout.write(
                jsonDocument("bench validity", {
                    ...rest,
                    ...(cot === undefined ? {} : {cot: {...cot, faithful: strip(cot.faithful), decorative: strip(cot.decorative)}}),
                }),
            );
        } else {
            io.stdout.write(`## ${validityHeading}\n\n${markdown}`);
        }
        if (markdownPath !== undefined && kept) io.stderr.write(`wrote the section "${validityHeading}" of ${markdownPath}\n`);
        return kept ? 0 : 1;
    },
});

async function runCot(
    name: "arith-faithful" | "arith-decorative",
    items: number,
    directory: {directory?: string},
    io: CommandIo,
    report: ValidityReport,
): Promise<CotValidityResult> {
    const organism = await openOrganism(name, {...directory, lanes: 2});
    report.organisms.push({name, sha256: organism.sha256});
    try {
        return await runCotValidity(modelCompleter(organism.backend), organism.spec.task(), {
            items,
            itemSeed: cotItemSeed,
            mistakeSeed: cotItemSeed + 1,
            onItem: (done, total) => io.progressCount(`bench validity: ${name} problems`, done, total),
        });
    } finally {
        io.progressDone();
        await organism.backend.dispose();
    }
}

export function parseBudgets(text: string): number[] {
    const budgets = text
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "")
        .map(Number);
    if (budgets.length === 0 || budgets.some((budget) => !Number.isInteger(budget) || budget < 2)) {
        throw new ArgumentError("--budgets must be a comma-separated list of integers ≥ 2", {received: JSON.stringify(text), hint: "e.g. --budgets 16,64,256"});
    }
    return [...new Set(budgets)].sort((a, b) => a - b);
}

function commandLine(options: {
    "items": number;
    "word-items": number | undefined;
    "cot-items": number;
    "budgets": string;
    "part": "lookup" | "cot" | "all";
}): string {
    const parts = ["glassbox bench validity"];
    const names =
        options.part === "cot"
            ? (["cot-items", "part"] as const)
            : options.part === "lookup"
              ? (["items", "word-items", "budgets", "part"] as const)
              : (["items", "word-items", "cot-items", "budgets"] as const);
    for (const name of names) {
        const value = options[name];
        if (value !== undefined) parts.push(`--${name} ${value}`);
    }
    return parts.join(" ");
}

function readMarkdown(path: string): string {
    try {
        return readFileSync(path, "utf8");
    } catch (error) {
        const code = (error as {code?: string}).code;
        if (code === "ENOENT") return "";
        throw new InputError(`cannot read --markdown file ${path} (${code ?? "error"})`, {hint: "check the --markdown path", cause: error});
    }
}
