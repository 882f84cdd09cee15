/** `amplify` declared: the few-shot prompt is built in setup, then each item is answered with and without it. */
import {attributionMethodNames} from "../../attribution/registry.js";
import {sha256Hex} from "../../foundation/canonical-json.js";
import {defineCheck} from "../check-definition.js";
import {formatRate} from "../report-text.js";
import {amplifyCapabilities, amplifyItem, buildAmplifyPrompt, summarizeAmplify} from "./amplify.js";

export const amplifyCheck = defineCheck({
    name: "amplify",
    summary: "Build AMPLIFY rationales from attributions of misclassified items and measure accuracy with and without them.",
    usage: "amplify --model PATH.gguf --train DEV.jsonl --dataset TEST.jsonl [--proxy PATH.gguf] [--demonstrations N] [--words K] [--prompt-out FILE] [--db PATH] [--json]",
    options: {
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
    outputFlags: ["prompt-out"],
    settings: (values, context) => ({
        development: context.readDataset(values.train),
        train: values.train,
        proxy: values.proxy,
        promptOut: values["prompt-out"],
        amplify: {
            demonstrations: values.demonstrations,
            words: values.words,
            method: values.method,
            seed: values.seed,
            prediction: {generationOnly: values["generation-only"]},
        },
    }),
    async setup(settings, context) {
        const proxy = settings.proxy === undefined ? context.model : await context.openModel("proxy", settings.proxy);
        context.progress(`building the prompt from ${settings.development.length} development items`);
        const prompt = await buildAmplifyPrompt(context.model, proxy, settings.development, settings.amplify);
        context.progressDone();
        if (settings.promptOut !== undefined) context.writeOutput("--prompt-out", settings.promptOut, prompt.prefix);
        return {amplify: settings.amplify, train: settings.train, proxyId: proxy.id, prompt};
    },
    keyOptions: (session) => ({...session.amplify, proxy: session.proxyId, train: session.train, promptHash: sha256Hex(session.prompt.prefix)}),
    evaluate: (item, {session, model}) => amplifyItem(model, item, session.prompt.prefix, session.amplify),
    summarize: (records, {session: {prompt}, malformedLines}) => ({
        ...summarizeAmplify(records, malformedLines),
        prompt: {
            demonstrations: prompt.demonstrations,
            developmentItems: prompt.developmentItems,
            misclassified: prompt.misclassified,
            unparseable: prompt.unparseable,
        },
    }),
    render: (summary, {session: {prompt}, modelName}) => [
        `AMPLIFY on ${modelName}: ${prompt.demonstrations.length} demonstrations from ${prompt.misclassified} misclassified of ${prompt.developmentItems} development items`,
        ...prompt.demonstrations.map(
            (demonstration) =>
                `  ${demonstration.itemId}: ${demonstration.label} (predicted ${demonstration.predicted ?? "nothing"}${demonstration.mcs === null ? "" : `, MCS ${demonstration.mcs.toFixed(3)}`}) key words: ${demonstration.words.join(", ") || "(none)"}`,
        ),
        `accuracy without: ${summary.correctWithout}/${summary.labelled} = ${formatRate(summary.accuracyWithout)}`,
        `accuracy with:    ${summary.correctWith}/${summary.labelled} = ${formatRate(summary.accuracyWith)}`,
    ],
    json: {resumedItems: false, beforeSummary: (session) => ({prefix: session.prompt.prefix})},
});
