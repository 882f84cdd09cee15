import assert from "node:assert/strict";
import {test} from "node:test";
import {additiveGame, componentSumGame, countingGame, harsanyiGame, pairwiseInteractionGame, andGame} from "../../src/attribution/analytic-games.js";
import {hierarchical} from "../../src/attribution/hierarchical.js";
import {kernelShap} from "../../src/attribution/kernel-shap.js";
import {lime} from "../../src/attribution/lime.js";
import {attributionMethods, attributionMethodNames} from "../../src/attribution/registry.js";
import {shapleySampling} from "../../src/attribution/shapley-sampling.js";
import {sparseSurrogate} from "../../src/attribution/sparse-surrogate.js";
import {BudgetError} from "../../src/errors.js";
import {assertClose, median, relativeError, sum} from "./helpers.js";

// Ten players; dividends of order 1 to 3, so permutation sampling is not exact by construction.
const higherOrder = harsanyiGame(10, [
    {players: [0, 1, 2], weight: 3},
    {players: [3, 4, 5, 6], weight: -2},
    {players: [7], weight: 1},
    {players: [8, 9], weight: 1.5},
    {players: [0, 5, 9], weight: 2},
    {players: [1], weight: 0.5},
]);
const seeds = [1, 2, 3, 4, 5];

async function medianError(method: string, budget: number): Promise<number> {
    const errors: number[] = [];
    for (const seed of seeds) {
        const result = await attributionMethods[method]!.run(higherOrder, {budget, seed});
        errors.push(relativeError(result.values, higherOrder.shapleyValues));
    }
    return median(errors);
}

for (const method of ["shapley", "kernelshap"]) {
    test(`${method} converges to exact Shapley: median error shrinks with budget and is small at a large one`, async () => {
        const small = await medianError(method, 64);
        const medium = await medianError(method, 256);
        const large = await medianError(method, 1000);
        assert.ok(medium < small, `${method}: ${medium} ≥ ${small}`);
        assert.ok(large < medium, `${method}: ${large} ≥ ${medium}`);
        assert.ok(large < 0.05, `${method} at 1000: ${large}`);
    });
}

test("surrogate and LIME errors shrink with budget on a game with pairwise interactions", async () => {
    // Pairwise interactions: Banzhaf = Shapley, so the surrogate's least-squares target is φ.
    const game = pairwiseInteractionGame(
        [1, -0.5, 2, 0, 0.7, -1.2, 0.3, 0.9],
        [
            {players: [0, 1], weight: 2},
            {players: [2, 5], weight: -1},
            {players: [3, 6], weight: 1.5},
        ],
    );
    const errorAt = async (method: string, budget: number): Promise<number> => {
        const errors: number[] = [];
        for (const seed of seeds)
            errors.push(relativeError((await attributionMethods[method]!.run(game, {budget, seed, alpha: 0})).values, game.shapleyValues));
        return median(errors);
    };
    const surrogateSmall = await errorAt("surrogate", 40);
    const surrogateLarge = await errorAt("surrogate", 2000);
    assert.ok(surrogateLarge < surrogateSmall && surrogateLarge < 0.06, `surrogate ${surrogateSmall} → ${surrogateLarge}`);
    assert.ok((await errorAt("lime", 100)) < (await errorAt("lime", 12)));
});

test("LIME with its default ridge converges on an additive game, where it estimates Shapley values", async () => {
    const game = additiveGame([1.5, -2, 0, 0.25, 3, 0.5, -1, 2, 0.1, 1.2]);
    const errors: number[] = [];
    for (const budget of [16, 1024])
        errors.push(median(await Promise.all(seeds.map(async (seed) => relativeError((await lime(game, {budget, seed})).values, game.shapleyValues)))));
    // The only error left is the ridge's shrinkage, λ = 1e-3·Σπ.
    assert.ok((errors[1] as number) < 0.01, `error at 1024: ${errors[1]}`);
    assert.ok((errors[1] as number) <= (errors[0] as number));
});

test("LIME and the surrogate recover an additive game's weights exactly without a penalty", async () => {
    const game = additiveGame([1.5, -2, 0, 0.25, 3], 4);
    const fit = await lime(game, {budget: 20, seed: 3, ridge: 0});
    assertClose(fit.values, game.shapleyValues, 1e-9, "lime");
    assert.ok(Math.abs((fit.diagnostics.intercept as number) - 4) < 1e-9);
    const surrogate = await sparseSurrogate(game, {budget: 40, seed: 3, alpha: 0});
    // Coordinate descent stops once no weight moves by more than 1e-7·sd(v) in a sweep.
    assertClose(surrogate.values, game.shapleyValues, 1e-6, "surrogate");
    assert.ok(Math.abs((surrogate.diagnostics.heldOutR2 as number) - 1) < 1e-9);
    // Player 2 has weight 0, so some held-out values tie while their predictions differ by ~1e-9.
    assert.ok((surrogate.diagnostics.heldOutLds as number) > 0.99);
});

test("the surrogate's LASSO zeroes players without effect and reports its held-out fit", async () => {
    const weights = new Array<number>(20).fill(0);
    weights[3] = 2;
    weights[11] = -1.5;
    const result = await sparseSurrogate(additiveGame(weights), {budget: 120, seed: 9});
    assert.equal(result.diagnostics.nonZeroWeights, 2);
    assert.ok(Math.abs((result.values[3] as number) - 2) < 0.05);
    assert.ok(Math.abs((result.values[11] as number) + 1.5) < 0.05);
    assert.equal(result.diagnostics.alphaChoice, "fixed");
    assert.equal(result.diagnostics.heldOutRows, 24);
    assert.ok((result.diagnostics.heldOutR2 as number) > 0.99);
    const crossValidated = await sparseSurrogate(additiveGame(weights), {budget: 120, seed: 9, alpha: "cv"});
    assert.equal(crossValidated.diagnostics.alphaChoice, "cross-validation");
    assert.ok((crossValidated.diagnostics.heldOutR2 as number) > 0.99);
});

test("same seed gives identical output; a different seed draws different coalitions", async () => {
    for (const method of ["shapley", "kernelshap", "lime", "surrogate", "hierarchical"]) {
        const first = await attributionMethods[method]!.run(higherOrder, {budget: 120, seed: 11});
        const again = await attributionMethods[method]!.run(higherOrder, {budget: 120, seed: 11});
        const other = await attributionMethods[method]!.run(higherOrder, {budget: 120, seed: 12});
        assert.deepEqual(again, first, method);
        assert.notDeepEqual(other.values, first.values, method);
        assert.equal(first.seed, 11);
    }
});

test("every method refuses a budget below its minimum, naming the minimum and the budget parameter", async () => {
    const game = additiveGame(new Array<number>(9).fill(1));
    for (const name of attributionMethodNames()) {
        const entry = attributionMethods[name]!;
        const minimum = entry.minimumBudget(9);
        await assert.rejects(entry.run(game, {budget: minimum - 1}), (error: unknown) => {
            assert.ok(error instanceof BudgetError, name);
            assert.match(error.message, new RegExp(`at least ${minimum} evaluations for 9 players`));
            assert.equal(error.parameter, "budget");
            assert.doesNotMatch(error.message, /--/);
            return true;
        });
        const result = await entry.run(game, {budget: minimum});
        assert.ok(result.evaluations <= minimum, `${name}: ${result.evaluations} > ${minimum}`);
    }
    await assert.rejects(kernelShap(game, {budget: 20.5}), /not a positive whole number/);
});

test("minimum budgets as functions of n", () => {
    assert.equal(attributionMethods.loo!.minimumBudget(10), 12);
    assert.equal(attributionMethods.exact!.minimumBudget(10), 1024);
    assert.equal(attributionMethods.shapley!.minimumBudget(10), 38);
    assert.equal(attributionMethods.kernelshap!.minimumBudget(10), 12);
    assert.equal(attributionMethods.lime!.minimumBudget(10), 12);
    assert.equal(attributionMethods.surrogate!.minimumBudget(10), 16);
    assert.equal(attributionMethods.hierarchical!.minimumBudget(10), 10); // 3 groups of ⌈√10⌉: 2 + 4·2
});

test("one-shot methods send one batch with no coalition twice, within budget", async () => {
    for (const method of ["loo", "exact", "shapley", "kernelshap", "lime", "surrogate"]) {
        const game = countingGame(higherOrder);
        const result = await attributionMethods[method]!.run(game, {budget: 1024, seed: 2});
        assert.equal(game.batchSizes.length, 1, method);
        assert.equal(game.requested, result.evaluations, method);
        assert.ok(result.evaluations <= 1024, method);
        assert.equal(result.valueFull, higherOrder.valueOf(new Uint8Array(10).fill(1)));
        assert.equal(result.valueEmpty, 0);
    }
});

test("Shapley sampling with a target standard error runs in rounds and reports convergence", async () => {
    const game = countingGame(higherOrder);
    const loose = await shapleySampling(game, {budget: 2000, seed: 4, targetStandardError: 0.5, rounds: 4});
    assert.equal(loose.diagnostics.converged, true);
    assert.equal(game.batchSizes.length, 1);
    assert.ok((loose.standardErrors as number[]).every((error) => error <= 0.5));
    const strict = await shapleySampling(countingGame(higherOrder), {budget: 200, seed: 4, targetStandardError: 1e-6, rounds: 3});
    assert.equal(strict.diagnostics.converged, false);
    assert.ok(strict.evaluations <= 200);
});

test("standard errors of Shapley sampling cover the exact values about as often as they should", async () => {
    let covered = 0;
    let total = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const result = await shapleySampling(higherOrder, {budget: 400, seed});
        result.values.forEach((value, player) => {
            total++;
            const error = (result.standardErrors as number[])[player] as number;
            if (Math.abs(value - (higherOrder.shapleyValues[player] as number)) <= 2.5 * error + 1e-12) covered++;
        });
    }
    assert.ok(covered / total > 0.85, `coverage ${covered}/${total}`);
});

test("linear methods attribute every component with the same evaluations", async () => {
    const game = componentSumGame([additiveGame([1, 2, 3, 4, 5, 6]), andGame(6), pairwiseInteractionGame([0, 0, 0, 0, 0, 0], [{players: [1, 4], weight: 2}])]);
    for (const method of ["loo", "shapley", "kernelshap", "lime", "surrogate"]) {
        const result = await attributionMethods[method]!.run(game, {budget: 40, seed: 5});
        const components = result.componentValues as number[][];
        assert.equal(components.length, 3, method);
        const summed = result.values.map((_, player) => sum(components.map((row) => row[player] as number)));
        // LASSO is not linear: its penalty acts per fit, so only the other methods add up exactly.
        assertClose(summed, result.values, method === "surrogate" ? 0.2 : 1e-9, method);
    }
    const tree = {
        players: [0, 1, 2, 3, 4, 5],
        children: [
            [0, 1, 2],
            [3, 4, 5],
        ].map((players) => ({players, children: players.map((player) => ({players: [player], children: []}))})),
    };
    const layered = await hierarchical(game, {tree, budget: 200, seed: 5, threshold: 0});
    const layeredSum = layered.values.map((_, player) => sum((layered.componentValues as number[][]).map((row) => row[player] as number)));
    assertClose(layeredSum, layered.values, 1e-9, "hierarchical");
    const kernel = await kernelShap(game, {budget: 40, seed: 5});
    assertClose(kernel.componentValues![0] as number[], [1, 2, 3, 4, 5, 6], 1e-9, "additive component");
    assert.ok(Math.abs(sum(kernel.componentValues![1] as number[]) - 1) < 1e-9);
});

test("hierarchical refines every group at threshold 0 and then matches Shapley on a game without cross-group interactions", async () => {
    const game = pairwiseInteractionGame(
        [1, -1, 0.5, 2, 0, 0.3, -0.7, 1.1, 0.2],
        [
            {players: [0, 1], weight: 2},
            {players: [4, 5], weight: -1},
            {players: [6, 8], weight: 0.5},
        ],
    );
    const tree = {
        players: [0, 1, 2, 3, 4, 5, 6, 7, 8],
        children: [
            [0, 1, 2],
            [3, 4, 5],
            [6, 7, 8],
        ].map((players) => ({players, children: players.map((player) => ({players: [player], children: []}))})),
    };
    const counting = countingGame(game);
    const result = await hierarchical(counting, {tree, budget: 400, seed: 1, threshold: 0});
    // Antithetic pairs make within-group pairwise games exact; the group-level shift keeps Σφ exact.
    assertClose(result.values, game.shapleyValues, 1e-9);
    assert.equal(counting.batchSizes.length, 2); // top level, then one round for all refinements
    assert.ok(result.evaluations <= 400);
    assert.equal(result.diagnostics.hierarchy!.filter((node) => node.refined).length, 3);
});

test("hierarchical refines only significant groups and keeps Σφ = v(N) − v(∅)", async () => {
    // Group [3, 4, 5] has no effect at all; group [0, 1, 2] carries almost everything.
    const game = harsanyiGame(9, [
        {players: [0, 1], weight: 5},
        {players: [2], weight: 3},
        {players: [6, 7, 8], weight: 0.01},
    ]);
    const result = await hierarchical(game, {budget: 500, seed: 2});
    const refined = result.diagnostics.hierarchy!.filter((node) => node.refined).map((node) => node.path.join("."));
    assert.deepEqual(refined, ["0"]);
    assert.ok(Math.abs(sum(result.values) - 8.01) < 1e-9);
    assertClose(result.values.slice(0, 3), [2.5, 2.5, 3], 1e-9);
    assert.ok(result.evaluations < 500);
});

test("hierarchical rejects a tree that does not partition the players", async () => {
    const game = additiveGame([1, 2, 3, 4]);
    await assert.rejects(
        hierarchical(game, {
            tree: {
                players: [0, 1, 2, 3],
                children: [
                    {players: [0, 1], children: []},
                    {players: [1, 2, 3], children: []},
                ],
            },
        }),
        /overlap/,
    );
    await assert.rejects(hierarchical(game, {tree: {players: [0, 1, 2, 3], children: [{players: [0, 1], children: []}]}}), /do not cover/);
});
