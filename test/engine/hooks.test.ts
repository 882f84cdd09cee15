import {test} from "node:test";
import assert from "node:assert/strict";
import {loadWhiteBoxModel} from "../../src/backends/engine/index.js";
import {hookNames} from "../../src/engine/hooks.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {sharedModel} from "../helpers/models.js";
import {architectureConfigs, largestMagnitude, maxAbsDifference, randomModel, randomTokens, sum} from "./engine-helpers.js";

test("stories260K: every hook point's float32 activation equals the float64 reference within 1e-5 (relative to the tensor's largest entry)", (t) => {
    const model = loadWhiteBoxModel(sharedModel("stories260K.gguf"));
    const tokens = [[1, 403, 407, 261, 378, 285, 379, 300, 263, 412, 322, 354, 276, 1, 339, 269]];
    const single = model.runWithCache(tokens, () => true, {precision: "f32"}).cache;
    const double = model.runWithCache(tokens, () => true, {precision: "f64"}).cache;
    assert.deepEqual([...single.keys()], hookNames(model.config.layers));
    let worst = 0;
    for (const [name, reference] of double) {
        const finite = reference.data.map((value) => (Number.isFinite(value) ? value : 0));
        const ours = single.get(name)!.data.map((value) => (Number.isFinite(value) ? value : 0));
        const largest = Math.max(1, largestMagnitude(finite));
        const relative = maxAbsDifference(ours, finite) / largest;
        worst = Math.max(worst, relative);
        assert.ok(relative <= 1e-5, `${name}: ${relative}`);
    }
    t.diagnostic(`largest relative difference ${worst.toExponential(2)}`);
});

test("runWithCache keeps exactly the activations asked for, with TransformerLens-style shapes", () => {
    const config = architectureConfigs["llama (GQA, tied output, linear rope scaling, partial rotary)"]!;
    const model = randomModel(config, 1);
    const tokens = randomTokens(new SeededRandom(2), 3, 5, config.vocabSize);
    const {cache} = model.runWithCache(tokens, ["blocks.1.attn.hook_pattern", "blocks.0.hook_resid_post", "blocks.0.attn.hook_k", "hook_embed"]);
    assert.deepEqual([...cache.keys()].sort(), ["blocks.0.attn.hook_k", "blocks.0.hook_resid_post", "blocks.1.attn.hook_pattern", "hook_embed"]);
    assert.deepEqual(cache.get("blocks.1.attn.hook_pattern")!.shape, [3, 4, 5, 5]);
    assert.deepEqual(cache.get("blocks.0.attn.hook_k")!.shape, [3, 5, 2, 4]);
    assert.deepEqual(cache.get("blocks.0.hook_resid_post")!.shape, [3, 5, 8]);
    const pattern = cache.get("blocks.1.attn.hook_pattern")!.data;
    for (let row = 0; row < 3 * 4 * 5; row++) {
        const query = row % 5;
        const entries = pattern.subarray(row * 5, row * 5 + 5);
        assert.ok(Math.abs(sum(entries) - 1) < 1e-6);
        for (let key = query + 1; key < 5; key++) assert.equal(entries[key], 0);
    }
    const embedding = cache.get("hook_embed")!.data;
    assert.deepEqual([...embedding.subarray(8, 16)], [...model.weights.tokenEmbedding.subarray(tokens[0]![1]! * 8, tokens[0]![1]! * 8 + 8)]);
});

test("a batch gives each sequence the logits it gets alone", () => {
    for (const config of Object.values(architectureConfigs)) {
        const model = randomModel(config, 3);
        const tokens = randomTokens(new SeededRandom(4), 3, 7, config.vocabSize);
        const batch = model.run(tokens).data;
        const size = 7 * config.vocabSize;
        tokens.forEach((sequence, index) => {
            assert.ok(maxAbsDifference(model.run([sequence]).data, batch.subarray(index * size, (index + 1) * size)) < 1e-6);
        });
    }
});

test("activation patching: writing a clean run's residual stream into a corrupted run reproduces the clean logits from that point on", () => {
    const config = architectureConfigs["qwen3 (q/k RMSNorm, head size ≠ width / heads)"]!;
    const model = randomModel(config, 7);
    const clean = [[1, 2, 3, 4, 5, 6]];
    const corrupted = [[1, 2, 9, 4, 5, 6]];
    const name = "blocks.1.hook_resid_pre";
    const {logits: cleanLogits, cache} = model.runWithCache(clean, [name], {precision: "f64"});
    const plain = model.run(corrupted, {precision: "f64"}).data;
    assert.ok(maxAbsDifference(plain, cleanLogits.data) > 1e-3);
    const patched = model.runWithHooks(corrupted, [{name, fn: () => cache.get(name)!.data}], {precision: "f64"}).logits.data;
    assert.ok(maxAbsDifference(patched, cleanLogits.data) < 1e-12);
    // Patching one position only changes later positions alone.
    const dim = config.dim,
        vocab = config.vocabSize;
    const onePosition = model.runWithHooks(
        corrupted,
        [
            {
                name: "blocks.0.hook_attn_out",
                fn: ({data}) => {
                    data.fill(0, 4 * dim, 5 * dim);
                },
            },
        ],
        {precision: "f64"},
    ).logits.data;
    assert.ok(maxAbsDifference(onePosition.subarray(0, 4 * vocab), plain.subarray(0, 4 * vocab)) === 0);
    assert.ok(maxAbsDifference(onePosition.subarray(4 * vocab), plain.subarray(4 * vocab)) > 1e-6);
});

test("hooks read, add to and replace activations; several hooks on one point run in order", () => {
    const config = architectureConfigs["qwen2 (q/k/v biases)"]!;
    const model = randomModel(config, 9);
    const tokens = [[1, 5, 2, 7]];
    const seen: number[] = [];
    const base = model.run(tokens, {precision: "f64"}).data;
    const logits = model.runWithHooks(
        tokens,
        [
            {
                name: "hook_logits",
                fn: ({data}) => {
                    seen.push(data[0]!);
                },
            },
            {name: "hook_logits", fn: ({data}) => data.map((value) => value + 1)},
            {
                name: "hook_logits",
                fn: ({data}) => {
                    seen.push(data[0]!);
                },
            },
        ],
        {precision: "f64"},
    ).logits.data;
    assert.deepEqual(seen, [base[0], base[0]! + 1]);
    assert.ok(
        maxAbsDifference(
            logits.map((value) => value - 1),
            base,
        ) < 1e-12,
    );
    assert.throws(
        () => model.runWithHooks(tokens, [{name: "hook_logits", fn: () => new Float64Array(3)}]),
        /hook at hook_logits returned an activation of the wrong size; expected 44 values/,
    );
});
