import assert from "node:assert/strict";
import {test} from "node:test";
import {answerExtractor, boxedAnswer, canonicalAnswer, letterAnswer, markerAnswer, parseNumber} from "../../src/reasoning/answers.js";
import {answerDistribution, defaultCueWords, splitSubthoughts, subthoughtBoundaries, summarizeSubthoughts} from "../../src/reasoning/subthoughts.js";
import {subthoughtItem} from "../../src/reasoning/subthought-analysis.js";
import type {ReasoningModel} from "../../src/reasoning/reasoning-model.js";

test("answer extraction: boxed with nested braces, marker, letter, numbers", () => {
    assert.equal(boxedAnswer("so \\boxed{3} wait \\boxed{\\frac{1}{2}}"), "\\frac{1}{2}");
    assert.equal(boxedAnswer("no box"), undefined);
    assert.equal(markerAnswer("the answer is 42."), "42");
    assert.equal(markerAnswer("3 , 7 ; answer 7"), "7");
    assert.equal(letterAnswer("... The best answer is: (C)"), "C");
    assert.equal(parseNumber("1/4"), 0.25);
    assert.equal(parseNumber("1,000"), 1000);
    assert.equal(parseNumber("x"), undefined);
    assert.equal(canonicalAnswer("4.0"), "4");
    assert.equal(answerExtractor("auto")("nothing here"), undefined);
});

test("subthoughts split at cue words and concatenate back to the trace", () => {
    const trace = "First 2+2=4. Wait, check: 4. Hmm, Waiting is fine. Alternatively 5.";
    const pieces = splitSubthoughts(trace, defaultCueWords);
    assert.equal(pieces.join(""), trace);
    assert.deepEqual(
        pieces.map((piece) => piece.split(/[ ,]/)[0]),
        ["First", "Wait", "Hmm", "Alternatively"],
    );
    assert.deepEqual(subthoughtBoundaries("Wait at start", ["Wait"]), []);
});

test("answer distribution: mode, entropy in nats, ties to the latest answer", () => {
    const distribution = answerDistribution(["3", "4", undefined, "4", "3"]);
    assert.equal(distribution.answered, 4);
    assert.equal(distribution.unanswered, 1);
    assert.equal(distribution.mode, "3"); // 2-2 tie: "3" was seen last
    assert.ok(Math.abs(distribution.entropy - Math.log(2)) < 1e-12);
    assert.equal(answerDistribution(["5", "5"]).entropy, 0);
});

test("subthought analysis: the mode beats a wrong last answer, and a trace without an answer is counted", async () => {
    const model: ReasoningModel = {
        name: "toy",
        complete: async (prompts) => prompts.map((prompt) => (prompt.includes("Hmm") ? " so \\boxed{5}" : " so \\boxed{4}")),
        sample: async () => [],
        targetLogprobs: async () => [],
    };
    const settings = {cues: defaultCueWords, extract: answerExtractor("auto"), maxTraceTokens: 10, maxContinuationTokens: 10, temperature: 0, seed: 0};
    const verdict = await subthoughtItem(
        model,
        {id: "1", prompt: "Q:", trace: " 2+2 is 4. Wait, maybe. Hmm, yes. Alternatively it is \\boxed{5}", gold: "4"},
        settings,
    );
    assert.equal(verdict.subthoughts, 4);
    assert.deepEqual(verdict.answers, ["4", "4", "5", "5"]);
    assert.equal(verdict.lastAnswer, "5");
    assert.equal(verdict.distribution.mode, "5"); // 2-2, the later answer wins the tie
    const three = await subthoughtItem(model, {id: "2", prompt: "Q:", trace: " 4. Wait. Wait. Wait. Hmm \\boxed{5}", gold: "4"}, settings);
    assert.deepEqual(three.answers, ["4", "4", "4", "4", "5"]);
    assert.equal(three.modeCorrect, true);
    assert.equal(three.lastCorrect, false);
    const none = await subthoughtItem(model, {id: "3", prompt: "Q:", trace: " no answer at all"}, settings);
    assert.equal(none.lastAnswer, undefined);
    const summary = summarizeSubthoughts([verdict, three, none]);
    assert.equal(summary.noLastAnswer, 1);
    assert.equal(summary.withGold, 2);
    assert.equal(summary.modeBeatsLast, 1);
    assert.equal(summary.lastBeatsMode, 0);
    assert.equal(summary.lastAccuracy, 0);
    assert.equal(summary.modeAccuracy, 0.5);
});
