/** `check self-explanation` declared: flags, settings, per-item evaluation, summary and its text report. */
import {attributionMethodNames, defaultMethodPolicy} from "../../attribution/registry.js";
import {CapabilityError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import {unitKinds} from "../../units/types.js";
import {defineCheck} from "../check-definition.js";
import {formatRate} from "../report-text.js";
import {selfExplanationCapabilities, selfExplanationItem, summarizeSelfExplanation} from "./check.js";

export const selfExplanationCheck = defineCheck({
    name: "check self-explanation",
    summary: "Does the model's own account of what mattered agree with what removing units does? (Huang et al. 2023)",
    usage: "check self-explanation --model PATH.gguf (--dataset FILE.jsonl | --input FILE.json) [--protocol list|topk|citation] [--order pe|ep] [--unit U] [--method M] [--db PATH] [--json]",
    options: {
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
    needsScoring: true,
    settings: (values) => ({
        protocol: values.protocol,
        order: values.order,
        ...(values.unit === undefined ? {} : {unit: values.unit}),
        ...(values.method === undefined ? {} : {method: values.method}),
        ...(values.budget === undefined ? {} : {budget: values.budget}),
        ...(values["max-tokens"] === undefined ? {} : {maxTokens: values["max-tokens"]}),
        seed: values.seed,
    }),
    async setup(settings, {model}) {
        if (!model.capabilities.scoring) {
            throw new CapabilityError(`check self-explanation needs a backend that scores prompt tokens; ${model.name} only generates`, {
                expected: "a GGUF model or a server that returns prompt log-probabilities",
                hint: "check counterfactual and refine work with generation-only backends",
            });
        }
        return {...settings, evaluator: new Evaluator(model)};
    },
    keyOptions: ({evaluator: _evaluator, ...settings}) => settings,
    evaluate: (item, {session, model}) => selfExplanationItem(model, item, session),
    summarize: (records, {malformedLines}) => summarizeSelfExplanation(records, malformedLines),
    render(summary, {session, modelName}) {
        const m = summary.mean;
        const protocol = session.protocol;
        return [
            `self-explanation (${protocol}${protocol === "citation" ? "" : `, ${session.order}`}) on ${modelName}: ${summary.items} items, ${summary.parsed} parsed, ${summary.unparseable} unparseable, ${summary.errors} errors, ${summary.malformedLines} malformed lines`,
            `faithful (top unit removed flips the decision): ${summary.faithful}/${summary.parsed} = ${formatRate(summary.faithfulRate)}`,
            `agreement with the attribution: feature ${formatRate(m.featureAgreement)}, rank ${formatRate(m.rankAgreement)}, sign ${formatRate(m.signAgreement)}, signed rank ${formatRate(m.signedRankAgreement)}, IoU ${formatRate(m.iou)}, Spearman ${formatRate(m.spearman)}, pairwise ${formatRate(m.pairwiseRankAgreement)}`,
            `self-explanation: comprehensiveness ${formatRate(m.comprehensiveness)}, sufficiency ${formatRate(m.sufficiency)}, DF_MIT ${formatRate(m.decisionFlipTopUnit)}, DF_Frac ${formatRate(m.fractionRemovedAtFlip)}, RankDel ${formatRate(m.rankDeletion)}`,
            `attribution (baseline): comprehensiveness ${formatRate(m.baselineComprehensiveness)}, sufficiency ${formatRate(m.baselineSufficiency)}, DF_MIT ${formatRate(m.baselineDecisionFlipTopUnit)}`,
            ...(m.answerAccuracy === null ? [] : [`answer accuracy against gold labels: ${formatRate(m.answerAccuracy)}`]),
        ];
    },
});
