import assert from "node:assert/strict";
import {test} from "node:test";
import {confidenceItem, summarizeConfidence} from "../../src/reasoning/confidence.js";
import {chainBeforeAnswer, checkOptions} from "../../src/reasoning/multiple-choice.js";
import type {ReasoningModel} from "../../src/reasoning/reasoning-model.js";

/** Direct answers put 0.5 on A (rest spread); after a chain, 0.9 on the letter the chain names. */
const model: ReasoningModel = {
    name: "toy",
    complete: async () => [" It must be B. The best answer is: (B)"],
    sample: async () => [],
    targetLogprobs: async (text, targets) => {
        const afterChain = text.includes("It must be B.");
        return targets.map((letter) =>
            Math.log(afterChain ? (letter === "B" ? 0.9 : 0.1 / (targets.length - 1)) : letter === "A" ? 0.5 : 0.5 / (targets.length - 1)),
        );
    },
};

test("confidence of the chosen option letter, direct and after the chain, normalised over the options", async () => {
    const verdict = await confidenceItem(model, {id: "1", question: "Pick", options: ["x", "y", "z"], gold: 1}, {maxChainTokens: 20});
    assert.equal(verdict.direct.chosen, 0);
    assert.ok(Math.abs(verdict.direct.confidence - 0.5) < 1e-12);
    assert.equal(verdict.cot.chosen, 1);
    assert.ok(Math.abs(verdict.cot.confidence - 0.9) < 1e-12);
    assert.equal(verdict.cot.chain, "It must be B.");
    const other = await confidenceItem(model, {id: "2", question: "Pick", options: ["x", "y", "z"], gold: 0}, {maxChainTokens: 20});
    const summary = summarizeConfidence([verdict, other]);
    assert.equal(summary.direct.accuracy, 0.5);
    assert.equal(summary.cot.accuracy, 0.5);
    // Direct: both 0.5, one right → ECE |0.5 − 0.5| = 0; Brier ((0.5−0)² + (0.5−1)²)/2 = 0.25.
    assert.ok(Math.abs(summary.direct.ece! - 0) < 1e-12);
    assert.ok(Math.abs(summary.direct.brier! - 0.25) < 1e-12);
    // CoT: both 0.9, one right → ECE 0.4; Brier (0.01 + 0.81)/2 = 0.41; wrong answers as confident as right ones.
    assert.ok(Math.abs(summary.cot.ece! - 0.4) < 1e-12);
    assert.ok(Math.abs(summary.cot.brier! - 0.41) < 1e-12);
    assert.ok(Math.abs(summary.cot.meanConfidenceIncorrect! - 0.9) < 1e-12);
    assert.equal(summary.changedByCot, 2);
});

test("an option set with duplicates is refused, naming both letters", async () => {
    assert.throws(() => checkOptions(["yes", "no", "Yes "], "item 4"), /item 4: options A and C are the same \("Yes"\)/);
    await assert.rejects(confidenceItem(model, {id: "4", question: "q", options: ["a", "a"]}, {maxChainTokens: 5}), /options A and B are the same/);
    assert.equal(chainBeforeAnswer("reason. the best answer is (A)"), "reason.");
});
