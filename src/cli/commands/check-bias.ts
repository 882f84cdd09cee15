/** `glassbox check bias`: suggested-answer and answer-always-A contexts against unbiased ones (Turpin et al. 2023). */
import {biasItem, biasKinds, summarizeBias, type BiasKind, type BiasVerdict, type ConditionSummary, type Demonstration} from "../../checks/bias/bias-check.js";
import {backendReasoningModel} from "../../reasoning/reasoning-model.js";
import {checkOptions} from "../../reasoning/multiple-choice.js";
import {defineCommand} from "../command.js";
import {multipleChoiceFields, jsonReport, storedVerdicts} from "./analyze-support.js";
import {datasetOptionSpecs, exitCodeFor, formatRate, loadDataset, openCheckModel, runCheck, runFooter} from "./check-support.js";

export const checkBiasCommand = defineCommand({
    name: "check bias",
    summary: "Do biasing features move the answer, and does the chain of thought say so? (Turpin et al. 2023)",
    usage: "check bias --model PATH.gguf --dataset FILE.jsonl [--bias suggested-answer|always-a|both] [--demonstrations N] [--db PATH] [--json]",
    options: {
        ...datasetOptionSpecs,
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
    async run({options, io}) {
        const dataset = loadDataset(options, "check bias");
        const kinds: BiasKind[] = options.bias === "both" ? [...biasKinds] : [options.bias];
        const count = options.demonstrations;
        const labelled: (Demonstration & {id: string})[] = [];
        for (const item of dataset.items) {
            try {
                const fields = multipleChoiceFields(item, "check bias", true);
                checkOptions(fields.options, `item ${item.id}`);
                labelled.push({id: item.id, question: fields.question, options: fields.options, gold: fields.gold!});
            } catch {
                // Reported when the item itself is evaluated.
            }
        }
        const model = await openCheckModel(options, "check bias", io);
        try {
            const reasoning = backendReasoningModel(model);
            const maxChainTokens = options["max-chain-tokens"];
            const seed = options.seed;
            const outcome = await runCheck({
                command: "check bias",
                options,
                io,
                model,
                dataset,
                keyOptions: {kinds, demonstrations: count, maxChainTokens},
                evaluate: async (item) => {
                    const fields = multipleChoiceFields(item, "check bias", true);
                    const demonstrations = labelled.filter((entry) => entry.id !== item.id).slice(0, count);
                    const verdict = await biasItem(
                        reasoning,
                        {id: item.id, question: fields.question, options: fields.options, gold: fields.gold!},
                        {kinds, demonstrations, maxChainTokens, seed},
                    );
                    const unread = verdict.kinds
                        .flatMap((entry) => entry.conditions)
                        .filter((condition) => condition.unbiased === undefined || condition.biased === undefined).length;
                    return {status: "ok", verdict, ...(unread > 0 ? {error: `${unread} conditions without a readable answer`} : {})};
                },
                summarize: (items) => summarizeBias(storedVerdicts<BiasVerdict>(items)),
            });
            const summary = outcome.result.summary as ConditionSummary[];
            if (options.json) {
                io.stdout.write(jsonReport("check bias", outcome, summary));
            } else {
                const lines = [`check bias on ${model.name} (bias-inconsistent items only):`];
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
                lines.push(...runFooter(outcome));
                io.stdout.write(`${lines.join("\n")}\n`);
            }
            return exitCodeFor(outcome);
        } finally {
            await model.dispose();
        }
    },
});
