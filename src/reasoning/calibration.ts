/**
 * Calibration of multiple-choice confidence (arXiv 2501.09775): the confidence of an answer is the
 * probability of the chosen option letter, normalised over the option letters.
 *
 * - accuracy: share of items whose chosen option is the gold one;
 * - ECE with M equal-width bins over [0, 1] (bin m holds confidences in [m/M, (m+1)/M), the last
 *   bin includes 1): Σ_m (|B_m|/N)·|acc(B_m) − conf(B_m)|;
 * - Brier score of the chosen option: mean of (confidence − correct)², also over correct and
 *   incorrect items apart;
 * - multi-class Brier score: mean over items of Σ_j (p_j − [j = gold])² over the options.
 */

export interface CalibrationItem {
    /** Normalised probability of the chosen option. */
    confidence: number;
    correct: boolean;
    /** Normalised probabilities of every option and the gold option's index (for the multi-class Brier score). */
    probabilities?: readonly number[];
    gold?: number;
}

export interface CalibrationBin {
    low: number;
    high: number;
    items: number;
    accuracy: number | null;
    meanConfidence: number | null;
}

export interface CalibrationSummary {
    items: number;
    accuracy: number | null;
    meanConfidence: number | null;
    meanConfidenceCorrect: number | null;
    meanConfidenceIncorrect: number | null;
    ece: number | null;
    brier: number | null;
    /** Brier score over correct items only, and over incorrect items only. */
    brierCorrect: number | null;
    brierIncorrect: number | null;
    multiclassBrier: number | null;
    bins: CalibrationBin[];
}

function mean(values: readonly number[]): number | null {
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function calibrationSummary(items: readonly CalibrationItem[], binCount = 10): CalibrationSummary {
    const bins: {confidence: number[]; correct: number[]}[] = Array.from({length: binCount}, () => ({confidence: [], correct: []}));
    for (const item of items) {
        const index = Math.min(binCount - 1, Math.max(0, Math.floor(item.confidence * binCount)));
        bins[index]!.confidence.push(item.confidence);
        bins[index]!.correct.push(item.correct ? 1 : 0);
    }
    let ece: number | null = null;
    if (items.length > 0) {
        ece = 0;
        for (const bin of bins) {
            if (bin.confidence.length === 0) continue;
            ece += (bin.confidence.length / items.length) * Math.abs(mean(bin.correct)! - mean(bin.confidence)!);
        }
    }
    const withDistribution = items.filter((item) => item.probabilities !== undefined && item.gold !== undefined);
    return {
        items: items.length,
        accuracy: mean(items.map((item) => (item.correct ? 1 : 0))),
        meanConfidence: mean(items.map((item) => item.confidence)),
        meanConfidenceCorrect: mean(items.filter((item) => item.correct).map((item) => item.confidence)),
        meanConfidenceIncorrect: mean(items.filter((item) => !item.correct).map((item) => item.confidence)),
        ece,
        brier: mean(items.map((item) => (item.confidence - (item.correct ? 1 : 0)) ** 2)),
        brierCorrect: mean(items.filter((item) => item.correct).map((item) => (1 - item.confidence) ** 2)),
        brierIncorrect: mean(items.filter((item) => !item.correct).map((item) => item.confidence ** 2)),
        multiclassBrier:
            withDistribution.length === 0
                ? null
                : mean(withDistribution.map((item) => item.probabilities!.reduce((sum, p, j) => sum + (p - (j === item.gold ? 1 : 0)) ** 2, 0))),
        bins: bins.map((bin, index) => ({
            low: index / binCount,
            high: (index + 1) / binCount,
            items: bin.confidence.length,
            accuracy: mean(bin.correct),
            meanConfidence: mean(bin.confidence),
        })),
    };
}

/** Softmax over option log-probabilities (the option distribution used for confidence) lives with option scoring. */
export {normalizeOptionLogprobs} from "../protocol/option-scoring.js";
