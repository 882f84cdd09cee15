/** `glassbox explain`: attribute a model's answer to units of its input (tokens … documents, messages). */
import {readFileSync} from "node:fs";
import {attributionMethodNames, defaultMethodFor, defaultMethodPolicy} from "../../attribution/registry.js";
import {ArgumentError, InputError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import {FileScoreCache} from "../../store/score-cache-file.js";
import {checkMethodAndBudget, defaultUnitFor, explain, unitTreeFor, type ExplainProgress} from "../../explain/explain.js";
import {parseExplainInput, parseRationaleFlag, type ExplainInputFile} from "../../explain/input-file.js";
import {checkRationale} from "../../explain/rationale.js";
import type {ExplainResult} from "../../explain/types.js";
import {valueKinds} from "../../explain/value-kinds.js";
import {defaultPlaceholder, segmentInput} from "../../units/segmented-input.js";
import {unitKinds} from "../../units/types.js";
import {defineCommand, type CommandIo} from "../command.js";
import {modelOptionSpecs} from "../input-files.js";
import {readTextFile} from "../text-files.js";
import {formatExplainText} from "../render/explain-text.js";
import type {ColorDepth} from "../render/shading.js";
import {openModelFromOptions} from "./model-support.js";
import {basename} from "node:path";
import {buildPageView, renderReportHtml} from "../../viewer/page.js";
import {parseViewableResult} from "../../viewer/result-file.js";
import {checkOutputOptions, writeResultKept} from "../output-options.js";
import {recordExplanation} from "../../store/explanation-run.js";
import type {RunStore} from "../../store/run-store.js";
import {openRunStore} from "./runs.js";
import {isWhiteBoxMethod, whiteBoxMethodNames} from "../../explain/white-box/methods.js";
import {whiteBoxOptionSpecs, whiteBoxExplainSettings} from "./explain-white-box-options.js";
import {explainWhiteBox} from "../../explain/white-box/explain-white-box.js";

const methodChoices = [...attributionMethodNames(), ...whiteBoxMethodNames];

export const explainCommand = defineCommand({
    name: "explain",
    summary: "Attribute a model's answer to units of its input (Shapley, leave-one-out, ...).",
    usage: "explain --model PATH.gguf (--prompt TEXT | --input FILE.json) [--target TEXT] [--foil TEXT] [--unit UNIT] [--method METHOD] [--budget N] [--seed S] [--metrics] [--rationale SPANS] [--json | --out FILE.json] [--format html --out FILE.html] [--db PATH]",
    options: {
        "model": modelOptionSpecs.model,
        "prompt": {kind: "string", valueName: "TEXT", description: "The prompt to explain (plain text)."},
        "input": {
            kind: "string",
            valueName: "FILE.json",
            description: "Input file: {prompt}, {messages, players?} or {question, documents} (docs/input-format.md).",
        },
        "target": {kind: "string", valueName: "TEXT", description: "The answer to explain. Default: the model's greedy answer to the full input."},
        "foil": {kind: "string", valueName: "TEXT", description: "An alternative answer: explains log p(target) − log p(foil)."},
        "unit": {kind: "string", valueName: "UNIT", choices: unitKinds, description: "Players. Default: document, message or word by input kind."},
        "method": {
            kind: "string",
            valueName: "METHOD",
            choices: methodChoices,
            description: `Attribution method. Default: ${defaultMethodPolicy}. grad, ixg, ig, attnlrp and attention are white-box: they need a local GGUF model the engine reads.`,
        },
        "budget": {kind: "integer", valueName: "N", min: 1, description: "Most coalitions to evaluate. Default: the method's default for the unit count."},
        "seed": {kind: "integer", valueName: "S", min: 0, default: 0, description: "Seed of sampling methods."},
        "value": {kind: "string", valueName: "KIND", choices: valueKinds, description: "Value function. Default: logprob (contrastive with --foil)."},
        "removal": {kind: "string", valueName: "MODE", choices: ["delete", "placeholder"], default: "delete", description: "How removed units disappear."},
        "placeholder": {kind: "string", valueName: "TEXT", default: defaultPlaceholder, description: "Placeholder text for --removal placeholder."},
        "max-target-tokens": {kind: "integer", valueName: "N", min: 1, max: 512, description: "Cap on a generated target. Default: 24."},
        "metrics": {kind: "boolean", description: "Also compute faithfulness metrics (plausibility too with --rationale)."},
        "rationale": {
            kind: "string",
            valueName: "SPANS",
            description: "Human rationale: START-END[,...] character offsets (PART:START-END for documents/messages).",
        },
        "json": {kind: "boolean", description: "Print the versioned JSON result (docs/schema-explain.md)."},
        "out": {kind: "string", valueName: "FILE.json", description: "Write the JSON result to a file and print the text summary."},
        "format": {
            kind: "string",
            valueName: "FORMAT",
            choices: ["text", "html"],
            default: "text",
            description: "html: write a self-contained HTML report to --out FILE.html (or print it).",
        },
        "cache": {
            kind: "string",
            valueName: "FILE.jsonl",
            description: "Keep model scores in this file: re-runs and resumed runs make no repeated model calls.",
        },
        "db": {
            kind: "string",
            valueName: "PATH",
            description: "Also store the explanation as a run in this run store (glassbox runs list, glassbox view --db PATH).",
        },
        "context-size": modelOptionSpecs["context-size"],
        "allow-long-context": modelOptionSpecs["allow-long-context"],
        "fast": modelOptionSpecs.fast,
        ...whiteBoxOptionSpecs,
    },
    details: [
        "Units (--unit): token (model tokens), word, sentence, paragraph, line, span (spans from the input",
        'file), document (question + documents input), message (chat input; roles in "players", default user).',
        "The template (instruction, question, document headers, chat markup) is never a player.",
        "",
        "examples:",
        '  glassbox explain --model stories260K.gguf --prompt "Lily had a red ball. She lost it." --unit sentence',
        "  glassbox explain --model m.gguf --input rag.json --unit document --method kernelshap --budget 200 --json",
        '  glassbox explain --model stories260K.gguf --prompt "Lily had a red ball. She lost it." --unit sentence --method ig --steps 64',
    ].join("\n"),
    parameterFlags: {maxTokens: "max-target-tokens", maxTargetTokens: "max-target-tokens"},
    async run({options, io}) {
        const file = readExplainInput(options);
        const unit = options.unit ?? defaultUnitFor(file.input);
        const target = options.target ?? file.target;
        const foil = options.foil ?? file.foil;
        if (target !== undefined && foil !== undefined && target.trim() === foil.trim()) {
            throw new InputError("the foil equals the target", {received: JSON.stringify(foil), hint: "pass a different --foil"});
        }
        const rationale = options.rationale === undefined ? file.rationale : parseRationaleFlag(options.rationale);
        if (rationale !== undefined) checkRationale(file.input, rationale);
        const budget = options.budget;
        const chosen = options.method;
        const whiteBox = chosen !== undefined && isWhiteBoxMethod(chosen) ? chosen : undefined;
        let method = chosen === undefined || isWhiteBoxMethod(chosen) ? undefined : chosen;
        if (options.json && options.out !== undefined) {
            throw new ArgumentError("--json and --out do not go together", {hint: "use --json to print the JSON, or --out FILE.json to write it"});
        }
        if (options.format === "html" && options.json)
            throw new ArgumentError("--json and --format html do not go together", {
                hint: "use --format html --out FILE.html for the report; glassbox report RESULT.json turns a JSON result into one",
            });
        const whiteBoxSettings = whiteBoxExplainSettings(options, whiteBox);
        // Fail on the input before loading the model where the units do not need its tokenizer.
        if (unit !== "token" && whiteBox === undefined) {
            const tree = method === "hierarchical" ? unitTreeFor(file.input, unit) : undefined;
            const count = tree?.leaves.playerCount ?? segmentInput(file.input, unit).playerCount;
            method ??= defaultMethodFor(count);
            checkMethodAndBudget(method, count, budget, tree?.root.children.length);
        }
        checkOutputOptions(options, ["out", "cache", "db"]);
        // The store is opened before the model: a path that is not a run store fails at once.
        const store = options.db === undefined ? undefined : openRunStore(options);
        const {backend} = await openModelFromOptions(options, "explain", io).catch((error: unknown) => {
            store?.close();
            throw error;
        });
        try {
            const started = Date.now();
            const shared = {
                unit,
                seed: options.seed,
                ...(target === undefined ? {} : {target}),
                ...(foil === undefined ? {} : {foil}),
                ...(options.value === undefined ? {} : {valueKind: options.value}),
                removal: options.removal,
                placeholder: options.placeholder,
                ...(options["max-target-tokens"] === undefined ? {} : {maxTargetTokens: options["max-target-tokens"]}),
                metrics: options.metrics,
                ...(rationale === undefined ? {} : {rationale}),
                onProgress: progressPrinter(io, started),
                ...(options.cache === undefined ? {} : {evaluator: new Evaluator(backend, {cache: new FileScoreCache(options.cache)})}),
            };
            const result =
                whiteBox !== undefined
                    ? await explainWhiteBox(backend, file.input, {...shared, ...whiteBoxSettings, method: whiteBox})
                    : await explain(backend, file.input, {
                          ...shared,
                          ...(method === undefined ? {} : {method}),
                          ...(budget === undefined ? {} : {budget}),
                      });
            io.progressDone();
            const stored = store === undefined ? undefined : storeExplanation(store, result, options.input);
            if (stored !== undefined && (options.format === "html" || options.json)) io.stderr.write(stored);
            if (options.format === "html") return writeHtmlReport(io, result, options.out);
            if (options.json) {
                io.stdout.write(`${serializeExplainResult(result)}\n`);
                return 0;
            }
            const written = options.out === undefined ? undefined : writeResultKept(io, "--out", options.out, `${serializeExplainResult(result)}\n`);
            io.stdout.write(formatExplainText(result, {depth: colorDepth(io), width: io.stdout.columns ?? 100}));
            if (written === true) io.stdout.write(`wrote ${options.out}\n`);
            if (stored !== undefined) io.stdout.write(stored);
            return written === false ? 1 : 0;
        } finally {
            io.progressDone();
            store?.close();
            await backend.dispose();
        }
    },
});

/** JSON text of a result: non-finite numbers (a probability that underflowed) become null. */
export function serializeExplainResult(result: ExplainResult): string {
    return JSON.stringify(result, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 2);
}

/** Stores the result as a run; returns the line that says where (for stdout, or stderr when stdout carries the result). */
function storeExplanation(store: RunStore, result: ExplainResult, inputPath: string | undefined): string {
    const run = recordExplanation(store, result, inputPath === undefined ? {} : {inputPath});
    return `stored as run ${run.id} in ${store.path}${run.attempts > 1 ? " (replacing the same explanation stored before)" : ""}\n`;
}

function writeHtmlReport(io: CommandIo, result: ExplainResult, out: string | undefined): number {
    const parsed = JSON.parse(serializeExplainResult(result)) as unknown;
    const html = renderReportHtml(buildPageView(parseViewableResult(parsed, "the explain result"), out === undefined ? "explanation" : basename(out)));
    if (out === undefined) io.stdout.write(html);
    else {
        if (!writeResultKept(io, "--out", out, html)) return 1;
        io.stdout.write(`wrote ${out}\n`);
    }
    return 0;
}

function readExplainInput(options: {prompt: string | undefined; input: string | undefined}): ExplainInputFile {
    const {prompt, input: path} = options;
    if (prompt !== undefined && path !== undefined)
        throw new ArgumentError("glassbox explain takes --prompt or --input, not both", {hint: "see glassbox explain --help"});
    if (prompt !== undefined) return {input: {kind: "prompt", prompt}};
    if (path === undefined) throw new ArgumentError("glassbox explain needs --prompt TEXT or --input FILE.json", {hint: "see glassbox explain --help"});
    const text = readTextFile(path, "--input file", "a JSON input file (docs/input-format.md)");
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new InputError(`--input file ${path} is not valid JSON (${reason})`, {hint: "see docs/input-format.md", cause: error});
    }
    return parseExplainInput(data, `--input file ${path}`);
}

function colorDepth(io: CommandIo): ColorDepth {
    if (!io.color) return "none";
    const colorTerm = process.env.COLORTERM ?? "";
    return colorTerm === "truecolor" || colorTerm === "24bit" ? "24bit" : "256";
}

/** Progress on stderr, only once the run has taken more than a second. */
function progressPrinter(io: CommandIo, started: number): (progress: ExplainProgress) => void {
    return (progress) => {
        if (Date.now() - started < 1000) return;
        if (progress.phase === "target") io.progress("explain: finding the target");
        else
            io.progressCount(
                `explain ${progress.phase}: requests of this batch`,
                progress.requestsDone,
                progress.requestsTotal,
                `${progress.coalitions} coalitions evaluated so far`,
            );
    };
}
