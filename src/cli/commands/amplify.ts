/** `glassbox amplify`: AMPLIFY few-shot rationales from attributions of misclassified items; accuracy with and without. */
import {amplifyCapabilities, amplifyItem, buildAmplifyPrompt, summarizeAmplify, type AmplifySummary} from "../../checks/amplify/amplify.js";
import {attributionMethodNames} from "../../attribution/registry.js";
import {sha256Hex} from "../../foundation/canonical-json.js";
import type {Backend} from "../../model/backend-spec.js";
import {defineCommand} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {checkOutputOptions, writeResultKept} from "../output-options.js";
import {datasetOptionSpecs, exitCodeFor, formatRate, loadDataset, openCheckModel, openSecondModel, runCheck, runFooter} from "./check-support.js";

export const amplifyCommand = defineCommand({
    name: "amplify",
    summary: "Build AMPLIFY rationales from attributions of misclassified items and measure accuracy with and without them.",
    usage: "amplify --model PATH.gguf --train DEV.jsonl --dataset TEST.jsonl [--proxy PATH.gguf] [--demonstrations N] [--words K] [--prompt-out FILE] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
        "train": {
            kind: "string",
            valueName: "FILE.jsonl",
            required: true,
            description: "Labelled development items; misclassified ones become demonstrations.",
        },
        "proxy": {kind: "string", valueName: "PATH.gguf", description: "Model whose attributions give the key words (default: the model itself)."},
        "demonstrations": {kind: "integer", valueName: "N", min: 1, max: 64, default: 4, description: "Demonstrations in the few-shot prompt."},
        "words": {kind: "integer", valueName: "K", min: 1, max: 50, default: 5, description: "Key words per demonstration."},
        "method": {kind: "string", valueName: "M", choices: attributionMethodNames(), default: "loo", description: "Attribution method on the proxy."},
        "prompt-out": {kind: "string", valueName: "FILE", description: "Write the few-shot prompt prefix to FILE."},
        "generation-only": {kind: "boolean", description: "Read answers from generated text even when the backend scores."},
        "json": {kind: "boolean", description: "Print the prompt and the run summary as JSON."},
    },
    parameterFlags: {developmentItems: "train"},
    details: [
        `Needs: ${amplifyCapabilities.needs} (${amplifyCapabilities.note}).`,
        "Misclassified development items are ranked by p(predicted) − p(true); each demonstration reads:",
        "  <input>\\nThe key words: w1, w2, … are important clues to predict <label> as the correct answer.\\n<label>",
        "",
        "example:",
        "  glassbox amplify --model m.gguf --train dev.jsonl --dataset test.jsonl --demonstrations 4 --prompt-out amplify.txt",
    ].join("\n"),
    async run({options, io}) {
        const development = loadDataset({dataset: options.train, input: undefined, limit: undefined}, "amplify");
        const dataset = loadDataset(options, "amplify");
        checkOutputOptions(options, ["prompt-out"]);
        const model = await openCheckModel(options, "amplify", io);
        let proxy: Backend = model;
        try {
            if (options.proxy !== undefined) proxy = await openSecondModel(options, "proxy", options.proxy, "amplify", io);
            const settings = {
                demonstrations: options.demonstrations,
                words: options.words,
                method: options.method,
                seed: options.seed,
                prediction: {generationOnly: options["generation-only"]},
            };
            io.progress(`building the prompt from ${development.items.length} development items`);
            const prompt = await buildAmplifyPrompt(model, proxy, development.items, settings);
            io.progressDone();
            const promptKept = options["prompt-out"] === undefined || writeResultKept(io, "--prompt-out", options["prompt-out"], prompt.prefix);
            const keyOptions = {...settings, proxy: proxy.id, train: options.train, promptHash: sha256Hex(prompt.prefix)};
            const outcome = await runCheck({
                command: "amplify",
                options,
                io,
                model,
                dataset,
                keyOptions,
                evaluate: (item) => amplifyItem(model, item, prompt.prefix, settings),
                summarize: (items, malformed) => ({
                    ...summarizeAmplify(items, malformed.length),
                    prompt: {
                        demonstrations: prompt.demonstrations,
                        developmentItems: prompt.developmentItems,
                        misclassified: prompt.misclassified,
                        unparseable: prompt.unparseable,
                    },
                }),
            });
            const summary = outcome.result.summary as AmplifySummary;
            if (options.json) {
                io.stdout.write(
                    jsonDocument("amplify", {
                        run: outcome.result.run.id,
                        status: outcome.result.run.status,
                        db: outcome.db,
                        prefix: prompt.prefix,
                        summary,
                        malformed: outcome.result.malformed,
                    }),
                );
            } else {
                io.stdout.write(
                    [
                        `AMPLIFY on ${model.name}: ${prompt.demonstrations.length} demonstrations from ${prompt.misclassified} misclassified of ${prompt.developmentItems} development items`,
                        ...prompt.demonstrations.map(
                            (demonstration) =>
                                `  ${demonstration.itemId}: ${demonstration.label} (predicted ${demonstration.predicted ?? "nothing"}${demonstration.mcs === null ? "" : `, MCS ${demonstration.mcs.toFixed(3)}`}) key words: ${demonstration.words.join(", ") || "(none)"}`,
                        ),
                        `accuracy without: ${summary.correctWithout}/${summary.labelled} = ${formatRate(summary.accuracyWithout)}`,
                        `accuracy with:    ${summary.correctWith}/${summary.labelled} = ${formatRate(summary.accuracyWith)}`,
                        ...runFooter(outcome),
                    ].join("\n") + "\n",
                );
            }
            const code = exitCodeFor(outcome);
            return code === 0 && !promptKept ? 1 : code;
        } finally {
            if (proxy !== model) await proxy.dispose();
            await model.dispose();
        }
    },
});
