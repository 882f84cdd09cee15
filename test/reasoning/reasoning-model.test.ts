import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {tokenizeText, tokenizeWithBos} from "../../src/protocol/index.js";
import {backendReasoningModel} from "../../src/reasoning/reasoning-model.js";

test("backend reasoning model: target log-probabilities are the summed token scores; samples are seeded", async () => {
    const backend = new ScriptedBackend({seed: 7});
    const model = backendReasoningModel(backend);
    const [a, bc] = await model.targetLogprobs("Answer: (", ["A", "BC"]);
    const context = await tokenizeWithBos(backend, "Answer: (");
    const direct = await backend.score({context, target: await tokenizeText(backend, "BC")}, 0);
    assert.ok(Math.abs(bc! - direct.logprobs.reduce((x, y) => x + y, 0)) < 1e-9);
    assert.ok(a! < 0);
    const settings = {maxTokens: 6, temperature: 1, seed: 11};
    const first = await model.sample("Q:", 3, settings);
    const again = await model.sample("Q:", 3, settings);
    assert.equal(first.length, 3);
    assert.deepEqual(again, first);
    const [greedy] = await model.complete(["Q:"], 6);
    const [greedyAgain] = await model.complete(["Q:"], 6);
    assert.equal(greedy, greedyAgain);
    const noScores = backendReasoningModel(new ScriptedBackend({capabilities: {scoring: false}}));
    await assert.rejects(noScores.targetLogprobs("x", ["A"]), /does not score tokens/);
});
