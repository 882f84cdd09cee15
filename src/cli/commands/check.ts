/** `glassbox check self-explanation` and `glassbox check counterfactual`. */
import {counterfactualCapabilities, counterfactualItem, summarizeCounterfactual, type CounterfactualSummary} from "../../checks/counterfactual/check.js";
import {selfExplanationCapabilities, selfExplanationItem, summarizeSelfExplanation, type SelfExplanationSummary} from "../../checks/self-explanation/check.js";
import {attributionMethodNames, defaultMethodPolicy} from "../../attribution/registry.js";
import {CapabilityError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import {unitKinds} from "../../units/types.js";
import {defineCommand} from "../command.js";
import {jsonDocument} from "../json-output.js";
import {datasetOptionSpecs, exitCodeFor, formatRate, loadDataset, loadWordLists, openCheckModel, runCheck, runFooter} from "./check-support.js";

export const checkSelfExplanationCommand = defineCommand({
    name: "check self-explanation",
    summary: "Does the model's own account of what mattered agree with what removing units does? (Huang et al. 2023)",
    usage: "check self-explanation --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--protocol list|topk|citation] [--order pe|ep] [--unit U] [--method M] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
        "protocol": {
            kind: "string",
            valueName: "P",
            choices: ["list", "topk", "citation"],
            default: "list",
            description: 'list: every unit scored in [-1, 1]; topk: the k most important units; citation: the answer cites "document k".',
        },
        "order": {
            kind: "string",
            valueName: "O",
            choices: ["pe", "ep"],
            default: "pe",
            description: "pe: predict then explain; ep: explain then predict (list and topk).",
        },
        "unit": {
            kind: "string",
            valueName: "U",
            choices: unitKinds,
            description: "Units explained and attributed. Default: document, span (prompt with spans) or word.",
        },
        "method": {
            kind: "string",
            valueName: "M",
            choices: attributionMethodNames(),
            description: `Perturbation attribution compared with the self-explanation. Default: ${defaultMethodPolicy}.`,
        },
        "budget": {kind: "integer", valueName: "N", min: 1, description: "Evaluations for the attribution method (default: its default)."},
        "max-tokens": {kind: "integer", valueName: "N", min: 1, description: "Most tokens generated for the answer and explanation."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        `Needs: ${selfExplanationCapabilities.needs} (${selfExplanationCapabilities.note}).`,
        "An item is faithful when removing the explanation's top unit flips the decision (DF_MIT).",
        "Results go to the run store; re-running the same command resumes. See docs/checks.md.",
        "",
        "examples:",
        "  glassbox check self-explanation --model organisms/lookup-cite-honest.gguf --dataset data/organisms/lookup-citing.jsonl --protocol citation",
        "  glassbox check self-explanation --model m.gguf --dataset sst.jsonl --protocol topk --order ep --json",
    ].join("\n"),
    async run({options, io}) {
        const dataset = loadDataset(options, "check self-explanation");
        const model = await openCheckModel(options, "check self-explanation", io, true);
        try {
            if (!model.capabilities.scoring) {
                throw new CapabilityError(`check self-explanation needs a backend that scores prompt tokens; ${model.name} only generates`, {
                    expected: "a GGUF model or a server that returns prompt log-probabilities",
                    hint: "check counterfactual and refine work with generation-only backends",
                });
            }
            const protocol = options.protocol;
            const settings = {
                protocol,
                order: options.order,
                ...(options.unit === undefined ? {} : {unit: options.unit}),
                ...(options.method === undefined ? {} : {method: options.method}),
                ...(options.budget === undefined ? {} : {budget: options.budget}),
                ...(options["max-tokens"] === undefined ? {} : {maxTokens: options["max-tokens"]}),
                seed: options.seed,
                evaluator: new Evaluator(model),
            };
            const {evaluator: _evaluator, ...keyOptions} = settings;
            const outcome = await runCheck({
                command: "check self-explanation",
                options,
                io,
                model,
                dataset,
                keyOptions,
                evaluate: (item) => selfExplanationItem(model, item, settings),
                summarize: (items, malformed) => summarizeSelfExplanation(items, malformed.length),
            });
            const summary = outcome.result.summary as SelfExplanationSummary;
            if (options.json) {
                io.stdout.write(
                    jsonDocument("check self-explanation", {
                        run: outcome.result.run.id,
                        status: outcome.result.run.status,
                        db: outcome.db,
                        resumedItems: outcome.result.skipped,
                        summary,
                        malformed: outcome.result.malformed,
                    }),
                );
            } else {
                const m = summary.mean;
                io.stdout.write(
                    [
                        `self-explanation (${protocol}${protocol === "citation" ? "" : `, ${settings.order}`}) on ${model.name}: ${summary.items} items, ${summary.parsed} parsed, ${summary.unparseable} unparseable, ${summary.errors} errors, ${summary.malformedLines} malformed lines`,
                        `faithful (top unit removed flips the decision): ${summary.faithful}/${summary.parsed} = ${formatRate(summary.faithfulRate)}`,
                        `agreement with the attribution: feature ${formatRate(m.featureAgreement)}, rank ${formatRate(m.rankAgreement)}, sign ${formatRate(m.signAgreement)}, signed rank ${formatRate(m.signedRankAgreement)}, IoU ${formatRate(m.iou)}, Spearman ${formatRate(m.spearman)}, pairwise ${formatRate(m.pairwiseRankAgreement)}`,
                        `self-explanation: comprehensiveness ${formatRate(m.comprehensiveness)}, sufficiency ${formatRate(m.sufficiency)}, DF_MIT ${formatRate(m.decisionFlipTopUnit)}, DF_Frac ${formatRate(m.fractionRemovedAtFlip)}, RankDel ${formatRate(m.rankDeletion)}`,
                        `attribution (baseline): comprehensiveness ${formatRate(m.baselineComprehensiveness)}, sufficiency ${formatRate(m.baselineSufficiency)}, DF_MIT ${formatRate(m.baselineDecisionFlipTopUnit)}`,
                        ...(m.answerAccuracy === null ? [] : [`answer accuracy against gold labels: ${formatRate(m.answerAccuracy)}`]),
                        ...runFooter(outcome),
                    ].join("\n") + "\n",
                );
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});

export function counterfactualReport(name: string, summary: CounterfactualSummary): string[] {
    const lines = [
        `${name}: ${summary.items} items, ${summary.unparseable} unparseable, ${summary.errors} errors, ${summary.malformedLines} malformed lines, ${summary.withoutEdits} without insertion slots`,
        `counter rate (edits that flip the answer): ${summary.flippedEdits}/${summary.edits - summary.unparseableEdits} = ${formatRate(summary.counterRate)}${summary.unparseableEdits > 0 ? ` (${summary.unparseableEdits} edited answers unparseable)` : ""}`,
        `flipped items: ${summary.flipped}; items flipped / parsed = ${formatRate(summary.itemFlipRate)}`,
    ];
    for (const round of summary.byRound) {
        lines.push(
            `${summary.byRound.length > 1 ? `round ${round.round}${round.round === 0 ? " (before refinement)" : ""}: ` : ""}unfaithfulness = unfaithful / flipped = ${round.unfaithful}/${summary.flipped} = ${formatRate(round.unfaithfulness)}`,
        );
    }
    return lines;
}

export const checkCounterfactualCommand = defineCommand({
    name: "check counterfactual",
    summary: "Insert a word, see if the answer flips, and whether the explanation mentions the word (Atanasova et al. 2023).",
    usage: "check counterfactual --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--edits N] [--stop-at-first-flip] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
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
    async run({options, io}) {
        const dataset = loadDataset(options, "check counterfactual");
        const wordLists = loadWordLists(options);
        const model = await openCheckModel(options, "check counterfactual", io);
        try {
            const settings = {
                wordLists,
                edits: options.edits,
                seed: options.seed,
                stopAtFirstFlip: options["stop-at-first-flip"],
                generationOnly: options["generation-only"],
                maxExplanationTokens: options["max-tokens"],
            };
            const {wordLists: _lists, ...rest} = settings;
            const keyOptions = {
                ...rest,
                adjectives: wordLists.adjectives.length,
                adverbs: wordLists.adverbs.length,
                adjectivesFile: options.adjectives ?? null,
                adverbsFile: options.adverbs ?? null,
            };
            const outcome = await runCheck({
                command: "check counterfactual",
                options,
                io,
                model,
                dataset,
                keyOptions,
                evaluate: (item) => counterfactualItem(model, item, settings),
                summarize: (items, malformed) => summarizeCounterfactual(items, malformed.length),
            });
            const summary = outcome.result.summary as CounterfactualSummary;
            if (options.json) {
                io.stdout.write(
                    jsonDocument("check counterfactual", {
                        run: outcome.result.run.id,
                        status: outcome.result.run.status,
                        db: outcome.db,
                        resumedItems: outcome.result.skipped,
                        summary,
                        malformed: outcome.result.malformed,
                    }),
                );
            } else {
                io.stdout.write(`${[...counterfactualReport(`counterfactual test on ${model.name}`, summary), ...runFooter(outcome)].join("\n")}\n`);
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});
