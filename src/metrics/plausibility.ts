/**
 * Plausibility of an attribution against a human rationale (a set of marked players), as ferret
 * codes it. The hard rationale is the top k players with a positive score (ties to the lower
 * index); k defaults to the size of the human rationale.
 *   token-F1: P = |pred ∩ human| / |pred|, R = |pred ∩ human| / |human|, F1 = 2PR / (P + R) (0 when P + R = 0)
 *   token-IOU: |pred ∩ human| / |pred ∪ human|
 *   AUPRC: area under the precision–recall curve of max(score, 0) against the marks, computed
 *     like scikit-learn's precision_recall_curve + auc: one point per distinct score from the
 *     top, stopping at the first threshold reaching full recall, plus (recall 0, precision 1),
 *     integrated with the trapezoid rule over recall.
 */

import {topK} from "./ordering.js";

export interface PlausibilityReport {
    k: number;
    precision: number;
    recall: number;
    tokenF1: number;
    tokenIou: number;
    auprc: number;
}

export function plausibilityMetrics(scores: readonly number[], humanRationale: Iterable<number>, options: {k?: number} = {}): PlausibilityReport {
    const human = new Set(humanRationale);
    for (const player of human) {
        if (!Number.isInteger(player) || player < 0 || player >= scores.length)
            throw new RangeError(`the human rationale names player ${player}, outside 0..${scores.length - 1}`);
    }
    const k = options.k ?? human.size;
    const predicted = topK(scores, k, {onlyPositive: true});
    const truePositives = predicted.filter((player) => human.has(player)).length;
    const precision = predicted.length === 0 ? 0 : truePositives / predicted.length;
    const recall = human.size === 0 ? 0 : truePositives / human.size;
    const union = new Set([...predicted, ...human]).size;
    return {
        k,
        precision,
        recall,
        tokenF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
        tokenIou: union === 0 ? 0 : truePositives / union,
        auprc: areaUnderPrecisionRecall(
            scores.map((score) => Math.max(score, 0)),
            human,
        ),
    };
}

/** Area under the precision–recall curve (NaN when nothing is marked). */
export function areaUnderPrecisionRecall(scores: readonly number[], positives: ReadonlySet<number>): number {
    const positiveCount = positives.size;
    if (positiveCount === 0) return NaN;
    const order = scores.map((score, index) => ({score, index})).sort((a, b) => b.score - a.score);
    const recalls: number[] = [0];
    const precisions: number[] = [1];
    let truePositives = 0;
    let falsePositives = 0;
    for (let i = 0; i < order.length; i++) {
        const entry = order[i] as {score: number; index: number};
        if (positives.has(entry.index)) truePositives++;
        else falsePositives++;
        const next = order[i + 1];
        if (next !== undefined && next.score === entry.score) continue; // one point per distinct score
        recalls.push(truePositives / positiveCount);
        precisions.push(truePositives / (truePositives + falsePositives));
        if (truePositives === positiveCount) break;
    }
    let area = 0;
    for (let i = 1; i < recalls.length; i++) {
        area += ((recalls[i] as number) - (recalls[i - 1] as number)) * (((precisions[i] as number) + (precisions[i - 1] as number)) / 2);
    }
    return area;
}
