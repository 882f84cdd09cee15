import assert from "node:assert/strict";
import {test} from "node:test";
import {binomial, coverage, defaultKs, majorityAnswer, majorityAtK, passAtK, passAtKClosedForm, passAtKCurve} from "../../src/reasoning/pass-at-k.js";

test("pass@k: hand cases against the closed form 1 − C(n−c,k)/C(n,k)", () => {
    // n=5, c=2, k=2: 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7.
    assert.ok(Math.abs(passAtK(5, 2, 2) - 0.7) < 1e-12);
    // n=10, c=3, k=1: c/n.
    assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-12);
    // n=4, c=1, k=3: 1 − C(3,3)/C(4,3) = 1 − 1/4.
    assert.ok(Math.abs(passAtK(4, 1, 3) - 0.75) < 1e-12);
    assert.equal(passAtK(6, 0, 3), 0);
    for (let n = 1; n <= 12; n++) {
        for (let c = 0; c <= n; c++) {
            for (let k = 1; k <= n; k++) assert.ok(Math.abs(passAtK(n, c, k) - passAtKClosedForm(n, c, k)) < 1e-12, `n=${n} c=${c} k=${k}`);
        }
    }
    assert.equal(binomial(10, 3), 120);
});

test("pass@k is exact for k = n: 1 when any sample is correct, 0 otherwise", () => {
    for (let n = 1; n <= 30; n++) {
        assert.equal(passAtK(n, 0, n), 0);
        for (let c = 1; c <= n; c++) assert.equal(passAtK(n, c, n), 1);
    }
});

test("pass@k stays finite and in [0, 1] where binomials overflow", () => {
    const value = passAtK(2000, 3, 1000);
    assert.ok(value > 0.87 && value < 0.88, String(value)); // 1 − (1/2)^3 approximately
    assert.ok(Number.isFinite(passAtK(100000, 1, 50000)));
});

test("k larger than n is refused with the reason", () => {
    assert.throws(() => passAtK(4, 1, 8), /pass@8 is undefined with only 4 samples per problem: k must not exceed n/);
    assert.throws(() => passAtKCurve([{n: 4, correct: 1}], [1, 8]), /k must not exceed n/);
});

test("curves, coverage, majority vote", () => {
    const curve = passAtKCurve(
        [
            {n: 4, correct: 0},
            {n: 4, correct: 4},
            {n: 4, correct: 2},
        ],
        [1, 4],
    );
    assert.deepEqual(
        curve.map((point) => point.k),
        [1, 4],
    );
    assert.ok(Math.abs(curve[0]!.passAtK - (0 + 1 + 0.5) / 3) < 1e-12);
    assert.ok(Math.abs(curve[1]!.passAtK - 2 / 3) < 1e-12);
    assert.equal(coverage([{correct: 0}, {correct: 1}, {correct: 3}, {correct: 0}]), 0.5);
    assert.equal(majorityAnswer(["1", "2", "2", undefined, "1"], 5), "1"); // 2-2 tie: the earliest first vote wins
    assert.equal(majorityAnswer(["1", "2", "2"], 3), "2");
    assert.equal(majorityAnswer([undefined, undefined], 2), undefined);
    assert.equal(
        majorityAtK(["3", "4", "4"], (answer) => answer === "4", 3),
        1,
    );
    assert.equal(
        majorityAtK(["3", "4", "4"], (answer) => answer === "4", 1),
        0,
    );
    assert.deepEqual(defaultKs(10), [1, 2, 4, 8, 10]);
    assert.deepEqual(defaultKs(8), [1, 2, 4, 8]);
});
