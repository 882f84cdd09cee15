/**
 * Area under the ROC curve: the probability that a randomly drawn positive scores higher than a
 * randomly drawn negative, ties counting one half (the Mann–Whitney U statistic over n₊·n₋).
 */
import {ArgumentError} from "../errors.js";

export function auroc(positives: readonly number[], negatives: readonly number[]): number {
    if (positives.length === 0 || negatives.length === 0) {
        throw new ArgumentError("AUROC needs at least one positive and one negative score", {
            received: `${positives.length} positives, ${negatives.length} negatives`,
        });
    }
    const all = [...positives.map((score) => ({score, positive: true})), ...negatives.map((score) => ({score, positive: false}))].sort(
        (a, b) => a.score - b.score,
    );
    let rankSum = 0;
    for (let start = 0; start < all.length;) {
        let end = start;
        while (end + 1 < all.length && all[end + 1]?.score === all[start]?.score) end++;
        const averageRank = (start + end) / 2 + 1;
        for (let index = start; index <= end; index++) if (all[index]?.positive === true) rankSum += averageRank;
        start = end + 1;
    }
    const n = positives.length;
    return (rankSum - (n * (n + 1)) / 2) / (n * negatives.length);
}
