import assert from "node:assert/strict";
import {test} from "node:test";
import {calibrationSummary, normalizeOptionLogprobs} from "../../src/reasoning/calibration.js";
import {supportSummary, supportThreshold} from "../../src/reasoning/support.js";

const close = (actual: number | null, expected: number): void => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

test("support categories and SRR, NDR, SDS, NSCR", () => {
    const summary = supportSummary([
        {id: "a", base: ["1"], tuned: ["1"]}, // P
        {id: "b", base: ["2"], tuned: ["2"]}, // P
        {id: "c", base: ["3"], tuned: ["3"]}, // P
        {id: "d", base: [], tuned: ["4"]}, // E
        {id: "e", base: ["5"], tuned: []}, // S
        {id: "f", base: ["6"], tuned: []}, // S
        {id: "g", base: [], tuned: []}, // out of support
    ]);
    assert.deepEqual([summary.preservation, summary.expansion, summary.shrinkage, summary.outOfSupport], [3, 1, 2, 1]);
    close(summary.srr, 3 / 5);
    close(summary.ndr, 1 / 4);
    close(summary.sds, (2 * 0.6 * 0.25) / 0.85);
    close(summary.nscr, (1 - 2) / 6);
    assert.deepEqual(
        summary.byProblem.map((entry) => entry.category),
        ["preservation", "preservation", "preservation", "expansion", "shrinkage", "shrinkage", "out-of-support"],
    );
    const empty = supportSummary([{id: "x", base: [], tuned: []}]);
    assert.equal(empty.srr, null);
    assert.equal(empty.nscr, null);
    // The paper's ε at k = 8192, ζ = 0.05.
    assert.ok(Math.abs(supportThreshold(8192) - 3.66e-4) < 1e-6);
});

test("calibration: accuracy, ECE, Brier and the split by correctness match hand values", () => {
    const summary = calibrationSummary(
        [
            {confidence: 0.9, correct: true, probabilities: [0.9, 0.1], gold: 0},
            {confidence: 0.9, correct: false, probabilities: [0.9, 0.1], gold: 1},
            {confidence: 0.6, correct: true, probabilities: [0.4, 0.6], gold: 1},
            {confidence: 0.55, correct: false, probabilities: [0.55, 0.45], gold: 1},
        ],
        10,
    );
    close(summary.accuracy, 0.5);
    close(summary.meanConfidence, (0.9 + 0.9 + 0.6 + 0.55) / 4);
    close(summary.meanConfidenceCorrect, 0.75);
    close(summary.meanConfidenceIncorrect, 0.725);
    // Bin 9: {0.9, 0.9} acc 0.5, conf 0.9; bin 6: {0.6} acc 1; bin 5: {0.55} acc 0.
    close(summary.ece, 0.5 * 0.4 + 0.25 * 0.4 + 0.25 * 0.55);
    close(summary.brier, (0.01 + 0.81 + 0.16 + 0.3025) / 4);
    close(summary.multiclassBrier, (0.02 + 1.62 + 0.32 + 0.605) / 4);
    close(summary.brierCorrect, (0.01 + 0.16) / 2);
    close(summary.brierIncorrect, (0.81 + 0.3025) / 2);
    assert.equal(summary.bins[9]!.items, 2);
    const one = calibrationSummary([{confidence: 1, correct: true}], 10);
    assert.equal(one.bins[9]!.items, 1); // confidence 1 falls in the last bin
    close(one.ece, 0);
    const probabilities = normalizeOptionLogprobs([Math.log(0.2), Math.log(0.6)]);
    close(probabilities[0]!, 0.25);
    close(probabilities[1]!, 0.75);
});
