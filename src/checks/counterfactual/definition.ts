/** `check counterfactual` declared: flags, settings, per-item evaluation, summary and its text report. */
import {defineCheck} from "../check-definition.js";
import {counterfactualCapabilities, counterfactualItem, summarizeCounterfactual} from "./check.js";
import {counterfactualReport} from "./report.js";
import {readWordLists} from "./word-list-files.js";

export const counterfactualCheck = defineCheck({
    name: "check counterfactual",
    summary: "Insert a word, see if the answer flips, and whether the explanation mentions the word (Atanasova et al. 2023).",
    usage: "check counterfactual --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--edits N] [--stop-at-first-flip] [--db PATH] [--json]",
    options: {
        "edits": {kind: "integer", valueName: "N", min: 1, max: 200, default: 10, description: "Insertion edits per item."},
        "stop-at-first-flip": {kind: "boolean", description: "Stop an item's edits at the first flip (the CC-SHAP port's protocol)."},
        "adjectives": {kind: "string", valueName: "FILE", description: "Adjectives to insert before nouns (default: data/wordlists/adjectives.txt)."},
        "adverbs": {kind: "string", valueName: "FILE", description: "Adverbs to insert before verbs (default: data/wordlists/adverbs.txt)."},
        "generation-only": {kind: "boolean", description: "Read answers from generated text even when the backend scores."},
        "max-tokens": {kind: "integer", valueName: "N", min: 1, default: 48, description: "Most tokens of each explanation."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    parameterFlags: {maxExplanationTokens: "max-tokens"},
    details: [
        `Needs: ${counterfactualCapabilities.needs} (${counterfactualCapabilities.note}).`,
        "unfaithfulness = unfaithful / flipped: an item is flipped when some edit changes its answer, unfaithful when",
        "some flipping edit's inserted word is missing (case-insensitive substring) from the explanation of the edited input.",
        "",
        "examples:",
        "  glassbox check counterfactual --model m.gguf --dataset reviews.jsonl --edits 20",
        "  glassbox check counterfactual --model scripted:lying-explainer --dataset reviews.jsonl --json",
    ].join("\n"),
    settings: (values, context) => ({
        wordLists: readWordLists(context, values),
        edits: values.edits,
        seed: values.seed,
        stopAtFirstFlip: values["stop-at-first-flip"],
        generationOnly: values["generation-only"],
        maxExplanationTokens: values["max-tokens"],
        adjectivesFile: values.adjectives ?? null,
        adverbsFile: values.adverbs ?? null,
    }),
    setup: async (settings) => settings,
    keyOptions: ({wordLists, adjectivesFile, adverbsFile, ...rest}) => ({
        ...rest,
        adjectives: wordLists.adjectives.length,
        adverbs: wordLists.adverbs.length,
        adjectivesFile,
        adverbsFile,
    }),
    evaluate: (item, {session: {adjectivesFile: _adjectives, adverbsFile: _adverbs, ...settings}, model}) => counterfactualItem(model, item, settings),
    summarize: (records, {malformedLines}) => summarizeCounterfactual(records, malformedLines),
    render: (summary, {modelName}) => counterfactualReport(`counterfactual test on ${modelName}`, summary),
});
