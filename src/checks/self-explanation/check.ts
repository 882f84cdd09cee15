/**
 * The self-explanation check (Huang et al. 2023). The model states which units of its input mattered
 * (a full importance list, the top-k, or a citation "because document k" inside its answer);
 * glassbox computes a perturbation attribution of the same answer over the same units and reports
 * (1) agreement between the two (feature, rank, sign and signed-rank agreement at k, IoU,
 * Spearman, pairwise rank agreement) and (2) the faithfulness of the self-explanation, and of the
 * attribution for comparison, on the answer game: comprehensiveness, sufficiency (Huang's |·|),
 * decision flip when the top unit is removed (DF_MIT), fraction removed before a flip (DF_Frac)
 * and the rank correlation with single deletions (RankDel). An item's explanation is called
 * faithful when removing its top unit flips the decision.
 * Needs scoring (probabilities of the answer with units removed) and generation (the explanation).
 */
import {attributionMethods, defaultMethodFor} from "../../attribution/registry.js";
import type {AttributionMethodName} from "../../attribution/result.js";
import {CapabilityError, InputError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import type {ScoringEvaluator} from "../../evaluator/types.js";
import type {DatasetItem} from "../../datasets/item.js";
import {agreementMetrics, type AgreementReport} from "../../metrics/agreement.js";
import {faithfulnessReport, type FaithfulnessReport} from "../../metrics/faithfulness.js";
import {defaultTopK} from "../../metrics/ordering.js";
import type {Backend} from "../../model/backend-spec.js";
import {segmentInput} from "../../units/segmented-input.js";
import type {UnitKind} from "../../units/types.js";
import type {ItemEvaluation} from "../run-dataset.js";
import type {TypedVerdict} from "../run-records.js";
import {optionNamedIn} from "../counterfactual/prediction.js";
import {generateText, itemPrompt} from "../../protocol/index.js";
import {AnswerGame} from "./answer-game.js";
import {normaliseWord, parseAnswerConfidence, parseCitations, parseImportanceList, parseWordList, scoresForUnits} from "./parse.js";
import {elicitationPrompt, type ExplanationFormat, type ExplanationOrder} from "./prompts.js";

export const selfExplanationCapabilities = {
    needs: "scoring",
    note: "the answer's probability with units removed (attribution and faithfulness metrics) needs prompt-token scoring; the explanation is generated",
} as const;

export type SelfExplanationProtocol = "citation" | ExplanationFormat;

export interface SelfExplanationSettings {
    protocol: SelfExplanationProtocol;
    order?: ExplanationOrder;
    unit?: UnitKind;
    method?: AttributionMethodName;
    budget?: number;
    seed?: number;
    maxTokens?: number;
    evaluator?: ScoringEvaluator;
}

export interface ExplanationQuality {
    comprehensiveness: number;
    /** Huang's sufficiency: mean over the rationale sizes of |p(x) − p(rationale only)|. */
    sufficiency: number;
    decisionFlipTopUnit: boolean | null;
    fractionRemovedAtFlip: number | null;
    rankDeletion: number;
}

export interface SelfExplanationVerdict {
    protocol: SelfExplanationProtocol;
    order: ExplanationOrder | null;
    text: string;
    answer: string;
    gold: string | null;
    confidence: number | null;
    units: string[];
    selfScores: number[];
    /** What the parser read and what it could not use. */
    parsing: {entries: number; matched: number; unmatched: string[]; omittedUnits: number; unparsed: string[]};
    attribution: {method: string; values: number[]; evaluations: number};
    k: number;
    agreement: AgreementReport;
    self: ExplanationQuality;
    baseline: ExplanationQuality;
    /** Removing the explanation's top unit flips the decision. */
    faithful: boolean;
    /** p(answer) with every unit, and with none. */
    valueFull: number;
    valueEmpty: number;
}

export function defaultUnitForSelfExplanation(item: DatasetItem, protocol: SelfExplanationProtocol): UnitKind {
    if (item.input.kind === "documents") return "document";
    if (item.input.kind === "chat") return protocol === "citation" ? "message" : "word";
    if (item.input.spans !== undefined) return "span";
    return "word";
}

function quality(report: FaithfulnessReport): ExplanationQuality {
    const bins = report.sufficiency?.bins ?? [];
    return {
        comprehensiveness: report.comprehensiveness?.aopc ?? Number.NaN,
        sufficiency: bins.length === 0 ? Number.NaN : bins.reduce((sum, bin) => sum + Math.abs(bin.value), 0) / bins.length,
        decisionFlipTopUnit: report.decisionFlip?.flippedByTopUnit ?? null,
        fractionRemovedAtFlip: report.decisionFlip?.fractionRemovedAtFlip ?? null,
        rankDeletion: report.tauLoo?.rankDeletion ?? Number.NaN,
    };
}

/** What is kept of an item whose reply could not be read: the reply, why, and what was read of it. */
export interface UnreadSelfExplanation {
    text: string;
    reason: string;
    [field: string]: unknown;
}

function unparseable(text: string, reason: string, extra: Record<string, unknown> = {}): ItemEvaluation<SelfExplanationVerdict, UnreadSelfExplanation> {
    return {status: "unparseable", verdict: {text, reason, ...extra}, error: reason};
}

export async function selfExplanationItem(
    backend: Backend,
    item: DatasetItem,
    settings: SelfExplanationSettings,
): Promise<ItemEvaluation<SelfExplanationVerdict, UnreadSelfExplanation>> {
    if (!backend.capabilities.scoring) {
        throw new CapabilityError(`check self-explanation needs a backend that scores prompt tokens; ${backend.name} only generates`, {
            expected: "a GGUF model or a server that returns prompt log-probabilities",
            hint: "use glassbox check counterfactual or glassbox refine (feedback other than attribution) with a generation-only backend",
        });
    }
    const protocol = settings.protocol;
    const order = protocol === "citation" ? null : (settings.order ?? "pe");
    const unit = settings.unit ?? defaultUnitForSelfExplanation(item, protocol);
    const segmented = segmentInput(item.input, unit);
    const n = segmented.playerCount;
    if (n === 0) throw new InputError(`item ${item.id} has no ${unit} units`);
    const unitTexts = segmented.units.map((entry) => entry.text);
    const k = defaultTopK(n);
    const base = itemPrompt(item.input);
    const prompt =
        protocol === "citation"
            ? base
            : elicitationPrompt(base, {format: protocol, order: order ?? "pe", unit, k, ...(item.options === undefined ? {} : {options: item.options})});
    const text = await generateText(backend, prompt, settings.maxTokens ?? (protocol === "list" ? 16 * n + 48 : protocol === "citation" ? 32 : 96));

    // The answer and the unit scores, read from the reply.
    let answer: string | undefined;
    let confidence: number | null = null;
    let selfScores: number[];
    let parsing: SelfExplanationVerdict["parsing"];
    if (protocol === "citation") {
        // The answer is what comes before "because" or the first citation ("doc k", "document k", "[k]").
        const split = /\bbecause\b|\bdoc(?:ument)?\s*#?\s*\d+|\[\d+\]/i.exec(text);
        const answerPart = split === null ? text : text.slice(0, split.index);
        answer = item.options === undefined ? answerPart.trim().split(/\s+/)[0] : pickOption(answerPart, item.options);
        // Citations are read from the answer's first sentence only (a model may run on after it).
        const rest = split === null ? "" : text.slice(split.index);
        const sentenceEnd = rest.search(/[.\n]/);
        const labels = parseCitations(sentenceEnd < 0 ? rest : rest.slice(0, sentenceEnd));
        const valid = labels.filter((label) => label >= 1 && label <= n);
        selfScores = unitTexts.map((_, index) => (valid.includes(index + 1) ? 1 : 0));
        parsing = {
            entries: labels.length,
            matched: valid.length,
            unmatched: labels.filter((label) => !valid.includes(label)).map(String),
            omittedUnits: n - valid.length,
            unparsed: [],
        };
        if (answer === undefined || answer === "") return unparseable(text, "no answer before the citation");
        if (valid.length === 0)
            return unparseable(text, labels.length === 0 ? "the answer cites no document" : `cited document(s) ${labels.join(", ")} out of range 1…${n}`, {
                answer,
            });
    } else {
        const stated = parseAnswerConfidence(text, item.options);
        answer = item.options === undefined ? stated?.label : pickOption(stated?.label ?? text.trim().split("\n")[0] ?? "", item.options);
        confidence = stated?.confidence ?? null;
        // The (answer, confidence) pair is not part of the importance list.
        const explanationText = stated === undefined ? text : text.replace(stated.raw, "");
        const entries =
            protocol === "list"
                ? parseImportanceList(explanationText)
                : {
                      entries: parseWordList(explanationText.replace(/\([^()]*\)/g, "")).map((word, rank, all) => ({word, score: all.length - rank})),
                      unparsed: [],
                  };
        const mapped = unit === "document" ? documentScores(n, entries.entries) : scoresForUnits(unitTexts, entries.entries);
        selfScores = mapped.scores;
        parsing = {
            entries: entries.entries.length,
            matched: mapped.matched,
            unmatched: mapped.unmatched,
            omittedUnits: mapped.omitted,
            unparsed: entries.unparsed,
        };
        if (answer === undefined)
            return unparseable(text, item.options === undefined ? "no (answer, confidence) pair" : "the reply names none of the options", {parsing});
        if (mapped.matched === 0) return unparseable(text, `no ${unit} of the input could be matched in the explanation`, {answer, parsing});
    }

    const evaluator = settings.evaluator ?? new Evaluator(backend);
    const game = new AnswerGame({backend, evaluator, segmented, answer, ...(item.options === undefined ? {} : {options: item.options})});
    const methodName = settings.method ?? defaultMethodFor(n);
    const method = attributionMethods[methodName];
    if (method === undefined) throw new InputError(`unknown attribution method "${methodName}"`);
    const budget = Math.max(method.minimumBudget(n), settings.budget ?? method.defaultBudget(n));
    const attribution = await method.run(game, {budget, seed: settings.seed ?? 0});
    const cited = selfScores.filter((score) => score !== 0).length;
    const kUsed = protocol === "citation" ? Math.max(1, cited) : k;
    const metricOptions = {topK: kUsed, seed: settings.seed ?? 0, metrics: ["comprehensiveness", "sufficiency", "decisionFlip", "tauLoo"] as const};
    const selfReport = await faithfulnessReport(game, selfScores, {...metricOptions, metrics: [...metricOptions.metrics]});
    const baselineReport = await faithfulnessReport(game, attribution.values, {...metricOptions, metrics: [...metricOptions.metrics]});
    const self = quality(selfReport);
    const verdict: SelfExplanationVerdict = {
        protocol,
        order,
        text,
        answer,
        gold: item.label ?? null,
        confidence,
        units: unitTexts,
        selfScores,
        parsing,
        attribution: {method: methodName, values: attribution.values, evaluations: attribution.evaluations},
        k: kUsed,
        agreement: agreementMetrics(selfScores, attribution.values, {k: kUsed}),
        self,
        baseline: quality(baselineReport),
        faithful: self.decisionFlipTopUnit === true,
        valueFull: selfReport.valueFull,
        valueEmpty: selfReport.valueEmpty,
    };
    return {status: "ok", verdict};
}

function pickOption(text: string, options: readonly string[]): string | undefined {
    const index = optionNamedIn(text, options);
    return index === undefined ? undefined : options[index];
}

function documentScores(
    n: number,
    entries: readonly {word: string; score: number}[],
): {scores: number[]; matched: number; unmatched: string[]; omitted: number} {
    const scores = new Array<number>(n).fill(0);
    const seen = new Set<number>();
    const unmatched: string[] = [];
    for (const entry of entries) {
        const match = /(\d+)/.exec(normaliseWord(entry.word));
        const index = match === null ? -1 : Number(match[1]) - 1;
        if (index < 0 || index >= n || seen.has(index)) {
            unmatched.push(entry.word);
            continue;
        }
        seen.add(index);
        scores[index] = entry.score;
    }
    return {scores, matched: seen.size, unmatched, omitted: n - seen.size};
}

export interface SelfExplanationSummary {
    items: number;
    parsed: number;
    unparseable: number;
    errors: number;
    malformedLines: number;
    /** Items whose explanation's top unit flips the decision when removed, over parsed items. */
    faithful: number;
    faithfulRate: number | null;
    /** Means over parsed items. */
    mean: {
        featureAgreement: number | null;
        rankAgreement: number | null;
        signAgreement: number | null;
        signedRankAgreement: number | null;
        iou: number | null;
        spearman: number | null;
        pairwiseRankAgreement: number | null;
        comprehensiveness: number | null;
        sufficiency: number | null;
        decisionFlipTopUnit: number | null;
        fractionRemovedAtFlip: number | null;
        rankDeletion: number | null;
        baselineComprehensiveness: number | null;
        baselineSufficiency: number | null;
        baselineDecisionFlipTopUnit: number | null;
        answerAccuracy: number | null;
    };
}

function mean(values: readonly (number | null)[]): number | null {
    const finite = values.filter((value): value is number => value !== null && Number.isFinite(value));
    return finite.length === 0 ? null : finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

export function summarizeSelfExplanation(
    items: readonly TypedVerdict<SelfExplanationVerdict, UnreadSelfExplanation>[],
    malformedLines: number,
): SelfExplanationSummary {
    const verdicts = items.flatMap((item) => (item.status === "ok" ? [item.verdict] : []));
    const faithful = verdicts.filter((verdict) => verdict.faithful).length;
    const flip = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);
    const withGold = verdicts.filter((verdict) => verdict.gold !== null);
    return {
        items: items.length,
        parsed: verdicts.length,
        unparseable: items.filter((item) => item.status === "unparseable").length,
        errors: items.filter((item) => item.status === "error").length,
        malformedLines,
        faithful,
        faithfulRate: verdicts.length === 0 ? null : faithful / verdicts.length,
        mean: {
            featureAgreement: mean(verdicts.map((verdict) => verdict.agreement.featureAgreement)),
            rankAgreement: mean(verdicts.map((verdict) => verdict.agreement.rankAgreement)),
            signAgreement: mean(verdicts.map((verdict) => verdict.agreement.signAgreement)),
            signedRankAgreement: mean(verdicts.map((verdict) => verdict.agreement.signedRankAgreement)),
            iou: mean(verdicts.map((verdict) => verdict.agreement.iou)),
            spearman: mean(verdicts.map((verdict) => verdict.agreement.spearman)),
            pairwiseRankAgreement: mean(verdicts.map((verdict) => verdict.agreement.pairwiseRankAgreement)),
            comprehensiveness: mean(verdicts.map((verdict) => verdict.self.comprehensiveness)),
            sufficiency: mean(verdicts.map((verdict) => verdict.self.sufficiency)),
            decisionFlipTopUnit: mean(verdicts.map((verdict) => flip(verdict.self.decisionFlipTopUnit))),
            fractionRemovedAtFlip: mean(verdicts.map((verdict) => verdict.self.fractionRemovedAtFlip)),
            rankDeletion: mean(verdicts.map((verdict) => verdict.self.rankDeletion)),
            baselineComprehensiveness: mean(verdicts.map((verdict) => verdict.baseline.comprehensiveness)),
            baselineSufficiency: mean(verdicts.map((verdict) => verdict.baseline.sufficiency)),
            baselineDecisionFlipTopUnit: mean(verdicts.map((verdict) => flip(verdict.baseline.decisionFlipTopUnit))),
            answerAccuracy: withGold.length === 0 ? null : withGold.filter((verdict) => verdict.gold === verdict.answer).length / withGold.length,
        },
    };
}
