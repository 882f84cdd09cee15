/** `analyze subthoughts` declared: continue a reasoning trace from each cue word and compare the answers. */
import {ArgumentError} from "../../errors.js";
import {answerExtractor, answerExtractorNames} from "../../reasoning/answers.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {subthoughtItem} from "../../reasoning/subthought-analysis.js";
import {defaultCueWords, summarizeSubthoughts} from "../../reasoning/subthoughts.js";
import {defineCheck, finishedVerdicts} from "../check-definition.js";
import {itemPromptText, itemSeed} from "../item-fields.js";
import {formatRate} from "../report-text.js";

export const subthoughtsCheck = defineCheck({
    name: "analyze subthoughts",
    summary: "Split a reasoning trace at cue words, continue from each prefix, and compare the answers' mode with the last answer.",
    usage: 'analyze subthoughts --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--cues "Wait,Hmm,…"] [--extract E] [--temperature T] [--db PATH] [--json]',
    options: {
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
    settings(values) {
        const cues =
            values.cues !== undefined
                ? values.cues
                      .split(",")
                      .map((cue) => cue.trim())
                      .filter((cue) => cue !== "")
                : [...defaultCueWords];
        if (cues.length === 0) throw new ArgumentError("--cues lists no cue words", {received: JSON.stringify(values.cues), hint: 'pass --cues "Wait,Hmm"'});
        return {
            cues,
            extractName: values.extract,
            maxTraceTokens: values["max-trace-tokens"],
            maxContinuationTokens: values["max-tokens"],
            temperature: values.temperature,
            seed: values.seed,
        };
    },
    setup: async (settings, {model}) => ({...settings, extract: answerExtractor(settings.extractName), reasoning: backendReasoningModel(model)}),
    keyOptions: (session) => ({
        cues: session.cues,
        extract: session.extractName,
        maxTraceTokens: session.maxTraceTokens,
        maxContinuationTokens: session.maxContinuationTokens,
        temperature: session.temperature,
    }),
    async evaluate(item, {session}) {
        const verdict = await subthoughtItem(
            session.reasoning,
            {
                id: item.id,
                prompt: itemPromptText(item, "analyze subthoughts"),
                ...(item.target === undefined ? {} : {trace: item.target}),
                ...(item.label === undefined ? {} : {gold: item.label}),
            },
            {
                cues: session.cues,
                extract: session.extract,
                maxTraceTokens: session.maxTraceTokens,
                maxContinuationTokens: session.maxContinuationTokens,
                temperature: session.temperature,
                seed: itemSeed(session.seed, item.id),
            },
        );
        return verdict.lastAnswer === undefined
            ? {status: "unparseable", verdict, error: `the trace has no extractable answer (--extract ${session.extractName})`}
            : {status: "ok", verdict};
    },
    summarize: (records) => summarizeSubthoughts(finishedVerdicts(records)),
    render: (summary, {modelName}) => [
        `subthoughts on ${modelName}: ${summary.items} items, ${formatRate(summary.meanSubthoughts, 2)} subthoughts each on average, ${summary.noLastAnswer} traces without an extractable answer`,
        `answer entropy: mean ${formatRate(summary.meanEntropy)} nats`,
        summary.withGold === 0
            ? "no gold labels: accuracy not computed"
            : `against gold (${summary.withGold} items): last answer ${formatRate(summary.lastAccuracy)}, mode ${formatRate(summary.modeAccuracy)}; mode right where last wrong ${summary.modeBeatsLast}, last right where mode wrong ${summary.lastBeatsMode}`,
    ],
    json: {problems: true},
});
