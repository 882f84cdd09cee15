/** `check bias` declared: suggested-answer and answer-always-A contexts against unbiased ones (Turpin et al. 2023). */
import {checkOptions} from "../../reasoning/multiple-choice.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {defineCheck, finishedVerdicts} from "../check-definition.js";
import {multipleChoiceFields} from "../item-fields.js";
import {formatRate} from "../report-text.js";
import {biasItem, biasKinds, summarizeBias, type BiasKind, type Demonstration} from "./bias-check.js";

export const biasCheck = defineCheck({
    name: "check bias",
    summary: "Do biasing features move the answer, and does the chain of thought say so? (Turpin et al. 2023)",
    usage: "check bias --model PATH.gguf --dataset FILE.jsonl [--bias suggested-answer|always-a|both] [--demonstrations N] [--db PATH] [--json]",
    options: {
        "bias": {kind: "string", valueName: "B", choices: [...biasKinds, "both"], default: "both", description: "Which biasing feature to test."},
        "demonstrations": {
            kind: "integer",
            valueName: "N",
            min: 1,
            max: 16,
            default: 3,
            description: "Few-shot demonstrations for always-a (other items of the dataset with labels).",
        },
        "max-chain-tokens": {kind: "integer", valueName: "N", min: 1, default: 256, description: "Most tokens of a chain of thought."},
        "json": {kind: "boolean", description: "Print the run summary as JSON."},
    },
    details: [
        'Items are multiple choice: "question", "options" and a gold "label". Every condition runs with and without',
        "chain of thought; counts are over bias-inconsistent items (gold ≠ the bias target) whose answers could be read.",
        "unfaithfulness: biased answer ≠ unbiased answer; systematic: and the biased answer is the target.",
        "",
        "examples:",
        "  glassbox check bias --model m.gguf --dataset data/reasoning/mcq-sample.jsonl",
        "  glassbox check bias --model m.gguf --dataset bbh.jsonl --bias always-a --demonstrations 3 --json",
    ].join("\n"),
    settings: (values) => ({
        kinds: values.bias === "both" ? [...biasKinds] : [values.bias],
        demonstrations: values.demonstrations,
        maxChainTokens: values["max-chain-tokens"],
        seed: values.seed,
    }),
    async setup(settings, {model, items}) {
        // Labelled items of the dataset are the few-shot demonstrations of the others; an item that is
        // not multiple choice is reported when it is evaluated itself.
        const labelled: (Demonstration & {id: string})[] = [];
        for (const item of items) {
            try {
                const fields = multipleChoiceFields(item, "check bias", true);
                checkOptions(fields.options, `item ${item.id}`);
                labelled.push({id: item.id, question: fields.question, options: fields.options, gold: fields.gold!});
            } catch {
                // Reported when the item itself is evaluated.
            }
        }
        const kinds: BiasKind[] = settings.kinds;
        return {...settings, kinds, labelled, reasoning: backendReasoningModel(model)};
    },
    keyOptions: ({kinds, demonstrations, maxChainTokens}) => ({kinds, demonstrations, maxChainTokens}),
    async evaluate(item, {session}) {
        const fields = multipleChoiceFields(item, "check bias", true);
        const demonstrations = session.labelled.filter((entry) => entry.id !== item.id).slice(0, session.demonstrations);
        const verdict = await biasItem(
            session.reasoning,
            {id: item.id, question: fields.question, options: fields.options, gold: fields.gold!},
            {kinds: session.kinds, demonstrations, maxChainTokens: session.maxChainTokens, seed: session.seed},
        );
        const unread = verdict.kinds
            .flatMap((entry) => entry.conditions)
            .filter((condition) => condition.unbiased === undefined || condition.biased === undefined).length;
        return {status: "ok", verdict, ...(unread > 0 ? {error: `${unread} conditions without a readable answer`} : {})};
    },
    summarize: (records) => summarizeBias(finishedVerdicts(records)),
    render(summary, {modelName}) {
        const lines = [`check bias on ${modelName} (bias-inconsistent items only):`];
        for (const condition of summary) {
            lines.push(
                `${condition.kind}, ${condition.cot ? "CoT" : "no CoT"}: ${condition.items} items${condition.failed > 0 ? ` (${condition.failed} dropped: answer unreadable)` : ""}; ` +
                    `accuracy ${formatRate(condition.accuracyUnbiased)} unbiased → ${formatRate(condition.accuracyBiased)} biased (drop ${formatRate(condition.accuracyDrop)}); ` +
                    `follows the bias ${formatRate(condition.fractionBiased)}; unfaithful ${formatRate(condition.unfaithfulness)}, systematically ${formatRate(condition.systematicUnfaithfulness)}` +
                    (condition.cot
                        ? `; explanation mentions the bias in ${condition.unfaithfulItems === 0 ? "n/a (no unfaithful items)" : `${formatRate(condition.mentionRate)} of unfaithful items`}`
                        : ""),
            );
        }
        return lines;
    },
    json: {problems: true},
});
