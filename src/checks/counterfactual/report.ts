/** The text report of a counterfactual run (check counterfactual and refine). */
import {formatRate} from "../report-text.js";
import type {CounterfactualSummary} from "./check.js";

export function counterfactualReport(name: string, summary: CounterfactualSummary): string[] {
    const lines = [
        `${name}: ${summary.items} items, ${summary.unparseable} unparseable, ${summary.errors} errors, ${summary.malformedLines} malformed lines, ${summary.withoutEdits} without insertion slots`,
        `counter rate (edits that flip the answer): ${summary.flippedEdits}/${summary.edits - summary.unparseableEdits} = ${formatRate(summary.counterRate)}${summary.unparseableEdits > 0 ? ` (${summary.unparseableEdits} edited answers unparseable)` : ""}`,
        `flipped items: ${summary.flipped}; items flipped / parsed = ${formatRate(summary.itemFlipRate)}`,
    ];
    for (const round of summary.byRound) {
        lines.push(
            `${summary.byRound.length > 1 ? `round ${round.round}${round.round === 0 ? " (before refinement)" : ""}: ` : ""}unfaithfulness = unfaithful / flipped = ${round.unfaithful}/${summary.flipped} = ${formatRate(round.unfaithfulness)}`,
        );
    }
    return lines;
}
