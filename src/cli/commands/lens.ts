/** `glassbox lens`: the logit lens, per layer and position: top tokens and the target's rank and probability. */
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import {tokenizeWithBos} from "../../protocol/index.js";
import {logitLens} from "../../white-box/logit-lens.js";
import {defineCommand} from "../command.js";
import {formatTable, modelJson} from "./model-support.js";
import {answerToken, formatNumber, openWhiteBoxModel, tokenTexts, whiteBoxModelOptions} from "./white-box-support.js";

export const lensCommand = defineCommand({
    name: "lens",
    summary: "Logit lens: what each layer's residual stream predicts, per position.",
    usage: "lens --model PATH.gguf --prompt TEXT [--target TEXT] [--top N] [--json]",
    options: {
        ...whiteBoxModelOptions,
        prompt: {kind: "string", valueName: "TEXT", required: true, description: "The prompt (BOS is prepended when the model wants one)."},
        target: {kind: "string", valueName: "TEXT", description: "A token to follow through the layers (its first token): rank and probability."},
        top: {kind: "integer", valueName: "N", min: 1, max: 50, default: 5, description: "Top tokens listed per layer and position."},
    },
    details: [
        "Each block's output (blocks.{i}.hook_resid_post) is read through the model's final RMSNorm and",
        "unembedding. The last block's row is the model's own prediction. See docs/white-box.md.",
        "",
        "examples:",
        '  glassbox lens --model stories260K.gguf --prompt "Once upon a time there was a" --target " girl"',
    ].join("\n"),
    async run({options, io}) {
        const {path, backend, model} = await openWhiteBoxModel(options, "lens", "the logit lens", io);
        try {
            const tokens = await tokenizeWithBos(backend, options.prompt);
            const target = options.target === undefined ? undefined : await answerToken(backend, options.prompt, options.target, "target");
            const lens = logitLens(model, tokens, {top: options.top, ...(target === undefined ? {} : {target})});
            const shown = [
                ...new Set([
                    ...tokens,
                    ...lens.cells.flatMap((row) => row.flatMap((cell) => cell.top.map((entry) => entry.token))),
                    ...(target === undefined ? [] : [target]),
                ]),
            ];
            const texts = new Map((await tokenTexts(backend, shown)).map((text, index) => [shown[index]!, text]));
            const text = (token: number): string => texts.get(token) ?? "";
            if (options.json) {
                const json = {
                    schemaVersion: resultSchemaVersion,
                    kind: "lens",
                    glassboxVersion,
                    model: modelJson(path, backend),
                    prompt: options.prompt,
                    tokens: tokens.map((token, position) => ({position, token, text: text(token)})),
                    target: target === undefined ? null : {token: target, text: text(target)},
                    layers: lens.layers.map((hook, layer) => ({
                        layer,
                        hook,
                        positions: lens.cells[layer]!.map((cell, position) => ({
                            position,
                            top: cell.top.map((entry) => ({...entry, text: text(entry.token)})),
                            ...(cell.target === undefined ? {} : {target: {rank: cell.target.rank, probability: cell.target.probability}}),
                        })),
                    })),
                };
                io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
                return 0;
            }
            const header = ["position", "token", ...lens.layers.map((_, layer) => `layer ${layer}`)];
            const rows = tokens.map((token, position) => [
                String(position),
                JSON.stringify(text(token)),
                ...lens.cells.map((row) => {
                    const cell = row[position]!;
                    const best = cell.top[0]!;
                    const tracked = cell.target === undefined ? "" : ` [#${cell.target.rank} ${formatNumber(cell.target.probability, 3)}]`;
                    return `${JSON.stringify(text(best.token))} ${formatNumber(best.probability, 3)}${tracked}`;
                }),
            ]);
            const lines = [
                `top token and its probability per layer${target === undefined ? "" : `; [#rank probability] of ${JSON.stringify(text(target))}`}`,
                "",
                formatTable(header, rows),
            ];
            io.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        } finally {
            await backend.dispose();
        }
    },
});
