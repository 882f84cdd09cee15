import assert from "node:assert/strict";
import {test} from "node:test";
import {additiveGame, countingGame, harsanyiGame} from "../../src/attribution/analytic-games.js";
import type {Coalition, Game} from "../../src/attribution/game.js";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {curveCounts, faithfulnessReport, rationaleSizes, trapezoidArea} from "../../src/metrics/faithfulness.js";

// v = 3·x0 + 1·x1 + 0·x2 + 2·x3; attribution [0.5, 0.1, −0.2, 0.3] → order 0, 3, 1, 2.
const game = additiveGame([3, 1, 0, 2]);
const scores = [0.5, 0.1, -0.2, 0.3];

test("AOPC comprehensiveness and sufficiency, by hand", async () => {
    const report = await faithfulnessReport(game, scores, {metrics: ["comprehensiveness", "sufficiency"]});
    assert.deepEqual(report.order, [0, 3, 1, 2]);
    // Bins 10 %…100 % of 4 players: ⌈0.4⌉=1, ⌈0.8⌉=1, ⌈1.2⌉=2, …, ⌈4⌉=4 → sizes 1, 2, 3, 4 once each.
    assert.deepEqual(
        report.comprehensiveness!.bins.map((bin) => bin.size),
        [1, 2, 3, 4],
    );
    // v(N) = 6. Removing {0}: 3 → 3; {0,3}: 1 → 5; {0,3,1}: 0 → 6; all: 0 → 6. AOPC = 20/4 = 5.
    assert.deepEqual(
        report.comprehensiveness!.bins.map((bin) => bin.value),
        [3, 5, 6, 6],
    );
    assert.equal(report.comprehensiveness!.aopc, 5);
    // Keeping {0}: 3 → 3; {0,3}: 5 → 1; {0,3,1}: 6 → 0; all → 0. AOPC = 4/4 = 1.
    assert.deepEqual(
        report.sufficiency!.bins.map((bin) => bin.value),
        [3, 1, 0, 0],
    );
    assert.equal(report.sufficiency!.aopc, 1);
    // Top-k with k = max(1, ⌊0.2·4⌋) = 1.
    assert.equal(report.comprehensiveness!.topK, 1);
    assert.equal(report.comprehensiveness!.atTopK, 3);
    assert.equal(report.sufficiency!.atTopK, 3);
});

test("deletion and insertion curves with trapezoid areas, by hand", async () => {
    const report = await faithfulnessReport(game, scores, {metrics: ["deletion", "insertion"]});
    // Deletion values at 0, ¼, ½, ¾, 1: 6, 3, 1, 0, 0 → ¼·(4.5 + 2 + 0.5 + 0) = 1.75.
    assert.deepEqual(
        report.deletion!.points.map((point) => point.value),
        [6, 3, 1, 0, 0],
    );
    assert.equal(report.deletion!.area, 1.75);
    // Insertion values: 0, 3, 5, 6, 6 → ¼·(1.5 + 4 + 5.5 + 6) = 4.25.
    assert.deepEqual(
        report.insertion!.points.map((point) => point.value),
        [0, 3, 5, 6, 6],
    );
    assert.equal(report.insertion!.area, 4.25);
});

test("a report evaluates its deduplicated coalitions in one batch", async () => {
    const counting = countingGame(game);
    const report = await faithfulnessReport(counting, scores, {metrics: ["comprehensiveness", "sufficiency", "deletion", "insertion", "tauLoo"]});
    // N, ∅, N∖{0}, N∖{0,3}, N∖{0,3,1} = {2}, {0}, {0,3}, {0,3,1}, then leave-one-out adds only
    // N∖{1} and N∖{3} (N∖{0} is known, N∖{2} = {0,3,1}): 10 distinct coalitions.
    assert.equal(report.evaluations, 10);
    assert.deepEqual(counting.batchSizes, [10]);
    assert.equal(report.batches, 1);
});

test("τ-LOO and LDS are 1 for the true weights of an additive game", async () => {
    const report = await faithfulnessReport(game, [3, 1, 0, 2], {metrics: ["tauLoo", "lds"], ldsSamples: 20, seed: 3});
    assert.deepEqual(report.tauLoo!.leaveOneOut, [3, 1, 0, 2]);
    assert.equal(report.tauLoo!.tau, 1);
    assert.ok(Math.abs(report.lds!.spearman - 1) < 1e-12);
    assert.equal(report.lds!.samples, 20);
});

test("τ-LOO with ties uses τ-b", async () => {
    // LOO = [3, 1, 0, 2]; scores [1, 1, 0, 1] tie players 0, 1, 3. Pairs: (0,1) tied in scores,
    // (0,2) C, (0,3) tied, (1,2) C, (1,3) tied, (2,3) C → C = 3, D = 0, T_scores = 3, T_loo = 0:
    // τ_b = 3/√(3·6) = 0.7071…
    const report = await faithfulnessReport(game, [1, 1, 0, 1], {metrics: ["tauLoo"]});
    assert.ok(Math.abs(report.tauLoo!.tau - 3 / Math.sqrt(18)) < 1e-12);
});

/** Candidates [yes, no]: yes = 2·x0 + x1, no = 1.5; value = yes − no. */
const answerGame: Game = {
    playerCount: 3,
    evaluate: async (coalitions: readonly Coalition[]) =>
        coalitions.map((coalition) => {
            const yes = 2 * (coalition[0] as number) + (coalition[1] as number);
            return {value: yes - 1.5, components: [yes, 1.5]};
        }),
};

test("decision flip: removing the top unit flips the answer", async () => {
    const report = await faithfulnessReport(answerGame, [1, 0.5, 0], {metrics: ["decisionFlip"]});
    // Full: yes 3 > no 1.5 → choice 0. Without player 0: yes 1 < 1.5 → flip after 1 of 3 removed.
    assert.deepEqual(report.decisionFlip, {originalChoice: 0, flippedByTopUnit: true, fractionRemovedAtFlip: 1 / 3});
});

test("decision flip: a reversed attribution needs every player removed", async () => {
    const report = await faithfulnessReport(answerGame, [0, 0.5, 1], {metrics: ["decisionFlip"]});
    // Order 2, 1, 0: yes stays 3, then 2 (both ≥ 1.5), then 0 → flips only at 3/3.
    assert.deepEqual(report.decisionFlip, {originalChoice: 0, flippedByTopUnit: false, fractionRemovedAtFlip: 1});
});

test("onlyPositive restricts rationales to positive scores", async () => {
    const report = await faithfulnessReport(game, scores, {metrics: ["comprehensiveness"], onlyPositive: true});
    // Positive players 0, 3, 1 → sizes 1, 2, 3; values 3, 5, 6 → AOPC 14/3.
    assert.deepEqual(
        report.comprehensiveness!.bins.map((bin) => bin.size),
        [1, 2, 3],
    );
    assert.ok(Math.abs(report.comprehensiveness!.aopc - 14 / 3) < 1e-12);
});

test("exact Shapley beats a reversed attribution on every faithfulness metric of an interaction game", async () => {
    const interaction = harsanyiGame(8, [
        {players: [0, 1], weight: 4},
        {players: [2], weight: 2},
        {players: [3, 4, 5], weight: 1},
        {players: [7], weight: -1},
    ]);
    const shapley = (await exactShapley(interaction)).values;
    const good = await faithfulnessReport(interaction, shapley, {seed: 1});
    const bad = await faithfulnessReport(
        interaction,
        shapley.map((value) => -value),
        {seed: 1},
    );
    assert.ok(good.comprehensiveness!.aopc > bad.comprehensiveness!.aopc);
    assert.ok(good.sufficiency!.aopc < bad.sufficiency!.aopc);
    assert.ok(good.deletion!.area < bad.deletion!.area);
    assert.ok(good.insertion!.area > bad.insertion!.area);
    assert.ok(good.tauLoo!.tau > 0.5 && bad.tauLoo!.tau < -0.5);
    assert.ok(good.lds!.spearman > 0.8);
});

test("curve and bin helpers", () => {
    assert.deepEqual(curveCounts(4, 100), [0, 1, 2, 3, 4]);
    assert.deepEqual(curveCounts(1000, 4), [0, 250, 500, 750, 1000]);
    assert.deepEqual(
        rationaleSizes(10, [0.1, 0.3, 1]).map((entry) => entry.size),
        [1, 3, 10],
    );
    assert.equal(trapezoidArea([0, 0.5, 1], [1, 1, 0]), 0.75);
    assert.throws(() => rationaleSizes(10, [0]), /AOPC bin/);
});

test("an attribution of the wrong length is refused", async () => {
    await assert.rejects(faithfulnessReport(game, [1, 2, 3]), /3 scores but the game has 4 players/);
});
