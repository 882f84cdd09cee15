import assert from "node:assert/strict";
import {test} from "node:test";
import {agreementMetrics} from "../../src/metrics/agreement.js";
import {areaUnderPrecisionRecall, plausibilityMetrics} from "../../src/metrics/plausibility.js";

test("agreement metrics between two attributions, by hand", () => {
    const a = [0.9, -0.5, 0.1, 0.3, 0];
    const b = [0.8, 0.4, -0.6, 0.0, 0.2];
    const report = agreementMetrics(a, b, {k: 2});
    // Top-2 by |score|: a → [0, 1], b → [0, 2]. Common {0}.
    assert.equal(report.featureAgreement, 1 / 2);
    assert.equal(report.rankAgreement, 1 / 2); // position 0 holds player 0 in both
    assert.equal(report.signAgreement, 1 / 2); // player 0 positive in both
    assert.equal(report.signedRankAgreement, 1 / 2);
    assert.equal(report.iou, 1 / 3); // |{0}| / |{0, 1, 2}|
    // Signed ranks a = [5,1,3,4,2], b = [5,4,1,2,3]; Σd² = 0+9+4+4+1 = 18; ρ = 1 − 6·18/(5·24) = 0.1.
    assert.ok(Math.abs(report.spearman - 0.1) < 1e-12);
    // Of the 10 pairs, (0,1) (0,2) (0,3) (0,4) (2,3) keep their order: 5/10.
    assert.equal(report.pairwiseRankAgreement, 0.5);
    assert.equal(report.k, 2);
});

test("agreement k defaults to max(1, ⌊0.2·n⌋) and identical attributions agree fully", () => {
    const scores = [0.3, -0.2, 0.9, 0.1, 0, 0.5, -0.7, 0.05, 0.2, 0.4];
    const report = agreementMetrics(scores, scores);
    assert.equal(report.k, 2);
    for (const key of ["featureAgreement", "rankAgreement", "signAgreement", "signedRankAgreement", "iou", "spearman", "pairwiseRankAgreement"] as const) {
        assert.equal(report[key], 1, key);
    }
});

test("plausibility against a human rationale, by hand", () => {
    const scores = [0.9, -0.5, 0.4, 0.4, 0.1, 0];
    const report = plausibilityMetrics(scores, [0, 1, 3]);
    // k = |human| = 3; top-3 positive (ties to the lower index): {0, 2, 3}; TP = {0, 3}.
    assert.equal(report.k, 3);
    assert.equal(report.precision, 2 / 3);
    assert.equal(report.recall, 2 / 3);
    assert.ok(Math.abs(report.tokenF1 - 2 / 3) < 1e-12);
    assert.equal(report.tokenIou, 0.5); // 2 / |{0,1,2,3}|
    // Clipped scores [0.9, 0, 0.4, 0.4, 0.1, 0]. Thresholds 0.9: R 1/3 P 1; 0.4: R 2/3 P 2/3;
    // 0.1: R 2/3 P 1/2; 0: R 1 P 1/2 (full recall, stop). With (0, 1) in front, the trapezoids are
    // 1/3·1 + 1/3·5/6 + 0 + 1/3·1/2 = 6/18 + 5/18 + 3/18 = 7/9.
    assert.ok(Math.abs(report.auprc - 7 / 9) < 1e-12);
});

test("AUPRC is 1 for a perfect ranking and NaN without marks", () => {
    assert.equal(areaUnderPrecisionRecall([0.9, 0.8, 0.1], new Set([0, 1])), 1);
    assert.ok(Number.isNaN(areaUnderPrecisionRecall([0.9, 0.8], new Set())));
    assert.throws(() => plausibilityMetrics([1, 2], [5]), /outside 0\.\.1/);
});
