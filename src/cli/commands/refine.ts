/** `glassbox refine`: SR-NLE self-refinement of explanations, with unfaithfulness before and after each round. */
import {counterfactualItem, summarizeCounterfactual, type CounterfactualSummary} from "../../checks/counterfactual/check.js";
import {feedbackKinds, feedbackNeedsScoring} from "../../checks/refine/feedback.js";
import {refineExplanation} from "../../checks/refine/loop.js";
import {attributionMethodNames} from "../../attribution/registry.js";
import {CapabilityError} from "../../errors.js";
import {defineCommand} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {datasetOptionSpecs, exitCodeFor, loadDataset, loadWordLists, openCheckModel, runCheck, runFooter} from "./check-support.js";
import {counterfactualReport} from "./check.js";

export const refineCommand = defineCommand({
    name: "refine",
    summary: "Self-refine explanations with feedback (SR-NLE) and measure unfaithfulness before and after each round.",
    usage: "refine --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--feedback nl|iw|attribution|random] [--rounds N] [--edits N] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
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
    async run({options, io}) {
        const dataset = loadDataset(options, "refine");
        const wordLists = loadWordLists(options);
        const model = await openCheckModel(options, "refine", io);
        try {
            const kind = options.feedback;
            if (feedbackNeedsScoring(kind) && !model.capabilities.scoring) {
                throw new CapabilityError(`--feedback attribution needs a backend that scores prompt tokens; ${model.name} only generates`, {
                    hint: "use --feedback nl, iw or random",
                });
            }
            const refineSettings = {
                kind,
                rounds: options.rounds,
                words: options.words,
                method: options.method,
                seed: options.seed,
                maxExplanationTokens: options["max-tokens"],
            };
            const settings = {
                wordLists,
                edits: options.edits,
                seed: options.seed,
                generationOnly: options["generation-only"],
            };
            const keyOptions = {
                ...refineSettings,
                edits: settings.edits,
                generationOnly: settings.generationOnly,
                adjectivesFile: options.adjectives ?? null,
                adverbsFile: options.adverbs ?? null,
            };
            const outcome = await runCheck({
                command: "refine",
                options,
                io,
                model,
                dataset,
                keyOptions,
                evaluate: (item) =>
                    counterfactualItem(model, item, {
                        ...settings,
                        explain: (input, answer) =>
                            refineExplanation(model, input, answer, {...refineSettings, ...(item.options === undefined ? {} : {options: item.options})}),
                    }),
                summarize: (items, malformed) => summarizeCounterfactual(items, malformed.length),
            });
            const summary = outcome.result.summary as CounterfactualSummary;
            if (options.json) {
                io.stdout.write(
                    jsonDocument("refine", {
                        feedback: kind,
                        rounds: refineSettings.rounds,
                        run: outcome.result.run.id,
                        status: outcome.result.run.status,
                        db: outcome.db,
                        resumedItems: outcome.result.skipped,
                        summary,
                        malformed: outcome.result.malformed,
                    }),
                );
            } else {
                io.stdout.write(
                    `${[...counterfactualReport(`refine (${kind} feedback, ${refineSettings.rounds} rounds) on ${model.name}`, summary), ...runFooter(outcome)].join("\n")}\n`,
                );
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});
