/** `glassbox analyze subthoughts` and `glassbox analyze confidence`. */
import {answerExtractor, answerExtractorNames} from "../../reasoning/answers.js";
import {confidenceItem, summarizeConfidence, type ConfidenceSummary, type ConfidenceVerdict} from "../../reasoning/confidence.js";
import type {CalibrationSummary} from "../../reasoning/calibration.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {subthoughtItem} from "../../reasoning/subthought-analysis.js";
import {defaultCueWords, summarizeSubthoughts, type SubthoughtItemVerdict, type SubthoughtSummary} from "../../reasoning/subthoughts.js";
import {ArgumentError} from "../../errors.js";
import {defineCommand} from "../command.js";
import {itemPromptText, itemSeed, jsonReport, multipleChoiceFields, storedVerdicts} from "./analyze-support.js";
import {datasetOptionSpecs, exitCodeFor, formatRate, loadDataset, openCheckModel, runCheck, runFooter} from "./check-support.js";

export const analyzeSubthoughtsCommand = defineCommand({
    name: "analyze subthoughts",
    summary: "Split a reasoning trace at cue words, continue from each prefix, and compare the answers' mode with the last answer.",
    usage: 'analyze subthoughts --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--cues "Wait,Hmm,…"] [--extract E] [--temperature T] [--db PATH] [--json]',
    options: {
        ...datasetOptionSpecs,
        "cues": {kind: "string", valueName: "LIST", description: `Comma-separated cue words (default: ${defaultCueWords.join(", ")}).`},
        "extract": {
            kind: "string",
            valueName: "E",
            choices: answerExtractorNames,
            default: "auto",
            description: 'How answers are read: \\boxed{}, the word after "answer", an option letter, the last number.',
        },
        "temperature": {kind: "number", valueName: "T", min: 0, max: 2, default: 0, description: "0: greedy continuations; above 0: one sample per prefix."},
        "max-trace-tokens": {kind: "integer", valueName: "N", min: 1, default: 512, description: 'Most tokens of a generated trace (items without "target").'},
        "max-tokens": {kind: "integer", valueName: "N", min: 1, default: 256, description: "Most tokens of each continuation."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        'An item\'s "target" is taken as its trace; otherwise the model\'s greedy trace is analysed. "label" is the gold answer.',
        "Entropy is in nats over the extracted answers; the mode's ties go to the answer seen last.",
        "",
        "examples:",
        '  glassbox analyze subthoughts --model m.gguf --dataset data/reasoning/subthoughts-sample.jsonl --cues "Wait,Hmm,Alternatively"',
    ].join("\n"),
    async run({options, io}) {
        const dataset = loadDataset(options, "analyze subthoughts");
        const cues =
            options.cues !== undefined
                ? options.cues
                      .split(",")
                      .map((cue) => cue.trim())
                      .filter((cue) => cue !== "")
                : [...defaultCueWords];
        if (cues.length === 0) throw new ArgumentError("--cues lists no cue words", {received: JSON.stringify(options.cues), hint: 'pass --cues "Wait,Hmm"'});
        const model = await openCheckModel(options, "analyze subthoughts", io);
        try {
            const reasoning = backendReasoningModel(model);
            const extractName = options.extract;
            const settings = {
                cues,
                extract: answerExtractor(extractName),
                maxTraceTokens: options["max-trace-tokens"],
                maxContinuationTokens: options["max-tokens"],
                temperature: options.temperature,
            };
            const seed = options.seed;
            const outcome = await runCheck({
                command: "analyze subthoughts",
                options,
                io,
                model,
                dataset,
                keyOptions: {
                    cues,
                    extract: extractName,
                    maxTraceTokens: settings.maxTraceTokens,
                    maxContinuationTokens: settings.maxContinuationTokens,
                    temperature: settings.temperature,
                },
                evaluate: async (item) => {
                    const verdict = await subthoughtItem(
                        reasoning,
                        {
                            id: item.id,
                            prompt: itemPromptText(item, "analyze subthoughts"),
                            ...(item.target === undefined ? {} : {trace: item.target}),
                            ...(item.label === undefined ? {} : {gold: item.label}),
                        },
                        {...settings, seed: itemSeed(seed, item.id)},
                    );
                    return verdict.lastAnswer === undefined
                        ? {status: "unparseable", verdict, error: `the trace has no extractable answer (--extract ${extractName})`}
                        : {status: "ok", verdict};
                },
                summarize: (items) => summarizeSubthoughts(storedVerdicts<SubthoughtItemVerdict>(items)),
            });
            const summary = outcome.result.summary as SubthoughtSummary;
            if (options.json) {
                io.stdout.write(jsonReport("analyze subthoughts", outcome, summary));
            } else {
                io.stdout.write(
                    `${[
                        `subthoughts on ${model.name}: ${summary.items} items, ${formatRate(summary.meanSubthoughts, 2)} subthoughts each on average, ${summary.noLastAnswer} traces without an extractable answer`,
                        `answer entropy: mean ${formatRate(summary.meanEntropy)} nats`,
                        summary.withGold === 0
                            ? "no gold labels: accuracy not computed"
                            : `against gold (${summary.withGold} items): last answer ${formatRate(summary.lastAccuracy)}, mode ${formatRate(summary.modeAccuracy)}; mode right where last wrong ${summary.modeBeatsLast}, last right where mode wrong ${summary.lastBeatsMode}`,
                        ...runFooter(outcome),
                    ].join("\n")}\n`,
                );
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});

function calibrationLine(name: string, summary: CalibrationSummary): string {
    return (
        `${name}: accuracy ${formatRate(summary.accuracy)}, ECE ${formatRate(summary.ece)}, Brier ${formatRate(summary.brier)} (correct ${formatRate(summary.brierCorrect)}, incorrect ${formatRate(summary.brierIncorrect)}, multi-class ${formatRate(summary.multiclassBrier)}); ` +
        `mean confidence ${formatRate(summary.meanConfidence)} — correct ${formatRate(summary.meanConfidenceCorrect)}, incorrect ${formatRate(summary.meanConfidenceIncorrect)}`
    );
}

export const analyzeConfidenceCommand = defineCommand({
    name: "analyze confidence",
    summary: "Confidence in the chosen option, answering directly and after chain of thought: accuracy, ECE, Brier.",
    usage: "analyze confidence --model PATH.gguf --dataset FILE.jsonl [--bins N] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
        "bins": {kind: "integer", valueName: "N", min: 1, max: 100, default: 10, description: "Equal-width confidence bins of the ECE."},
        "max-chain-tokens": {kind: "integer", valueName: "N", min: 1, default: 256, description: "Most tokens of a chain of thought."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        'Items are multiple choice ("question", "options", "label"). Confidence = probability of the chosen letter,',
        'normalised over the option letters, at "The best answer is: (" — directly, and after the model\'s own chain.',
        "Needs a backend that scores tokens.",
        "",
        "examples:",
        "  glassbox analyze confidence --model m.gguf --dataset data/reasoning/mcq-sample.jsonl --json",
    ].join("\n"),
    async run({options, io}) {
        const dataset = loadDataset(options, "analyze confidence");
        const model = await openCheckModel(options, "analyze confidence", io);
        try {
            const reasoning = backendReasoningModel(model);
            const maxChainTokens = options["max-chain-tokens"];
            const bins = options.bins;
            const outcome = await runCheck({
                command: "analyze confidence",
                options,
                io,
                model,
                dataset,
                keyOptions: {maxChainTokens},
                evaluate: async (item) => {
                    const fields = multipleChoiceFields(item, "analyze confidence", false);
                    const verdict = await confidenceItem(
                        reasoning,
                        {id: item.id, question: fields.question, options: fields.options, ...(fields.gold === undefined ? {} : {gold: fields.gold})},
                        {maxChainTokens},
                    );
                    return {status: "ok", verdict};
                },
                summarize: (items) => summarizeConfidence(storedVerdicts<ConfidenceVerdict>(items), bins),
            });
            const summary = outcome.result.summary as ConfidenceSummary;
            if (options.json) {
                io.stdout.write(jsonReport("analyze confidence", outcome, summary));
            } else {
                io.stdout.write(
                    `${[
                        `confidence on ${model.name}: ${summary.items} items, ${summary.withGold} with a gold label; the chain changed the chosen option on ${summary.changedByCot}`,
                        calibrationLine("direct", summary.direct),
                        calibrationLine("after CoT", summary.cot),
                        ...runFooter(outcome),
                    ].join("\n")}\n`,
                );
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});
