/**
 * Metrics of an explanation over the same model game (src/metrics): faithfulness (AOPC
 * comprehensiveness and sufficiency, deletion/insertion areas, τ-LOO, LDS, and the decision flip
 * between target and foil in contrastive runs) and, with a rationale, plausibility.
 */
import type {Game, GameOutcome} from "../attribution/game.js";
import type {AttributionResult} from "../attribution/result.js";
import {faithfulnessMetricNames, faithfulnessReport, type FaithfulnessReport} from "../metrics/faithfulness.js";
import {plausibilityMetrics, type PlausibilityReport} from "../metrics/plausibility.js";

export interface ExplainMetrics {
    /** The headline numbers, flat (null when a metric does not apply). */
    summary: Record<string, number | boolean | null>;
    faithfulness: FaithfulnessReport;
    plausibility?: PlausibilityReport;
}

export interface ExplainMetricsOptions {
    seed: number;
    /** 1 per unit in the human rationale. */
    rationaleMask?: readonly number[];
    /** Contrastive runs: number of target tokens at the front of the components (the rest are the foil's, negated). */
    contrastiveTargetTokens?: number;
}

export async function computeExplainMetrics(
    game: Game,
    attribution: Pick<AttributionResult, "values">,
    options: ExplainMetricsOptions,
): Promise<ExplainMetrics> {
    const split = options.contrastiveTargetTokens;
    const decision =
        split === undefined
            ? undefined
            : (outcome: GameOutcome): number[] | undefined => {
                  const components = outcome.components;
                  if (components === undefined) return undefined;
                  const target = components.slice(0, split).reduce((a, b) => a + b, 0);
                  const foil = -components.slice(split).reduce((a, b) => a + b, 0);
                  return [target, foil];
              };
    const metrics = faithfulnessMetricNames.filter((name) => name !== "decisionFlip" || decision !== undefined);
    const faithfulness = await faithfulnessReport(game, attribution.values, {seed: options.seed, metrics, ...(decision === undefined ? {} : {decision})});
    const summary: Record<string, number | boolean | null> = {
        comprehensivenessAopc: faithfulness.comprehensiveness?.aopc ?? null,
        sufficiencyAopc: faithfulness.sufficiency?.aopc ?? null,
        deletionArea: faithfulness.deletion?.area ?? null,
        insertionArea: faithfulness.insertion?.area ?? null,
        tauLoo: faithfulness.tauLoo?.tau ?? null,
        lds: faithfulness.lds?.spearman ?? null,
    };
    if (faithfulness.decisionFlip !== undefined) {
        summary.decisionFlippedByTopUnit = faithfulness.decisionFlip.flippedByTopUnit;
        summary.fractionRemovedAtFlip = faithfulness.decisionFlip.fractionRemovedAtFlip;
    }
    summary.metricEvaluations = faithfulness.evaluations;
    const result: ExplainMetrics = {summary, faithfulness};
    if (options.rationaleMask !== undefined) {
        const human = options.rationaleMask.flatMap((mark, index) => (mark === 1 ? [index] : []));
        const plausibility = plausibilityMetrics(attribution.values, human);
        result.plausibility = plausibility;
        summary.plausibilityTokenF1 = plausibility.tokenF1;
        summary.plausibilityTokenIou = plausibility.tokenIou;
        summary.plausibilityAuprc = plausibility.auprc;
    }
    return result;
}
