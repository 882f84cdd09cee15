import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {InputError} from "../../src/errors.js";
import {lookupValues} from "../../src/organisms/tasks/lookup.js";
import {probeFeatures} from "../../src/white-box/probe-activations.js";
import {probeLayers, type ProbeExample} from "../../src/white-box/probe.js";
import {openLookup} from "./lookup-organism.js";

/** Two features; the label is the sign of the first; 200 token types of two examples each. */
function syntheticExamples(): ProbeExample[] {
    const random = new SeededRandom(5);
    return Array.from({length: 400}, (_, index) => {
        const x = random.normal(),
            y = random.normal();
        return {features: [Float64Array.of(x, y)], label: x > 0 ? "positive" : "negative", tokenType: index % 200};
    });
}

test("a linearly decodable label is probed accurately; random labels per token type stay near chance", () => {
    const result = probeLayers(syntheticExamples(), {seed: 1});
    assert.deepEqual(result.classes, ["negative", "positive"]);
    assert.equal(result.heldOutCount, 100);
    assert.equal(result.trainingCount, 300);
    const [layer] = result.layers;
    assert.ok(layer!.accuracy >= 0.95, `accuracy ${layer!.accuracy}`);
    assert.ok(Math.abs(layer!.controlAccuracy - 0.5) <= 0.15, `control ${layer!.controlAccuracy}`);
    assert.equal(layer!.selectivity, layer!.accuracy - layer!.controlAccuracy);
    assert.deepEqual(probeLayers(syntheticExamples(), {seed: 1}), result, "deterministic for a seed");
});

test("a dataset with one class is refused", () => {
    const examples = syntheticExamples().map((example) => ({...example, label: "only"}));
    assert.throws(
        () => probeLayers(examples),
        (error: unknown) => error instanceof InputError && error.parameter === "dataset" && error.message.includes('only "only"'),
    );
});

test("lookup organism: the answer's colour group is decodable after the second block at the question, not from its embedding, whose control is memorised", () => {
    const lookup = openLookup();
    const random = new SeededRandom(11);
    const firstHalf = new Set<string>(lookupValues.slice(0, lookupValues.length / 2));
    const examples: ProbeExample[] = Array.from({length: 240}, () => {
        const item = lookup.task.heldOutItem(random);
        const tokens = lookup.tokens(item.prompt);
        return {
            features: probeFeatures(lookup.model, tokens, {precision: "f64"}),
            label: firstHalf.has(item.answer) ? "first" : "second",
            tokenType: tokens[tokens.length - 1]!,
        };
    });
    const result = probeLayers(examples, {seed: 3});
    const summary = result.layers
        .map((layer) => `layer ${layer.layer}: accuracy ${layer.accuracy.toFixed(3)}, control ${layer.controlAccuracy.toFixed(3)}`)
        .join("; ");
    console.log(`${summary}; majority ${result.majorityAccuracy.toFixed(3)}`);
    assert.equal(result.layers.length, 3);
    assert.ok(result.layers[2]!.accuracy >= 0.95, summary);
    assert.ok(result.layers[0]!.accuracy <= 0.7, summary);
    // With 24 question keys as token types, random labels per type are linearly separable from the
    // key's embedding: the control is learnt perfectly there, so the embedding's probe is not selective.
    assert.ok(result.layers[0]!.controlAccuracy >= 0.95, summary);
    assert.ok(result.layers[0]!.selectivity < 0, summary);
});
