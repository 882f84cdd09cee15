/** `analyze confidence` declared: confidence in the chosen option, directly and after chain of thought. */
import type {CalibrationSummary} from "../../reasoning/calibration.js";
import {confidenceItem, summarizeConfidence} from "../../reasoning/confidence.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {defineCheck, finishedVerdicts} from "../check-definition.js";
import {multipleChoiceFields} from "../item-fields.js";
import {formatRate} from "../report-text.js";

function calibrationLine(name: string, summary: CalibrationSummary): string {
    return (
        `${name}: accuracy ${formatRate(summary.accuracy)}, ECE ${formatRate(summary.ece)}, Brier ${formatRate(summary.brier)} (correct ${formatRate(summary.brierCorrect)}, incorrect ${formatRate(summary.brierIncorrect)}, multi-class ${formatRate(summary.multiclassBrier)}); ` +
        `mean confidence ${formatRate(summary.meanConfidence)} — correct ${formatRate(summary.meanConfidenceCorrect)}, incorrect ${formatRate(summary.meanConfidenceIncorrect)}`
    );
}

export const confidenceCheck = defineCheck({
    name: "analyze confidence",
    summary: "Confidence in the chosen option, answering directly and after chain of thought: accuracy, ECE, Brier.",
    usage: "analyze confidence --model PATH.gguf --dataset FILE.jsonl [--bins N] [--db PATH] [--json]",
    options: {
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
    settings: (values) => ({maxChainTokens: values["max-chain-tokens"], bins: values.bins}),
    setup: async (settings, {model}) => ({...settings, reasoning: backendReasoningModel(model)}),
    keyOptions: ({maxChainTokens}) => ({maxChainTokens}),
    async evaluate(item, {session}) {
        const fields = multipleChoiceFields(item, "analyze confidence", false);
        const verdict = await confidenceItem(
            session.reasoning,
            {id: item.id, question: fields.question, options: fields.options, ...(fields.gold === undefined ? {} : {gold: fields.gold})},
            {maxChainTokens: session.maxChainTokens},
        );
        return {status: "ok", verdict};
    },
    summarize: (records, {session}) => summarizeConfidence(finishedVerdicts(records), session.bins),
    render: (summary, {modelName}) => [
        `confidence on ${modelName}: ${summary.items} items, ${summary.withGold} with a gold label; the chain changed the chosen option on ${summary.changedByCot}`,
        calibrationLine("direct", summary.direct),
        calibrationLine("after CoT", summary.cot),
    ],
    json: {problems: true},
});
