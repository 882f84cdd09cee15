/**
 * The metric a patching experiment reads from the logits at one position: the logit difference
 * between the clean answer and a foil, or the log-probability of the answer. Patching effects are
 * normalised as in the RelP paper: (patched − corrupted) / (clean − corrupted), so 1 restores the
 * clean behaviour and 0 changes nothing.
 */
import {InputError} from "../errors.js";
import {logitDifferenceObjective, logProbObjective, type Objective} from "../engine/objectives.js";
import type {Tensor} from "../engine/hooks.js";

export type PatchingMetric = {kind: "logit-diff"; position: number; correct: number; incorrect: number} | {kind: "logprob"; position: number; token: number};

export const patchingMetricKinds = ["logit-diff", "logprob"] as const;

/** The metric as an engine objective on one sequence of a batch. */
export function metricObjective(metric: PatchingMetric, sequence = 0): Objective {
    return metric.kind === "logit-diff"
        ? logitDifferenceObjective({sequence, position: metric.position, correct: metric.correct, incorrect: metric.incorrect})
        : logProbObjective([{sequence, position: metric.position, token: metric.token}]);
}

/** The metric on sequence `sequence` of logits shaped `[B, T, V]`, in float64. */
export function metricValue(logits: Tensor, metric: PatchingMetric, sequence = 0): number {
    const length = logits.shape[1]!;
    const vocabulary = logits.shape[2]!;
    const offset = (sequence * length + metric.position) * vocabulary;
    const row = logits.data;
    if (metric.kind === "logit-diff") return row[offset + metric.correct]! - row[offset + metric.incorrect]!;
    let largest = -Infinity;
    for (let v = 0; v < vocabulary; v++) largest = Math.max(largest, row[offset + v]!);
    let total = 0;
    for (let v = 0; v < vocabulary; v++) total += Math.exp(row[offset + v]! - largest);
    return row[offset + metric.token]! - largest - Math.log(total);
}

/** (patched − corrupted) / (clean − corrupted). */
export function normaliseEffect(patched: number, clean: number, corrupted: number): number {
    return (patched - corrupted) / (clean - corrupted);
}

/** Refuses a clean and corrupted pair whose metric does not differ: the normalisation divides by it. */
export function checkMetricGap(clean: number, corrupted: number, metricKind: PatchingMetric["kind"]): void {
    if (!(Math.abs(clean - corrupted) > 1e-9)) {
        throw new InputError("the clean and corrupted inputs give the same metric, so patching effects cannot be normalised", {
            parameter: "corrupted",
            expected: `a corrupted input whose ${metricKind} differs from the clean input's`,
            received: `${metricKind} ${clean} on both`,
            hint: "change the corrupted input where it matters to the answer (another key, another name), or choose another target",
        });
    }
}

/** Clean and corrupted token sequences must align position by position. */
export function checkPatchingLengths(clean: readonly number[], corrupted: readonly number[]): void {
    if (clean.length !== corrupted.length) {
        throw new InputError(
            `the clean and corrupted inputs have different token lengths (clean ${clean.length} tokens, corrupted ${corrupted.length} tokens)`,
            {
                parameter: "corrupted",
                expected: `a corrupted input of ${clean.length} tokens, the clean input's length, so that positions align`,
                received: `${corrupted.length} tokens`,
                hint: "replace words by words of as many tokens, e.g. a name by another name of the same token length",
            },
        );
    }
}
