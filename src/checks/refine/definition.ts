/** `refine` declared: SR-NLE self-refinement inside the counterfactual test, with its flags and report. */
import {attributionMethodNames} from "../../attribution/registry.js";
import {CapabilityError} from "../../errors.js";
import {defineCheck} from "../check-definition.js";
import {counterfactualItem, summarizeCounterfactual} from "../counterfactual/check.js";
import {counterfactualReport} from "../counterfactual/report.js";
import {readWordLists} from "../counterfactual/word-list-files.js";
import {feedbackKinds, feedbackNeedsScoring} from "./feedback.js";
import {refineExplanation} from "./loop.js";

export const refineCheck = defineCheck({
    name: "refine",
    summary: "Self-refine explanations with feedback (SR-NLE) and measure unfaithfulness before and after each round.",
    usage: "refine --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--feedback nl|iw|attribution|random] [--rounds N] [--edits N] [--db PATH] [--json]",
    options: {
        "feedback": {
            kind: "string",
            valueName: "KIND",
            choices: feedbackKinds,
            default: "attribution",
            description: "nl: self-critique; iw: the model's important words; attribution: glassbox's attribution; random: control.",
        },
        "rounds": {kind: "integer", valueName: "N", min: 1, max: 10, default: 3, description: "Feedback and refinement rounds."},
        "words": {kind: "integer", valueName: "N", min: 1, max: 50, default: 5, description: "Important words per feedback (iw, attribution, random)."},
        "method": {
            kind: "string",
            valueName: "M",
            choices: attributionMethodNames(),
            default: "loo",
            description: "Attribution method for attribution feedback.",
        },
        "edits": {kind: "integer", valueName: "N", min: 1, max: 200, default: 10, description: "Insertion edits per item."},
        "adjectives": {kind: "string", valueName: "FILE", description: "Adjectives to insert (default: data/wordlists/adjectives.txt)."},
        "adverbs": {kind: "string", valueName: "FILE", description: "Adverbs to insert (default: data/wordlists/adverbs.txt)."},
        "generation-only": {kind: "boolean", description: "Read answers from generated text even when the backend scores."},
        "max-tokens": {kind: "integer", valueName: "N", min: 1, default: 48, description: "Most tokens of each explanation."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    parameterFlags: {maxExplanationTokens: "max-tokens"},
    details: [
        "Needs generation; attribution feedback also needs scoring (the others work on generation-only backends).",
        "Protocol: answer → post-hoc explanation → feedback → refined explanation, N rounds, on every input whose",
        "answer an insertion edit flips; unfaithfulness (inserted word missing from the explanation) per round.",
        "",
        "examples:",
        "  glassbox refine --model m.gguf --dataset reviews.jsonl --feedback attribution --rounds 3",
        "  glassbox refine --model m.gguf --dataset reviews.jsonl --feedback random --json",
    ].join("\n"),
    settings: (values, context) => ({
        refine: {
            kind: values.feedback,
            rounds: values.rounds,
            words: values.words,
            method: values.method,
            seed: values.seed,
            maxExplanationTokens: values["max-tokens"],
        },
        counterfactual: {
            wordLists: readWordLists(context, values),
            edits: values.edits,
            seed: values.seed,
            generationOnly: values["generation-only"],
        },
        adjectivesFile: values.adjectives ?? null,
        adverbsFile: values.adverbs ?? null,
    }),
    async setup(settings, {model}) {
        if (feedbackNeedsScoring(settings.refine.kind) && !model.capabilities.scoring) {
            throw new CapabilityError(`--feedback attribution needs a backend that scores prompt tokens; ${model.name} only generates`, {
                hint: "use --feedback nl, iw or random",
            });
        }
        return settings;
    },
    keyOptions: ({refine, counterfactual, adjectivesFile, adverbsFile}) => ({
        ...refine,
        edits: counterfactual.edits,
        generationOnly: counterfactual.generationOnly,
        adjectivesFile,
        adverbsFile,
    }),
    evaluate: (item, {session, model}) =>
        counterfactualItem(model, item, {
            ...session.counterfactual,
            explain: (input, answer) =>
                refineExplanation(model, input, answer, {...session.refine, ...(item.options === undefined ? {} : {options: item.options})}),
        }),
    summarize: (records, {malformedLines}) => summarizeCounterfactual(records, malformedLines),
    render: (summary, {session, modelName}) =>
        counterfactualReport(`refine (${session.refine.kind} feedback, ${session.refine.rounds} rounds) on ${modelName}`, summary),
    json: {leading: (session) => ({feedback: session.refine.kind, rounds: session.refine.rounds})},
});
