/** `glassbox patch`: activation patching, attribution patching (AtP) and RelP between a clean and a corrupted input. */
import {InputError} from "../../errors.js";
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import {tokenizeWithBos} from "../../protocol/index.js";
import {patchingComponents} from "../../white-box/patching-components.js";
import {checkPatchingLengths, patchingMetricKinds, type PatchingMetric} from "../../white-box/patching-metric.js";
import {patchingMethods, patchingTables, type PatchingMethod, type PatchingRun} from "../../white-box/patching-table.js";
import {renderPatchingHeatmap} from "../../viewer/patching-heatmap.js";
import {defineCommand} from "../command.js";
import {checkOutputOptions, writeResultKept} from "../output-options.js";
import {modelJson} from "./model-support.js";
import {argmaxAt, answerToken, formatNumber, openWhiteBoxModel, tokenTexts, whiteBoxModelOptions} from "./white-box-support.js";

export const patchCommand = defineCommand({
    name: "patch",
    summary: "Activation patching, attribution patching (AtP) and RelP between a clean and a corrupted input.",
    usage: "patch --model PATH.gguf --clean TEXT --corrupted TEXT [--target TEXT] [--foil TEXT] [--metric logit-diff|logprob] [--method activation|atp|relp|all] [--json] [--html FILE.html]",
    options: {
        ...whiteBoxModelOptions,
        clean: {kind: "string", valueName: "TEXT", required: true, description: "The input whose behaviour is restored by patching."},
        corrupted: {
            kind: "string",
            valueName: "TEXT",
            required: true,
            description: "The same input with the part under study changed; as many tokens as --clean.",
        },
        target: {kind: "string", valueName: "TEXT", description: "The clean answer (its first token). Default: the model's top token after --clean."},
        foil: {kind: "string", valueName: "TEXT", description: "The corrupted answer for logit-diff. Default: the model's top token after --corrupted."},
        html: {kind: "string", valueName: "FILE.html", description: "Also write the tables as an HTML page of heatmaps."},
        metric: {
            kind: "string",
            choices: patchingMetricKinds,
            default: "logit-diff",
            description: "logit(target) − logit(foil), or log p(target), after the last token.",
        },
        method: {
            kind: "string",
            choices: [...patchingMethods, "all"],
            default: "all",
            description: "Which estimates to compute (activation: one forward pass per cell).",
        },
    },
    details: [
        "Effects are normalised as (patched − corrupted) / (clean − corrupted): 1 restores the clean metric,",
        "0 changes nothing. Rows are layers; columns positions (resid_pre, attn_out, mlp_out) or heads.",
        "See docs/white-box.md for definitions, costs and known failure modes.",
        "",
        "examples:",
        '  glassbox patch --model organisms/lookup.gguf --clean "pear gold . fig red . question : fig" --corrupted "pear gold . fig red . question : pear"',
    ].join("\n"),
    async run({options, io}) {
        checkOutputOptions(options, ["html"]);
        const {path, backend, model} = await openWhiteBoxModel(options, "patch", "patching", io);
        try {
            const [clean, corrupted] = await Promise.all([tokenizeWithBos(backend, options.clean), tokenizeWithBos(backend, options.corrupted)]);
            checkPatchingLengths(clean, corrupted);
            const position = clean.length - 1;
            const vocabulary = model.config.vocabSize;
            const target =
                options.target === undefined
                    ? argmaxAt(model.run([clean]).data, position, vocabulary)
                    : await answerToken(backend, options.clean, options.target, "target");
            const foil =
                options.foil === undefined
                    ? argmaxAt(model.run([corrupted]).data, position, vocabulary)
                    : await answerToken(backend, options.corrupted, options.foil, "foil");
            if (options.metric === "logit-diff" && foil === target) {
                throw new InputError("the target and the foil are the same token, so their logit difference is always 0", {
                    expected: "a foil token other than the target",
                    received: `token ${target} for both`,
                    hint: "pass the corrupted input's answer with --foil, or use --metric logprob",
                });
            }
            const metric: PatchingMetric =
                options.metric === "logit-diff" ? {kind: "logit-diff", position, correct: target, incorrect: foil} : {kind: "logprob", position, token: target};
            const methods: PatchingMethod[] = options.method === "all" ? [...patchingMethods] : [options.method];
            io.progress(`patching ${clean.length} positions × ${model.config.layers} layers`);
            const run = patchingTables({model, clean, corrupted, metric}, methods);
            io.progressDone();
            const [cleanTexts, corruptedTexts, [targetText, foilText]] = await Promise.all([
                tokenTexts(backend, clean),
                tokenTexts(backend, corrupted),
                tokenTexts(backend, [target, foil]),
            ]);
            const tokens = cleanTexts.map((text, index) => ({position: index, clean: text, corrupted: corruptedTexts[index] ?? ""}));
            const json = {
                schemaVersion: resultSchemaVersion,
                kind: "patch",
                glassboxVersion,
                model: modelJson(path, backend),
                clean: options.clean,
                corrupted: options.corrupted,
                tokens,
                metric: {
                    kind: metric.kind,
                    position,
                    target: {token: target, text: targetText},
                    ...(metric.kind === "logit-diff" ? {foil: {token: foil, text: foilText}} : {}),
                },
                cleanMetric: run.cleanMetric,
                corruptedMetric: run.corruptedMetric,
                normalisation: "(patched - corrupted) / (clean - corrupted)",
                tables: run.tables,
            };
            let written = true;
            if (options.html !== undefined) {
                const metricText =
                    metric.kind === "logit-diff"
                        ? `logit(${JSON.stringify(targetText)}) − logit(${JSON.stringify(foilText)})`
                        : `log p(${JSON.stringify(targetText)})`;
                const page = renderPatchingHeatmap({
                    title: `Patching: ${options.clean}`,
                    metric: metricText,
                    cleanMetric: run.cleanMetric,
                    corruptedMetric: run.corruptedMetric,
                    tokens,
                    tables: run.tables,
                });
                written = writeResultKept(io, "--html", options.html, page);
            }
            if (options.json) {
                io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
                return written ? 0 : 1;
            }
            io.stdout.write(`${renderPatchText(run, tokens, metric.kind, targetText ?? "", foilText ?? "")}\n`);
            return written ? 0 : 1;
        } finally {
            await backend.dispose();
        }
    },
});

function renderPatchText(run: PatchingRun, tokens: readonly {clean: string; corrupted: string}[], metricKind: string, target: string, foil: string): string {
    const lines = [
        `metric  ${metricKind === "logit-diff" ? `logit(${JSON.stringify(target)}) − logit(${JSON.stringify(foil)})` : `log p(${JSON.stringify(target)})`} after the last token`,
        `clean ${formatNumber(run.cleanMetric, 4)}, corrupted ${formatNumber(run.corruptedMetric, 4)}; effects normalised: 1 restores clean, 0 changes nothing`,
        `positions ${tokens.map((token, index) => `${index}:${JSON.stringify(token.clean)}${token.clean === token.corrupted ? "" : `→${JSON.stringify(token.corrupted)}`}`).join(" ")}`,
    ];
    for (const table of run.tables) {
        lines.push("", `== ${table.method} ==`);
        for (const component of patchingComponents) {
            lines.push(`${component} (layer × position)`);
            lines.push(grid(table.components[component], tokens.length));
        }
        lines.push("heads (layer × head)");
        lines.push(grid(table.heads, table.heads[0]?.length ?? 0));
    }
    return lines.join("\n");
}

function grid(rows: readonly (readonly number[])[], columns: number): string {
    const header = ["layer", ...Array.from({length: columns}, (_, column) => String(column))];
    const body = rows.map((row, layer) => [String(layer), ...row.map((value) => formatNumber(value))]);
    const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => (row[column] ?? "").length)));
    return [header, ...body].map((row) => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join(" ")).join("\n");
}
