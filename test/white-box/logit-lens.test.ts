import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {InputError} from "../../src/errors.js";
import {blockHook} from "../../src/engine/hooks.js";
import {lensLogprobs, logitLens} from "../../src/white-box/logit-lens.js";
import {openLookup} from "./lookup-organism.js";

const lookup = openLookup();

test("the lens at the last block is the model's own output distribution", () => {
    const item = lookup.task.heldOutItem(new SeededRandom(7));
    const tokens = lookup.tokens(item.prompt);
    const {layers, vocabSize} = lookup.model.config;
    const logits = lookup.model.run([tokens], {precision: "f64"}).data;
    const {cache} = lookup.model.runWithCache([tokens], [blockHook(layers - 1, "hook_resid_post")], {precision: "f64"});
    const residual = cache.get(blockHook(layers - 1, "hook_resid_post"))!;
    for (let position = 0; position < tokens.length; position++) {
        const lens = lensLogprobs(lookup.model, residual, position);
        let largest = -Infinity;
        for (let v = 0; v < vocabSize; v++) largest = Math.max(largest, logits[position * vocabSize + v]!);
        let sum = 0;
        for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[position * vocabSize + v]! - largest);
        for (let v = 0; v < vocabSize; v++) assert.ok(Math.abs(lens[v]! - (logits[position * vocabSize + v]! - largest - Math.log(sum))) < 1e-9);
    }
});

test("the lens ranks the answer first at the last block and reports its rank and probability per layer", () => {
    const item = lookup.task.heldOutItem(new SeededRandom(8));
    const tokens = lookup.tokens(item.prompt);
    const answer = lookup.vocabulary.id(item.answer);
    const lens = logitLens(lookup.model, tokens, {target: answer, top: 3, precision: "f64"});
    assert.deepEqual(lens.layers, ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"]);
    assert.equal(lens.cells.length, 2);
    assert.equal(lens.cells[0]!.length, tokens.length);
    const last = lens.cells[1]![tokens.length - 1]!;
    assert.equal(last.top.length, 3);
    assert.equal(last.top[0]!.token, answer);
    assert.equal(last.target!.rank, 1);
    assert.equal(last.target!.probability, last.top[0]!.probability);
    for (const row of lens.cells) for (const cell of row) assert.ok(cell.top[0]!.probability >= cell.top[1]!.probability);
    // Block 0 has not yet read the gold value: the answer is not its first choice.
    assert.ok(lens.cells[0]![tokens.length - 1]!.target!.rank > 1);
});

test("a target outside the vocabulary is refused", () => {
    assert.throws(
        () => logitLens(lookup.model, [1, 2], {target: 10_000}),
        (error: unknown) => error instanceof InputError && error.parameter === "target",
    );
});
