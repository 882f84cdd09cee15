import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {blockHook} from "../../src/engine/hooks.js";
import {cleanActivations, patchedMetrics} from "../../src/white-box/activation-patching.js";
import {activationPatchSets} from "../../src/white-box/patching-components.js";
import {normaliseEffect} from "../../src/white-box/patching-metric.js";
import {lookupFacts, openLookup, swappedQuestion} from "./lookup-organism.js";

/**
 * Clean: the held-out question; corrupted: the same documents asked about another key. Patching
 * each head's output finds the head that carries the answer; its attention from the question
 * position must point into the gold document (tokens BOS, then KEY VALUE . per document).
 */
test("lookup organism: patching localises the answer to one head, which attends from the question to the gold document", () => {
    const lookup = openLookup();
    const random = new SeededRandom(20261203);
    const {layers, heads} = lookup.model.config;
    const items = 200;
    let pointsToGold = 0,
        attentionAtQuestion = 0;
    const topHeads = new Map<string, number>();
    for (let i = 0; i < items; i++) {
        const item = lookup.task.heldOutItem(random);
        if (item.evidence.kind !== "lookup") throw new Error("expected lookup evidence");
        const gold = item.evidence.documentIndex;
        const other = (gold + 1 + random.integer(item.documents.length - 1)) % item.documents.length;
        const facts = lookupFacts(item);
        const clean = lookup.tokens(item.prompt);
        const corrupted = lookup.tokens(swappedQuestion(item, other));
        const last = clean.length - 1;
        const metric = {
            kind: "logit-diff" as const,
            position: last,
            correct: lookup.vocabulary.id(facts[gold]!.value),
            incorrect: lookup.vocabulary.id(facts[other]!.value),
        };
        const setup = {model: lookup.model, clean, corrupted, metric, precision: "f64" as const};
        const patternHooks = Array.from({length: layers}, (_, layer) => blockHook(layer, "attn.hook_pattern"));
        const hooks = [
            ...Array.from({length: layers}, (_, layer) => [blockHook(layer, "hook_attn_out"), blockHook(layer, "attn.hook_z")]).flat(),
            ...patternHooks,
        ];
        const {cache, metric: cleanMetric} = cleanActivations(setup, hooks);
        const [corruptedMetric] = patchedMetrics(setup, cache, [[]]);
        const cells = activationPatchSets(layers, heads, clean.length).filter((cell) => cell.kind === "head" || cell.component === "attn_out");
        const effects = patchedMetrics(
            setup,
            cache,
            cells.map((cell) => cell.patches),
        ).map((value) => normaliseEffect(value, cleanMetric, corruptedMetric!));
        let best = -1;
        effects.forEach((effect, index) => {
            if (cells[index]!.kind === "head" && (best < 0 || effect > effects[best]!)) best = index;
        });
        let bestComponent = -1;
        effects.forEach((effect, index) => {
            if (cells[index]!.kind === "component" && (bestComponent < 0 || effect > effects[bestComponent]!)) bestComponent = index;
        });
        const componentCell = cells[bestComponent]!;
        if (componentCell.kind === "component" && componentCell.position === last) attentionAtQuestion++;
        const cell = cells[best]!;
        if (cell.kind !== "head") throw new Error("unreachable");
        topHeads.set(`${cell.layer}.${cell.head}`, (topHeads.get(`${cell.layer}.${cell.head}`) ?? 0) + 1);
        const pattern = cache.get(blockHook(cell.layer, "attn.hook_pattern"))!;
        const length = clean.length;
        const row = (cell.head * length + last) * length;
        let argmax = 0;
        for (let key = 1; key < length; key++) if (pattern.data[row + key]! > pattern.data[row + argmax]!) argmax = key;
        const documentStart = 1 + 3 * gold;
        if (argmax >= documentStart && argmax < documentStart + 3) pointsToGold++;
    }
    const summary = `top head points to the gold document on ${pointsToGold}/${items}; attention output at the question position is the largest attention effect on ${attentionAtQuestion}/${items}; top heads ${JSON.stringify(Object.fromEntries(topHeads))}`;
    console.log(summary);
    assert.ok(pointsToGold >= 0.95 * items, summary);
    assert.ok(attentionAtQuestion >= 0.95 * items, summary);
});
