import assert from "node:assert/strict";
import {test} from "node:test";
import {averageRanks, kendallTauB, pearson, spearman} from "../../src/foundation/correlation.js";

test("average ranks share tied positions", () => {
    assert.deepEqual(averageRanks([5, 1, 5]), [2.5, 1, 2.5]);
    assert.deepEqual(averageRanks([3, 3, 3, 0]), [3, 3, 3, 1]);
});

test("Kendall τ-b with ties in both lists, by hand", () => {
    // a = [1,2,2,3], b = [1,3,2,2]. Pairs: (0,1) C, (0,2) C, (0,3) C, (1,2) tied in a,
    // (1,3) D, (2,3) tied in b. C = 3, D = 1, P = 6, T_a = T_b = 1 → τ_b = 2/√(5·5) = 0.4.
    assert.ok(Math.abs(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]) - 0.4) < 1e-12);
    assert.equal(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
    assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3])));
});

test("Spearman uses average ranks for ties, by hand", () => {
    // ranks a = [1, 2.5, 2.5, 4], b = [1, 4, 2.5, 2.5]; deviations from 2.5: a = [−1.5, 0, 0, 1.5],
    // b = [−1.5, 1.5, 0, 0]; covariance 2.25, variances 4.5 and 4.5 → ρ = 0.5.
    assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 3, 2, 2]) - 0.5) < 1e-12);
    assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 7]) - 0.9933992677987828) < 1e-12);
    assert.throws(() => spearman([1, 2], [1]), /differ in length/);
});
