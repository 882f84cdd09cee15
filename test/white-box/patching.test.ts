import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {InputError} from "../../src/errors.js";
import {attributionPatchingAt, cleanActivations, patchedMetrics, type PatchingSetup} from "../../src/white-box/activation-patching.js";
import {componentHook, tableHooks} from "../../src/white-box/patching-components.js";
import {normaliseEffect} from "../../src/white-box/patching-metric.js";
import {patchingTables} from "../../src/white-box/patching-table.js";
import {lookupFacts, openLookup, swappedQuestion} from "./lookup-organism.js";

const lookup = openLookup();

function itemSetup(seed: number): PatchingSetup & {goldIndex: number; length: number} {
    const item = lookup.task.heldOutItem(new SeededRandom(seed));
    if (item.evidence.kind !== "lookup") throw new Error("expected lookup evidence");
    const goldIndex = item.evidence.documentIndex;
    const otherIndex = (goldIndex + 1) % item.documents.length;
    const facts = lookupFacts(item);
    const clean = lookup.tokens(item.prompt);
    const corrupted = lookup.tokens(swappedQuestion(item, otherIndex));
    const metric = {
        kind: "logit-diff" as const,
        position: clean.length - 1,
        correct: lookup.vocabulary.id(facts[goldIndex]!.value),
        incorrect: lookup.vocabulary.id(facts[otherIndex]!.value),
    };
    return {model: lookup.model, clean, corrupted, metric, precision: "f64", goldIndex, length: clean.length};
}

test("patching a layer's whole residual stream restores the clean metric exactly; patching nothing leaves the corrupted one", () => {
    const setup = itemSetup(1);
    const {cache, metric: clean} = cleanActivations(setup, tableHooks(setup.model.config.layers));
    const [corrupted] = patchedMetrics(setup, cache, [[]]);
    for (let layer = 0; layer < setup.model.config.layers; layer++) {
        const [patched] = patchedMetrics(setup, cache, [[{hook: componentHook("resid_pre", layer)}]]);
        assert.equal(patched, clean, `layer ${layer}`);
        assert.equal(normaliseEffect(patched!, clean, corrupted!), 1);
    }
    assert.equal(normaliseEffect(corrupted!, clean, corrupted!), 0);
    const table = patchingTables(setup, ["activation"]);
    assert.equal(table.corruptedMetric, corrupted);
    assert.equal(table.cleanMetric, clean);
    // Patching one position of the residual stream entering block 0 (the embeddings) is patching that token.
    const resid0 = table.tables[0]!.components.resid_pre[0]!;
    assert.equal(resid0[setup.length - 1], 1, "the question key is the only token that differs");
    for (let position = 0; position < setup.length - 1; position++) assert.equal(resid0[position], 0);
});

test("attribution patching equals activation patching where the metric is linear in the activation", () => {
    const setup = itemSetup(2);
    const hook = "ln_final.hook_normalized";
    const estimates = attributionPatchingAt(setup, hook);
    const {cache} = cleanActivations(setup, [hook]);
    const [corrupted] = patchedMetrics(setup, cache, [[]]);
    const exact = patchedMetrics(
        setup,
        cache,
        estimates.map((_, position) => [{hook, positions: [position]}]),
    ).map((value) => value - corrupted!);
    estimates.forEach((estimate, position) =>
        assert.ok(Math.abs(estimate - exact[position]!) < 1e-9, `position ${position}: ${estimate} vs ${exact[position]}`),
    );
    assert.ok(Math.abs(exact[setup.length - 1]!) > 0.1, "the last position carries the effect");
});

test("AtP and RelP fill the same table as activation patching: components per layer × position, heads per layer", () => {
    const setup = itemSetup(3);
    const run = patchingTables(setup);
    assert.deepEqual(
        run.tables.map((table) => table.method),
        ["activation", "atp", "relp"],
    );
    for (const table of run.tables) {
        assert.equal(table.components.attn_out.length, 2);
        assert.equal(table.components.mlp_out[1]!.length, setup.length);
        assert.equal(table.heads[0]!.length, 2);
        for (const row of [...table.heads, ...table.components.resid_pre]) for (const value of row) assert.ok(Number.isFinite(value));
    }
});

test("clean and corrupted inputs of different token lengths are refused with both lengths", () => {
    const setup = itemSetup(4);
    assert.throws(
        () => patchingTables({...setup, corrupted: setup.corrupted.slice(0, -1)}),
        (error: unknown) =>
            error instanceof InputError &&
            error.message.includes(`clean ${setup.length} tokens, corrupted ${setup.length - 1} tokens`) &&
            error.parameter === "corrupted",
    );
});

test("equal clean and corrupted metrics are refused: the normalisation would divide by zero", () => {
    const setup = itemSetup(5);
    assert.throws(() => patchingTables({...setup, corrupted: setup.clean}), /give the same metric/);
});
