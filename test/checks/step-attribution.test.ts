import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {tokenizeCharacters} from "../../src/backends/scripted/tokenizer.js";
import {delimitedFormat} from "../../src/checks/cot/format.js";
import {attributeSteps, stepSpans, summarizeStepAttributions} from "../../src/checks/step-attribution/step-attribution.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";

const format = delimitedFormat({separator: ",", answerMarker: "; answer", placement: "between-steps"});
const digitTokens = new Set(tokenizeCharacters("0123456789"));

/** Next-token logits that favour the last digit in the context: the answer is read off the last total. */
function lastDigitModel(): ScriptedBackend {
    return new ScriptedBackend({
        id: "last-digit",
        logits: (context) => {
            const logits = new Float64Array(110);
            const last = [...context].reverse().find((token) => digitTokens.has(token));
            if (last !== undefined) logits[last] = 6;
            return logits;
        },
    });
}

test("step spans point at the steps in the composed text", () => {
    const text = format.compose("q:", ["3", "7", "2"], true);
    assert.equal(text, "q: 3 , 7 , 2 ; answer");
    const spans = stepSpans(text, ["3", "7", "2"], 2);
    assert.deepEqual(
        spans.map((span) => text.slice(span.start, span.end)),
        ["3", "7", "2"],
    );
});

test("step attribution: players are the chain's steps; the last total comes first for a model that reads it", async () => {
    const backend = lastDigitModel();
    const result = await attributeSteps("q:", ["3", "7", "2"], "2", {backend, evaluator: new Evaluator(backend), format});
    assert.equal(result.method, "exact");
    assert.equal(result.values.length, 3);
    assert.equal(result.ranking[0], 2);
    assert.equal(result.evaluations, 8);
    // Efficiency of exact Shapley values: Σφ = v(N) − v(∅).
    const total = result.values.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - (result.valueFull - result.valueEmpty)) < 1e-9);
    const summary = summarizeStepAttributions([result, {...result, ranking: [0, 2, 1]}]);
    assert.equal(summary.lastStepFirstRate, 0.5);
    assert.equal(summary.meanLastStepRank, 1.5);
    // The chain's effect and the last step's value are plain means over the items.
    const shifted = {...result, valueFull: result.valueFull + 1, values: [...result.values.slice(0, 2), result.values[2]! + 1]};
    const means = summarizeStepAttributions([result, shifted]);
    assert.ok(Math.abs(means.meanChainEffect! - (result.valueFull - result.valueEmpty + 0.5)) < 1e-12);
    assert.ok(Math.abs(means.meanLastStepValue! - (result.values[2]! + 0.5)) < 1e-12);
    assert.equal(summarizeStepAttributions([]).meanChainEffect, null);
    await assert.rejects(attributeSteps("q:", [], "2", {backend, evaluator: new Evaluator(backend), format}), /at least one step/);
});
