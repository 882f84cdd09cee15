import assert from "node:assert/strict";
import {test} from "node:test";
import {additiveGame, componentSumGame, countingGame, harsanyiGame, pairwiseInteractionGame, type Interaction} from "../../src/attribution/analytic-games.js";
import {coalitionKey, coalitionSize, complementOf} from "../../src/attribution/coalitions.js";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {interactionKernelShap} from "../../src/attribution/interaction-kernel-shap.js";
import {allocatePairs, kernelSizeMass, stratifiedPairedDesign} from "../../src/attribution/kernel-design.js";
import {kernelShap} from "../../src/attribution/kernel-shap.js";
import {createRandom} from "../../src/attribution/random.js";
import {attributionMethods} from "../../src/attribution/registry.js";
import {ArgumentError} from "../../src/errors.js";
import {assertClose, randomTable, relativeError, sum, tableGame} from "./helpers.js";

const seeds = [1, 2, 3, 4, 5];

function randomPairwiseGame(n: number, seed: number) {
    const random = createRandom(seed);
    const pairs: Interaction[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (random.next() < 0.4) pairs.push({players: [i, j], weight: random.normal()});
    return pairwiseInteractionGame(
        Array.from({length: n}, () => random.normal()),
        pairs,
    );
}

function randomThirdOrderGame(n: number, seed: number) {
    const random = createRandom(seed);
    const dividends: Interaction[] = Array.from({length: n}, (_, player) => ({players: [player], weight: random.normal()}));
    for (let t = 0; t < 12; t++) {
        const members = new Set<number>();
        const size = 2 + random.integer(2);
        while (members.size < size) members.add(random.integer(n));
        dividends.push({players: [...members], weight: random.normal()});
    }
    return harsanyiGame(n, dividends);
}

test("the stratified design: complement pairs, distinct coalitions, each sampled size carrying its kernel mass", () => {
    for (const n of [5, 8, 11]) {
        for (const sampleCount of [n, 3 * n, 100]) {
            const design = stratifiedPairedDesign(n, sampleCount, createRandom(7));
            assert.equal(design.coalitions.length, design.weights.length);
            assert.ok(design.coalitions.length <= sampleCount);
            const keys = new Set(design.coalitions.map(coalitionKey));
            assert.equal(keys.size, design.coalitions.length, "no coalition twice");
            for (let r = 0; r < design.coalitions.length; r += 2) {
                assert.deepEqual(design.coalitions[r + 1], complementOf(design.coalitions[r]!));
                assert.equal(design.weights[r], design.weights[r + 1]);
            }
            const massBySize = new Map<number, number>();
            design.coalitions.forEach((coalition, r) => {
                const size = coalitionSize(coalition);
                assert.ok(size >= 1 && size <= n - 1);
                massBySize.set(size, (massBySize.get(size) ?? 0) + (design.weights[r] as number));
            });
            for (const [size, mass] of massBySize) assert.ok(Math.abs(mass - kernelSizeMass(n, size)) < 1e-12, `n ${n} size ${size}`);
        }
    }
});

test("pairs are allocated in proportion to mass, never beyond what a class holds, and all are used", () => {
    const classes = [
        {available: 3, mass: 10},
        {available: 100, mass: 1},
        {available: 100, mass: 1},
    ];
    assert.deepEqual(allocatePairs(classes, 23), [3, 10, 10]);
    assert.deepEqual(allocatePairs(classes, 2), [2, 0, 0]);
    assert.deepEqual(allocatePairs(classes, 500), [3, 100, 100]);
    assert.equal(
        sum(
            allocatePairs(
                [
                    {available: 12, mass: 3},
                    {available: 66, mass: 1.2},
                    {available: 110, mass: 0.9},
                ],
                37,
            ),
        ),
        37,
    );
});

for (const method of ["kernelshap", "kernelshap3"] as const) {
    test(`${method} recovers every game with interactions of order ≤ 2 exactly at small budgets (paired design)`, async () => {
        for (const seed of seeds) {
            const game = randomPairwiseGame(10, seed);
            const budget = 30; // 14 pairs: a design of full rank for the 9 free linear terms
            const result = await attributionMethods[method]!.run(game, {budget, seed});
            assertClose(result.values, game.shapleyValues, 1e-9, `${method} seed ${seed}`);
        }
    });

    test(`${method} with a budget of 2^n equals exact Shapley on random games and enumerates every size`, async () => {
        const n = 7;
        for (const seed of seeds.slice(0, 3)) {
            const table = randomTable(n, seed);
            const exact = await exactShapley(tableGame(n, table));
            const result = await attributionMethods[method]!.run(tableGame(n, table), {budget: 2 ** n, seed});
            assertClose(result.values, exact.values, 1e-9, `seed ${seed}`);
            assert.deepEqual(result.diagnostics.enumeratedSizes, [1, 2, 3, 4, 5, 6]);
        }
    });

    test(`${method} is exactly efficient, asks for one batch within the budget, and is a function of the seed`, async () => {
        const n = 9;
        for (const seed of seeds) {
            const table = randomTable(n, seed);
            for (const budget of [attributionMethods[method]!.minimumBudget(n), 40, 200]) {
                const game = countingGame(tableGame(n, table));
                const result = await attributionMethods[method]!.run(game, {budget, seed});
                assert.ok(Math.abs(sum(result.values) - ((table[2 ** n - 1] as number) - (table[0] as number))) < 1e-9, `seed ${seed} budget ${budget}`);
                assert.equal(game.batchSizes.length, 1);
                assert.ok(result.evaluations <= budget);
                const again = await attributionMethods[method]!.run(tableGame(n, table), {budget, seed});
                assert.deepEqual(again.values, result.values);
            }
        }
        const table = randomTable(n, 1);
        const first = await attributionMethods[method]!.run(tableGame(n, table), {budget: 60, seed: 1});
        const second = await attributionMethods[method]!.run(tableGame(n, table), {budget: 60, seed: 2});
        assert.notDeepEqual(first.values, second.values);
    });

    test(`${method} attributes components with the same evaluations; component rows add up to the values`, async () => {
        const game = componentSumGame([additiveGame([1, -2, 0.5, 3, 0, 1, -1, 2]), randomThirdOrderGame(8, 3)]);
        const result = await attributionMethods[method]!.run(game, {budget: 60, seed: 4});
        const rows = result.componentValues as number[][];
        assert.equal(rows.length, 2);
        assertClose(
            rows[0]!.map((value, player) => value + (rows[1]![player] as number)),
            result.values,
            1e-9,
        );
        assertClose(rows[0]!, [1, -2, 0.5, 3, 0, 1, -1, 2], 1e-9, "additive component");
    });
}

test("kernelshap3 without ridge recovers games with interactions of order ≤ 3 once the pairs determine every term", async () => {
    // n = 8: 7 linear + 56 third-order unknowns; 80 of the 127 pairs determine them.
    for (const seed of seeds) {
        const game = randomThirdOrderGame(8, seed);
        const result = await interactionKernelShap(game, {budget: 162, seed, ridge: 0});
        assertClose(result.values, game.shapleyValues, 1e-8, `seed ${seed}`);
        assert.equal(result.diagnostics.interactionOrder, 3);
        assert.equal(result.diagnostics.interactionFeatures, 56);
    }
});

test("kernelshap3 is more accurate than kernelshap on third-order games at the same budget", async () => {
    const errors = {kernelshap: [] as number[], kernelshap3: [] as number[]};
    for (const seed of seeds) {
        const game = randomThirdOrderGame(10, seed);
        for (const method of ["kernelshap", "kernelshap3"] as const) {
            errors[method].push(relativeError((await attributionMethods[method]!.run(game, {budget: 256, seed})).values, game.shapleyValues));
        }
    }
    assert.ok(sum(errors.kernelshap3) < sum(errors.kernelshap), `${sum(errors.kernelshap3)} vs ${sum(errors.kernelshap)}`);
});

test("kernelshap3 drops the third-order terms above maxPlayers and is then paired KernelSHAP", async () => {
    const table = randomTable(8, 9);
    const reduced = await interactionKernelShap(tableGame(8, table), {budget: 60, seed: 3, maxPlayers: 7});
    const paired = await kernelShap(tableGame(8, table), {budget: 60, seed: 3});
    assert.equal(reduced.diagnostics.interactionOrder, 1);
    assertClose(reduced.values, paired.values, 1e-9);
    await assert.rejects(interactionKernelShap(tableGame(8, table), {ridge: -1}), ArgumentError);
    assert.equal(attributionMethods.kernelshap3!.minimumBudget(8), 16);
});

test('kernelshap keeps shap\'s sampling under design "shap" and refuses an unknown design', async () => {
    const n = 6;
    const table = randomTable(n, 2);
    const shap = await kernelShap(tableGame(n, table), {budget: 2 ** n, seed: 1, design: "shap"});
    assert.equal(shap.diagnostics.design, "shap");
    assertClose(shap.values, (await exactShapley(tableGame(n, table))).values, 1e-9);
    const stratified = await kernelShap(tableGame(n, table), {budget: 30, seed: 1});
    assert.equal(stratified.diagnostics.design, "stratified");
    await assert.rejects(kernelShap(tableGame(n, table), {design: "other" as "shap"}), ArgumentError);
});
