import assert from "node:assert/strict";
import {test} from "node:test";
import {
    additiveGame,
    andGame,
    componentSumGame,
    countingGame,
    harsanyiGame,
    majorityGame,
    orGame,
    pairwiseInteractionGame,
    securityCouncilGame,
    smallParliamentGame,
    type AnalyticGame,
} from "../../src/attribution/analytic-games.js";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {leaveOneOut} from "../../src/attribution/leave-one-out.js";
import {BudgetError} from "../../src/errors.js";

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, label = ""): void {
    assert.equal(actual.length, expected.length, `${label} length`);
    actual.forEach((value, index) => {
        assert.ok(Math.abs(value - (expected[index] as number)) <= tolerance, `${label} player ${index}: ${value} vs ${expected[index]}`);
    });
}

const closedFormGames: AnalyticGame[] = [
    additiveGame([0.5, -1, 2, 0, 3.25], 7),
    pairwiseInteractionGame(
        [1, 0, -0.5, 2],
        [
            {players: [0, 1], weight: 3},
            {players: [1, 3], weight: -1},
            {players: [2, 3], weight: 0.4},
        ],
    ),
    harsanyiGame(5, [
        {players: [0, 1, 2], weight: 6},
        {players: [3], weight: 1},
        {players: [2, 4], weight: -2},
    ]),
    andGame(6),
    orGame(6),
    majorityGame(7),
    smallParliamentGame(),
    securityCouncilGame(),
];

for (const game of closedFormGames) {
    test(`exact Shapley matches the closed form of the ${game.name} game to 1e-9`, async () => {
        const result = await exactShapley(game);
        assertClose(result.values, game.shapleyValues, 1e-9, game.name);
        assert.equal(result.evaluations, 2 ** game.playerCount);
        assert.equal(result.diagnostics.plannedEvaluations, 2 ** game.playerCount);
    });
}

test("Security Council: an elected member holds 4/2145 and a permanent member 421/2145", async () => {
    const result = await exactShapley(securityCouncilGame());
    // 4/2145 = 0.0018648…, 421/2145 = 0.1962703…; 5·421/2145 + 10·4/2145 = 2145/2145 = 1.
    assert.ok(Math.abs((result.values[14] as number) - 0.0018648018648) < 1e-12);
    assert.ok(Math.abs((result.values[0] as number) - 0.1962703962704) < 1e-12);
});

test("exact Shapley hands all 2^n coalitions to the game in one batch", async () => {
    const game = countingGame(additiveGame([1, 2, 3, 4]));
    await exactShapley(game);
    assert.deepEqual(game.batchSizes, [16]);
});

test("exact Shapley attributes each component with the same evaluations", async () => {
    const game = componentSumGame([additiveGame([1, 2, 3]), andGame(3)]);
    const result = await exactShapley(game);
    assertClose(result.values, [1 + 1 / 3, 2 + 1 / 3, 3 + 1 / 3], 1e-12);
    assert.ok(result.componentValues !== undefined);
    assertClose(result.componentValues[0] as number[], [1, 2, 3], 1e-12);
    assertClose(result.componentValues[1] as number[], [1 / 3, 1 / 3, 1 / 3], 1e-12);
    assert.deepEqual(result.componentsFull, [6, 1]);
    assert.deepEqual(result.componentsEmpty, [0, 0]);
});

test("exact Shapley refuses a budget below 2^n and names the minimum and the parameter", async () => {
    await assert.rejects(exactShapley(additiveGame([1, 2, 3, 4, 5]), {budget: 31}), (error: unknown) => {
        assert.ok(error instanceof BudgetError);
        assert.match(error.message, /at least 32 evaluations for 5 players/);
        assert.equal(error.parameter, "budget");
        assert.doesNotMatch(error.message, /--/);
        return true;
    });
});

test("exact Shapley refuses more players than its cap", async () => {
    await assert.rejects(exactShapley(additiveGame(new Array<number>(21).fill(1))), /capped at 20 players/);
    await assert.rejects(exactShapley(additiveGame([1, 2, 3]), {maxPlayers: 2}), /capped at 2 players/);
});

test("leave-one-out is v(N) − v(N∖i), hand-computed on a pairwise game", async () => {
    // v = x0 + 2·x1 + 3·[x0 x1] + 0.5·x2. v(N) = 1 + 2 + 3 + 0.5 = 6.5.
    // v(N∖0) = 2 + 0.5 = 2.5 → 4; v(N∖1) = 1 + 0.5 = 1.5 → 5; v(N∖2) = 6 → 0.5.
    const game = countingGame(pairwiseInteractionGame([1, 2, 0.5], [{players: [0, 1], weight: 3}]));
    const result = await leaveOneOut(game);
    assert.deepEqual(result.values, [4, 5, 0.5]);
    assert.equal(result.valueFull, 6.5);
    assert.equal(result.valueEmpty, 0);
    assert.equal(result.evaluations, 5);
    assert.deepEqual(game.batchSizes, [5]);
});

test("leave-one-out refuses a budget below n + 2", async () => {
    await assert.rejects(leaveOneOut(additiveGame([1, 2, 3]), {budget: 4}), /loo needs at least 5 evaluations for 3 players/);
});

test("leave-one-out of a one-player game dedupes N∖{0} = ∅", async () => {
    const result = await leaveOneOut(additiveGame([2], 1));
    assert.deepEqual(result.values, [2]);
    assert.equal(result.evaluations, 2);
});
