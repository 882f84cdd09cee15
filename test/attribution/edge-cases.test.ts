import assert from "node:assert/strict";
import {test} from "node:test";
import {additiveGame, pairwiseInteractionGame} from "../../src/attribution/analytic-games.js";
import {coalitionKey} from "../../src/attribution/coalitions.js";
import type {Game} from "../../src/attribution/game.js";
import {createRandom, randomPermutation} from "../../src/attribution/random.js";
import {attributionMethods, attributionMethodNames} from "../../src/attribution/registry.js";
import {ArgumentError, GlassboxError, InputError} from "../../src/errors.js";
import {assertClose} from "./helpers.js";

test("every method handles one- and two-player games and stays efficient where it should", async () => {
    for (const weights of [[2.5], [1, -3]]) {
        const game = additiveGame(weights, 1);
        for (const name of attributionMethodNames()) {
            const entry = attributionMethods[name]!;
            const result = await entry.run(game, {budget: Math.max(entry.minimumBudget(weights.length), 16), seed: 1, ridge: 0, alpha: 0});
            assert.equal(result.values.length, weights.length, name);
            if (entry.estimatesShapley || name === "loo") assertClose(result.values, weights, 1e-9, `${name} n=${weights.length}`);
            assert.equal(result.valueFull, 1 + weights.reduce((sum, weight) => sum + weight, 0));
            assert.equal(result.valueEmpty, 1);
        }
    }
});

test("a pairwise game on two players: LOO counts the interaction twice, Shapley splits it", async () => {
    const game = pairwiseInteractionGame([1, 0], [{players: [0, 1], weight: 4}]);
    assert.deepEqual((await attributionMethods.loo!.run(game)).values, [5, 4]);
    for (const name of ["exact", "shapley", "kernelshap"]) assertClose((await attributionMethods[name]!.run(game, {budget: 6})).values, [3, 2], 1e-12, name);
});

test("a game that answers the wrong number of outcomes or a non-finite value is refused", async () => {
    const short: Game = {playerCount: 3, evaluate: async (coalitions) => coalitions.slice(1).map(() => ({value: 0}))};
    await assert.rejects(
        attributionMethods.loo!.run(short),
        (error: unknown) => error instanceof GlassboxError && /different number of coalitions/.test(error.message),
    );
    const infinite: Game = {playerCount: 2, evaluate: async (coalitions) => coalitions.map((kept) => ({value: kept[0] === 1 ? 0 : -Infinity}))};
    await assert.rejects(attributionMethods.exact!.run(infinite), (error: unknown) => error instanceof InputError && /not a finite number/.test(error.message));
});

test("seeds must be 32-bit unsigned integers", async () => {
    assert.throws(() => createRandom(-1), ArgumentError);
    assert.throws(
        () => createRandom(1.5),
        (error: unknown) => error instanceof ArgumentError && error.parameter === "seed" && !error.message.includes("--"),
    );
    await assert.rejects(attributionMethods.shapley!.run(additiveGame([1, 2, 3]), {seed: 2 ** 32}), ArgumentError);
});

test("the random source is reproducible and permutations are uniform enough", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const drawsA = Array.from({length: 5}, () => a.next());
    assert.deepEqual(
        Array.from({length: 5}, () => b.next()),
        drawsA,
    );
    assert.notDeepEqual(
        Array.from({length: 5}, () => createRandom(43).next()),
        drawsA,
    );
    // Each of the 6 orders of 3 items appears 6000/6 = 1000 times in expectation.
    const random = createRandom(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
        const key = randomPermutation(3, random).join("");
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const count of counts.values()) assert.ok(count > 880 && count < 1120, `count ${count}`);
});

test("coalition keys tell apart coalitions across 16-player chunks", () => {
    const a = new Uint8Array(40);
    const b = new Uint8Array(40);
    a[17] = 1;
    b[1] = 1;
    assert.notEqual(coalitionKey(a), coalitionKey(b));
    assert.equal(coalitionKey(a), coalitionKey(Uint8Array.from(a)));
});
