/** `check cot` declared: early answering, adding mistakes, paraphrasing, filler and step attribution (Lanham et al. 2023). */
import {ArgumentError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import {SeededRandom} from "../../foundation/random.js";
import {modelCompleter} from "../../protocol/index.js";
import {defineCheck, finishedVerdicts} from "../check-definition.js";
import {itemPromptText, itemSeed} from "../item-fields.js";
import {formatRate} from "../report-text.js";
import {attributeSteps, summarizeStepAttributions, type StepAttribution} from "../step-attribution/step-attribution.js";
import {cotCheckItem, summarizeCotCheck, type CotCheckVerdict} from "./cot-check.js";
import {delimitedFormat} from "./format.js";
import {arithmeticMistake, arithmeticMistakeWithin, type MistakeGenerator} from "./mistakes.js";
import {modelMistakeGenerator} from "./model-mistakes.js";
import {modelParaphraser} from "./paraphrase-filler.js";

/** What is stored per item: the tests' verdict and, with --attribute-steps, the steps' attribution. */
export type StoredCotVerdict = CotCheckVerdict & {stepAttribution?: StepAttribution};

export const cotCheck = defineCheck({
    name: "check cot",
    summary: "Does the chain of thought drive the answer? Early answering, adding mistakes, paraphrasing, filler (Lanham et al. 2023).",
    usage: "check cot --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--separator S] [--answer-marker M] [--mistakes arithmetic|model] [--paraphrase-model PATH] [--attribute-steps] [--db PATH] [--json]",
    options: {
        "separator": {kind: "string", valueName: "S", default: ".", description: "Text between reasoning steps."},
        "answer-marker": {
            kind: "string",
            valueName: "M",
            default: "answer is",
            description: "Text that introduces the final answer (the answer is forced by appending it).",
        },
        "placement": {
            kind: "string",
            valueName: "P",
            choices: ["after-each-step", "between-steps"],
            default: "after-each-step",
            description: "Whether the separator closes every step or only joins steps.",
        },
        "mistakes": {
            kind: "string",
            valueName: "M",
            choices: ["arithmetic", "model"],
            default: "arithmetic",
            description: "arithmetic: the last number of a step is changed; model: --mistake-model rewrites the step.",
        },
        "mistake-model": {kind: "string", valueName: "PATH.gguf", description: "Model that writes mistakes (with --mistakes model)."},
        "mistake-range": {
            kind: "string",
            valueName: "LOW..HIGH",
            description:
                "With --mistakes arithmetic: the new number lies in LOW…HIGH (the arithmetic organisms know 0..36); default: any number with as many digits.",
        },
        "paraphrase-model": {kind: "string", valueName: "PATH.gguf", description: "Model that rewords steps; without it the paraphrasing test is skipped."},
        "filler-unit": {kind: "string", valueName: "TEXT", default: " ...", description: "Filler repeated to the chain's length."},
        "attribute-steps": {kind: "boolean", description: "Also attribute the answer's log-probability to the chain's steps (exact Shapley up to 10 steps)."},
        "max-chain-tokens": {kind: "integer", valueName: "N", min: 1, default: 128, description: "Most tokens of a chain or continuation."},
        "max-answer-tokens": {kind: "integer", valueName: "N", min: 1, default: 4, description: "Most tokens of a forced answer."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        'Each item\'s chain is its "target" when given, else generated greedily; it is split into steps at the separator and',
        "the answer follows the marker.",
        "AOC integration rule: left Riemann sum over the L intervention points, weighted over chain lengths (docs/reasoning.md).",
        "",
        "examples:",
        '  glassbox check cot --model organisms/arith-faithful.gguf --dataset data/reasoning/arith.jsonl --separator , --answer-marker "; answer" --placement between-steps --mistake-range 0..36 --attribute-steps',
        "  glassbox check cot --model m.gguf --dataset gsm.jsonl --mistakes model --mistake-model base.gguf --paraphrase-model base.gguf --json",
    ].join("\n"),
    settings(values) {
        const mistakeModel = values["mistake-model"];
        if (values.mistakes === "model" && mistakeModel === undefined) {
            throw new ArgumentError("--mistakes model needs --mistake-model PATH.gguf", {
                hint: "name the model that writes mistakes, or use --mistakes arithmetic",
            });
        }
        return {
            ruleMistake: arithmeticMistakeFor(values["mistake-range"]),
            mistakeModelPath: values.mistakes === "model" ? mistakeModel : undefined,
            paraphraseModelPath: values["paraphrase-model"],
            key: {
                separator: values.separator,
                answerMarker: values["answer-marker"],
                placement: values.placement,
                mistakes: values.mistakes,
                mistakeRange: values["mistake-range"] ?? null,
                fillerUnit: values["filler-unit"],
                attributeSteps: values["attribute-steps"],
                maxChainTokens: values["max-chain-tokens"],
                maxAnswerTokens: values["max-answer-tokens"],
            },
            seed: values.seed,
        };
    },
    async setup(settings, {model, openModel}) {
        const {key} = settings;
        const format = delimitedFormat({separator: key.separator, answerMarker: key.answerMarker, placement: key.placement});
        const mistakeModel = settings.mistakeModelPath === undefined ? undefined : await openModel("mistake-model", settings.mistakeModelPath);
        const paraphraseModel = settings.paraphraseModelPath === undefined ? undefined : await openModel("paraphrase-model", settings.paraphraseModelPath);
        return {
            key,
            seed: settings.seed,
            format,
            completer: modelCompleter(model),
            evaluator: key.attributeSteps ? new Evaluator(model) : undefined,
            mistakeModel,
            paraphraseModel,
            tests: {
                format,
                maxChainTokens: key.maxChainTokens,
                maxAnswerTokens: key.maxAnswerTokens,
                mistake: mistakeModel === undefined ? settings.ruleMistake : modelMistakeGenerator(modelCompleter(mistakeModel)),
                ...(paraphraseModel === undefined ? {} : {paraphraser: modelParaphraser(modelCompleter(paraphraseModel))}),
                fillerUnit: key.fillerUnit,
            },
        };
    },
    keyOptions: ({key, mistakeModel, paraphraseModel}) => ({
        separator: key.separator,
        answerMarker: key.answerMarker,
        placement: key.placement,
        mistakes: key.mistakes,
        mistakeModel: mistakeModel?.id ?? null,
        mistakeRange: key.mistakeRange,
        paraphraseModel: paraphraseModel?.id ?? null,
        fillerUnit: key.fillerUnit,
        attributeSteps: key.attributeSteps,
        maxChainTokens: key.maxChainTokens,
        maxAnswerTokens: key.maxAnswerTokens,
    }),
    async evaluate(item, {session, model}) {
        const prompt = itemPromptText(item, "check cot");
        const verdict: StoredCotVerdict = await cotCheckItem(
            session.completer,
            {
                id: item.id,
                prompt,
                ...(item.label === undefined ? {} : {gold: item.label}),
                ...(item.target === undefined ? {} : {chain: item.target}),
            },
            {...session.tests, random: new SeededRandom(itemSeed(session.seed, item.id))},
        );
        if (verdict.status !== "ok") {
            return {
                status: "unparseable",
                verdict,
                error: verdict.status === "no-answer" ? `no answer after "${session.key.answerMarker}" in the chain` : "the chain has no steps",
            };
        }
        if (session.evaluator !== undefined) {
            verdict.stepAttribution = await attributeSteps(prompt, verdict.chain, verdict.answer, {
                backend: model,
                evaluator: session.evaluator,
                format: session.format,
                seed: session.seed,
            });
        }
        return {status: "ok", verdict};
    },
    summarize(records, {session}) {
        const verdicts = finishedVerdicts(records);
        const attributions = verdicts.flatMap((verdict) => (verdict.stepAttribution === undefined ? [] : [verdict.stepAttribution]));
        return {
            ...summarizeCotCheck(verdicts, session.format.normalize),
            ...(session.key.attributeSteps ? {stepAttribution: summarizeStepAttributions(attributions)} : {}),
        };
    },
    render(summary, {session, modelName}) {
        const curve = (points: readonly {x: number; y: number}[]): string => points.map((point) => `${point.x.toFixed(2)}:${point.y.toFixed(2)}`).join(" ");
        return [
            `check cot on ${modelName}: ${summary.items} items, ${summary.ok} with a chain and an answer, ${summary.noAnswer} without an answer, ${summary.noSteps} without steps`,
            `early answering: AOC ${areaText(summary.earlyAnswering)}`,
            ...summary.earlyAnswering.byLength.map(
                (entry) =>
                    `  L=${entry.steps} (${entry.items} items, w=${entry.weight.toFixed(2)}): AOC ${formatRate(entry.areaOverCurve)}  curve ${curve(entry.curve)}`,
            ),
            `adding mistakes: AOC ${areaText(summary.addingMistakes)}${summary.withoutMistakes > 0 ? ` (${summary.withoutMistakes} items had no step to put a mistake in)` : ""}`,
            ...summary.addingMistakes.byLength.map(
                (entry) =>
                    `  L=${entry.steps} (${entry.items} items, w=${entry.weight.toFixed(2)}): AOC ${formatRate(entry.areaOverCurve)}  curve ${curve(entry.curve)}`,
            ),
            session.paraphraseModel === undefined
                ? "paraphrasing: skipped (no --paraphrase-model)"
                : `paraphrasing: answers kept ${formatRate(summary.paraphrasing.matchRate)}, AOC ${formatRate(summary.paraphrasing.areaOverCurve)}`,
            `filler: answer kept ${formatRate(summary.filler.matchesOriginal)}; accuracy with filler ${formatRate(summary.filler.accuracy)}, without a chain ${formatRate(summary.filler.noChainAccuracy)}, with the chain ${formatRate(summary.accuracy)}` +
                `${summary.filler.skipped > 0 ? ` (skipped on ${summary.filler.skipped} items: the filler does not fit the context)` : ""}`,
            ...(summary.stepAttribution === undefined
                ? []
                : [
                      `step attribution: last step ranked first on ${formatRate(summary.stepAttribution.lastStepFirstRate)} of ${summary.stepAttribution.items} items (mean rank of the last step ${formatRate(summary.stepAttribution.meanLastStepRank, 2)}); the chain moves log p(answer) by ${formatRate(summary.stepAttribution.meanChainEffect, 2)} nats on average, the last step ${formatRate(summary.stepAttribution.meanLastStepValue, 2)}`,
                  ]),
            `integration rule: ${summary.integrationRule}`,
        ];
    },
    json: {problems: true},
});

/** An area over the curve, or "n/a (why)" when no item had a curve: never a 0 that reads as a verdict. */
function areaText(summary: {areaOverCurve: number | null; reason?: string}): string {
    return summary.areaOverCurve === null ? `n/a (${summary.reason ?? "no data"})` : formatRate(summary.areaOverCurve);
}

/** The rule-based mistake: any number with as many digits, or one within --mistake-range LOW..HIGH. */
function arithmeticMistakeFor(range: string | undefined): MistakeGenerator {
    if (range === undefined) return arithmeticMistake;
    const match = /^(\d+)\.\.(\d+)$/.exec(range);
    const low = Number(match?.[1]),
        high = Number(match?.[2]);
    if (match === null || high <= low) {
        throw new ArgumentError(`--mistake-range expects LOW..HIGH with LOW < HIGH, received "${range}"`, {hint: "e.g. --mistake-range 0..36"});
    }
    return arithmeticMistakeWithin(low, high);
}
