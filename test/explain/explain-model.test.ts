import assert from "node:assert/strict";
import {after, before, test} from "node:test";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {explain} from "../../src/explain/explain.js";
import {alignTarget, tokenizeText} from "../../src/protocol/index.js";
import {sharedModel} from "../helpers/models.js";

const modelPath = sharedModel("stories260K.gguf");
let backend: LlamaCppBackend;

before(async () => {
    backend = await openLlamaCppModel(modelPath);
});
after(async () => {
    await backend.dispose();
});

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

test("exact Shapley on stories260K is efficient: Σ values = v(full) − v(empty)", async () => {
    const prompt = "Lily had a red ball. She lost it in the park. She was sad. Then Tom found it.";
    const result = await explain(backend, {kind: "prompt", prompt}, {unit: "sentence", method: "exact", target: " Lily was happy."});
    assert.equal(result.units.length, 4);
    assert.equal(result.evaluations, 16);
    assert.ok(Math.abs(sum(result.values) - (result.valueFull - result.valueEmpty)) < 1e-6, `gap ${result.efficiencyGap}`);
    // v(full) is the plain teacher-forced score of the target after the whole prompt.
    const aligned = await alignTarget(backend, {kind: "text", text: prompt}, " Lily was happy.");
    const direct = sum((await backend.score(aligned.request, 0)).logprobs);
    assert.ok(Math.abs(result.valueFull - direct) < 1e-6, `${result.valueFull} vs ${direct}`);
    // The token × unit matrix is efficient row by row, too.
    assert.equal(result.componentValues?.length, result.target.tokens.length);
    result.componentValues?.forEach((row, index) => {
        const expected = (result.componentsFull?.[index] ?? 0) - (result.componentsEmpty?.[index] ?? 0);
        assert.ok(Math.abs(sum(row) - expected) < 1e-6, `token ${index}`);
    });
});

test("the same seed gives the same attribution on stories260K; log-odds and contrastive games run", async () => {
    const input = {
        kind: "documents" as const,
        question: "What did Lily lose?",
        documents: [{text: "Lily had a red ball."}, {text: "Tom had a big dog."}, {text: "The sun was hot."}, {text: "Lily lost her ball."}],
    };
    const options = {method: "shapley" as const, budget: 24, seed: 7, target: " ball", valueKind: "logodds" as const};
    const first = await explain(backend, input, options);
    const second = await explain(backend, input, options);
    assert.deepEqual(second.values, first.values);
    assert.deepEqual(second.standardErrors, first.standardErrors);
    assert.equal(first.seed, 7);
    const contrastive = await explain(backend, input, {method: "loo", target: " ball", foil: " dog"});
    assert.equal(contrastive.valueKind, "contrastive");
    assert.equal(contrastive.componentLabels.at(-1)?.startsWith("foil:"), true);
});

test("without a target, the greedy answer is generated once and scored as the fixed target", async () => {
    const prompt = "Lily had a red ball.";
    const result = await explain(backend, {kind: "prompt", prompt}, {unit: "word", method: "loo", maxTargetTokens: 4});
    assert.equal(result.target.origin, "generated");
    assert.ok(result.target.tokens.length >= 1 && result.target.tokens.length <= 4);
    const generation = await backend.generate(
        {context: [1, ...(await tokenizeText(backend, prompt))], maxTokens: 4, temperature: 0, seed: 0, topLogprobs: 0},
        0,
    );
    assert.deepEqual(
        result.target.tokens.map((token) => token.id),
        generation.tokens.slice(0, result.target.tokens.length).map((token) => token.token),
    );
    const direct = sum(
        (await backend.score({context: [1, ...(await tokenizeText(backend, prompt))], target: result.target.tokens.map((token) => token.id)}, 0)).logprobs,
    );
    assert.ok(Math.abs(result.valueFull - direct) < 1e-6);
});

test("chat messages as units on stories260K: exact Shapley stays efficient", async () => {
    const input = {
        kind: "chat" as const,
        playerRoles: ["user" as const, "system" as const],
        messages: [
            {role: "system" as const, content: "Tell a short story."},
            {role: "user" as const, content: "Lily had a red ball."},
            {role: "user" as const, content: "What did Lily do?"},
        ],
    };
    const result = await explain(backend, input, {method: "exact", target: " She played."});
    assert.equal(result.unit, "message");
    assert.equal(result.units.length, 3);
    assert.ok(Math.abs(result.efficiencyGap) < 1e-6);
});
