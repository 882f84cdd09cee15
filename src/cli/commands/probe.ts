/** `glassbox probe`: linear probes per layer on a labelled JSONL dataset, with a control task. */
import {z} from "zod";
import {InputError} from "../../errors.js";
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import {tokenizeManyWithBos} from "../../protocol/index.js";
import {probeFeatures, probeHooks} from "../../white-box/probe-activations.js";
import {probeLayers, type ProbeExample} from "../../white-box/probe.js";
import {defineCommand} from "../command.js";
import {readTextFile} from "../text-files.js";
import {formatTable, modelJson} from "./model-support.js";
import {formatNumber, openWhiteBoxModel, whiteBoxModelOptions} from "./white-box-support.js";

const lineSchema = z.strictObject({text: z.string().min(1), label: z.union([z.string().min(1), z.number(), z.boolean()])});

export const probeCommand = defineCommand({
    name: "probe",
    summary: "Linear probes per layer on a labelled dataset, with held-out accuracy and a control task.",
    usage: "probe --model PATH.gguf --dataset FILE.jsonl [--seed S] [--held-out FRACTION] [--json]",
    options: {
        ...whiteBoxModelOptions,
        "dataset": {kind: "string", valueName: "FILE.jsonl", required: true, description: 'One {"text": TEXT, "label": LABEL} per line.'},
        "seed": {kind: "integer", valueName: "S", default: 0, description: "Seed of the held-out split and the control labels."},
        "held-out": {kind: "number", valueName: "FRACTION", min: 0.01, max: 0.99, default: 0.25, description: "Share of examples held out for accuracy."},
    },
    details: [
        "Features: the input embedding and each block's residual stream at the last token. The control task",
        "gives each last-token type a random label; selectivity = accuracy − control accuracy (Hewitt & Liang).",
        "See docs/white-box.md.",
    ].join("\n"),
    async run({options, io}) {
        const rows = readDataset(options.dataset);
        const {path, backend, model} = await openWhiteBoxModel(options, "probe", "probing", io);
        try {
            const sequences = await tokenizeManyWithBos(
                backend,
                rows.map((row) => row.text),
            );
            const examples: ProbeExample[] = sequences.map((tokens, index) => {
                io.progressCount("activations", index, sequences.length);
                return {features: probeFeatures(model, tokens), label: rows[index]!.label, tokenType: tokens[tokens.length - 1]!};
            });
            io.progressDone();
            const result = probeLayers(examples, {seed: options.seed, heldOut: options["held-out"]});
            const hooks = probeHooks(model.config.layers);
            if (options.json) {
                const json = {
                    schemaVersion: resultSchemaVersion,
                    kind: "probe",
                    glassboxVersion,
                    model: modelJson(path, backend),
                    dataset: options.dataset,
                    seed: options.seed,
                    heldOutShare: options["held-out"],
                    position: "last",
                    ...result,
                    layers: result.layers.map((layer) => ({...layer, hook: hooks[layer.layer]})),
                };
                io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
                return 0;
            }
            const lines = [
                `${result.classes.length} classes (${result.classes.map((label) => JSON.stringify(label)).join(", ")}); ${result.trainingCount} training, ${result.heldOutCount} held-out examples; majority ${formatNumber(result.majorityAccuracy, 3)}`,
                "",
                formatTable(
                    ["hook", "accuracy", "control", "selectivity", "train"],
                    result.layers.map((layer) => [
                        hooks[layer.layer] ?? "",
                        formatNumber(layer.accuracy, 3),
                        formatNumber(layer.controlAccuracy, 3),
                        formatNumber(layer.selectivity, 3),
                        formatNumber(layer.trainingAccuracy, 3),
                    ]),
                    new Set([1, 2, 3, 4]),
                ),
            ];
            io.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        } finally {
            await backend.dispose();
        }
    },
});

function readDataset(path: string): {text: string; label: string}[] {
    const text = readTextFile(path, "--dataset file", 'a JSONL file of {"text": TEXT, "label": LABEL} lines');
    const rows: {text: string; label: string}[] = [];
    text.split("\n").forEach((line, index) => {
        if (line.trim() === "") return;
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch {
            throw new InputError(`--dataset file ${path}, line ${index + 1}: not JSON`, {expected: '{"text": TEXT, "label": LABEL}'});
        }
        const parsed = lineSchema.safeParse(value);
        if (!parsed.success) {
            throw new InputError(
                `--dataset file ${path}, line ${index + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`).join("; ")}`,
                {
                    expected: '{"text": TEXT, "label": LABEL} with a non-empty text',
                },
            );
        }
        rows.push({text: parsed.data.text, label: String(parsed.data.label)});
    });
    if (rows.length === 0) throw new InputError(`--dataset file ${path} has no examples`, {expected: 'one {"text": TEXT, "label": LABEL} per line'});
    return rows;
}
