import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import type {PromptInput} from "../../src/model/backend-spec.js";
import {alignTarget, answerSeparator, bestOption, normalizeOptionLogprobs, optionLogprobs} from "../../src/protocol/index.js";

const prompts: PromptInput[] = [
    {kind: "text", text: "Is the sky blue? Answer:"},
    {kind: "text", text: "Pick one:\n"},
    {kind: "chat", messages: [{role: "user", content: "Which colour is the sky?"}]},
];
const options = ["blue", "green", "a shade of grey", "blue"];

test("option log-probabilities through the evaluator equal direct scoring of each aligned option (within 1e-9)", async () => {
    for (const lanes of [1, 3]) {
        const backend = new ScriptedBackend({seed: 11, capabilities: {lanes}});
        const direct = new ScriptedBackend({seed: 11});
        for (const prompt of prompts) {
            const separator = answerSeparator(prompt);
            const evaluator = new Evaluator(backend);
            const scored = await optionLogprobs(backend, evaluator, prompt, options, {separator});
            assert.equal(scored.length, options.length);
            for (const [index, option] of options.entries()) {
                const aligned = await alignTarget(direct, prompt, separator + option);
                const {logprobs} = await direct.score(aligned.request, 0);
                const expected = logprobs.reduce((sum, value) => sum + value, 0);
                assert.ok(Math.abs((scored[index] as number) - expected) <= 1e-9, `${JSON.stringify(prompt)} ${option}: ${scored[index]} vs ${expected}`);
            }
            // The repeated option is scored once.
            assert.equal(evaluator.stats.deduplicated, 1);
            assert.equal(scored[0], scored[3]);
        }
    }
});

test("the separator: a space after a text prompt that does not end in whitespace, nothing otherwise", () => {
    assert.equal(answerSeparator({kind: "text", text: "Answer:"}), " ");
    assert.equal(answerSeparator({kind: "text", text: "Answer:\n"}), "");
    assert.equal(answerSeparator({kind: "chat", messages: [{role: "user", content: "Hi"}]}), "");
});

test("normalised option probabilities are the softmax of the log-probabilities; the best option is the first maximum", () => {
    const probabilities = normalizeOptionLogprobs([Math.log(0.1), Math.log(0.3), Math.log(0.1)]);
    assert.deepEqual(
        probabilities.map((value) => Number(value.toFixed(12))),
        [0.2, 0.6, 0.2],
    );
    assert.equal(
        probabilities.reduce((sum, value) => sum + value, 0),
        1,
    );
    // Large negative log-probabilities do not underflow.
    assert.deepEqual(normalizeOptionLogprobs([-1000, -1000]), [0.5, 0.5]);
    assert.equal(bestOption([-3, -1, -1, -2]), 1);
});
