import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {explain} from "../../src/explain/explain.js";
import {BudgetError, InputError} from "../../src/errors.js";
import type {StructuredInput} from "../../src/units/types.js";
import {tokenizeText} from "../../src/protocol/index.js";

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

async function directValue(backend: ScriptedBackend, text: string, target: string): Promise<number> {
    const result = await backend.score({context: [1, ...(await tokenizeText(backend, text))], target: await tokenizeText(backend, target)}, 0);
    return sum(result.logprobs);
}

test("leave-one-out on the scripted backend equals hand-computed v(N) − v(N∖i)", async () => {
    const backend = new ScriptedBackend({seed: 11});
    const result = await explain(backend, {kind: "prompt", prompt: "red ball. blue sky."}, {unit: "word", method: "loo", target: " yes"});
    const full = await directValue(backend, "red ball. blue sky.", " yes");
    const without = ["ball. blue sky.", "red blue sky.", "red ball. sky.", "red ball. blue"];
    assert.equal(result.units.length, 4);
    for (let index = 0; index < 4; index += 1) {
        const expected = full - (await directValue(backend, without[index] as string, " yes"));
        assert.ok(Math.abs((result.values[index] ?? Number.NaN) - expected) < 1e-12, `unit ${index}`);
    }
    assert.ok(Math.abs(result.valueFull - full) < 1e-12);
    assert.ok(Math.abs(result.valueEmpty - (await directValue(backend, "", " yes"))) < 1e-12);
    assert.equal(result.method, "loo");
    assert.equal(result.target.origin, "given");
    assert.deepEqual(
        result.target.tokens.map((token) => token.text),
        [" ", "y", "e", "s"],
    );
});

test("exact Shapley on the scripted backend is efficient for the value and every target-token component", async () => {
    const backend = new ScriptedBackend({seed: 5});
    const input: StructuredInput = {kind: "documents", question: "Who?", documents: [{text: "Ann ran."}, {text: "Bob sat."}, {text: "Cy hid."}]};
    const result = await explain(backend, input, {method: "exact", target: " Ann"});
    assert.equal(result.unit, "document");
    assert.equal(result.evaluations, 8);
    assert.ok(Math.abs(result.efficiencyGap) < 1e-9);
    assert.equal(result.componentValues?.length, 4);
    result.componentValues?.forEach((row, component) => {
        const gap = sum(row) - ((result.componentsFull?.[component] ?? 0) - (result.componentsEmpty?.[component] ?? 0));
        assert.ok(Math.abs(gap) < 1e-9, `component ${component}`);
    });
});

test("a generated target is the greedy continuation, cut at the cap", async () => {
    const backend = new ScriptedBackend({seed: 2});
    const result = await explain(backend, {kind: "prompt", prompt: "a b"}, {method: "loo", maxTargetTokens: 3});
    assert.equal(result.target.origin, "generated");
    assert.ok(result.target.tokens.length >= 1 && result.target.tokens.length <= 3);
    const generation = await backend.generate(
        {context: [1, ...(await tokenizeText(backend, "a b"))], maxTokens: 3, temperature: 0, seed: 0, topLogprobs: 0},
        0,
    );
    assert.deepEqual(
        result.target.tokens.map((token) => token.id),
        generation.tokens.slice(0, result.target.tokens.length).map((token) => token.token),
    );
});

test("bad requests fail before any evaluation with typed errors", async () => {
    const backend = new ScriptedBackend();
    await assert.rejects(
        explain(backend, {kind: "prompt", prompt: "a b c"}, {method: "exact", budget: 3, target: " x"}),
        (error: unknown) => error instanceof BudgetError && /minimum is 8/.test(error.message),
    );
    await assert.rejects(
        explain(backend, {kind: "prompt", prompt: "a b"}, {target: " x", foil: " x"}),
        (error: unknown) => error instanceof InputError && /foil equals the target/.test(error.message),
    );
    await assert.rejects(explain(backend, {kind: "prompt", prompt: "a b"}, {target: " x", rationale: [{start: 1, end: 50}]}), /outside the text of the prompt/);
    await assert.rejects(explain(backend, {kind: "prompt", prompt: "a b"}, {unit: "document", target: " x"}), /unit document needs an input with documents/);
    assert.equal(backend.scoreLog.length, 0);
});

test("a rationale becomes a unit mask", async () => {
    const backend = new ScriptedBackend();
    const result = await explain(backend, {kind: "prompt", prompt: "one two three"}, {method: "loo", target: " x", rationale: [{start: 4, end: 6}]});
    assert.deepEqual(result.rationale?.unitMask, [0, 1, 0]);
});

test("hierarchical attribution runs over the documents → sentences → words tree and stays efficient", async () => {
    const backend = new ScriptedBackend({seed: 9});
    const input: StructuredInput = {kind: "documents", question: "Who?", documents: [{text: "Ann ran. Ann hid."}, {text: "Bob sat."}, {text: "Cy hid there."}]};
    const result = await explain(backend, input, {unit: "word", method: "hierarchical", budget: 80, seed: 1, target: " Ann"});
    assert.equal(result.units.length, 9);
    assert.ok(Math.abs(result.efficiencyGap) < 1e-9, String(result.efficiencyGap));
    assert.ok((result.diagnostics.hierarchy?.length ?? 0) >= 3);
    await assert.rejects(explain(backend, input, {unit: "word", method: "hierarchical", budget: 5, target: " Ann"}), /minimum is 10/);
});

test("a foil with a non-contrastive value kind is scored but not part of the components", async () => {
    const backend = new ScriptedBackend();
    const result = await explain(backend, {kind: "prompt", prompt: "a b"}, {method: "loo", target: " x", foil: " y", valueKind: "logprob"});
    assert.deepEqual(result.componentLabels, [" ", "x"]);
    assert.equal(result.componentValues?.length, 2);
    assert.equal(result.foil?.text, " y");
});
