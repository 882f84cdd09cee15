import {test} from "node:test";
import assert from "node:assert/strict";
import {loadWhiteBoxModel, readWhiteBoxPlan} from "../../src/backends/engine/index.js";
import {logProbObjective} from "../../src/engine/objectives.js";
import {checkMemory, planModel} from "../../src/engine/weights.js";
import {BudgetError, ContextOverflowError, InputError, ModelFileError} from "../../src/errors.js";
import {sharedModel} from "../helpers/models.js";
import {architectureConfigs, randomModel} from "./engine-helpers.js";

const stories = sharedModel("stories260K.gguf");

test("an unsupported architecture is refused in one line naming it and the supported ones", () => {
    const {header} = readWhiteBoxPlan(stories);
    const metadata = new Map(header.metadata);
    metadata.set("general.architecture", "gpt2");
    assert.throws(
        () => planModel(metadata, header.tensors),
        (error: unknown) => {
            assert.ok(error instanceof ModelFileError);
            assert.equal(error.message, "architecture gpt2 is not supported by the engine; expected llama, qwen2, qwen3; received gpt2");
            return true;
        },
    );
});

test("a tensor type the engine cannot decode is refused in one line naming the tensor and the type", () => {
    const {header} = readWhiteBoxPlan(stories);
    const tensors = header.tensors.map((tensor) => (tensor.name === "blk.3.ffn_up.weight" ? {...tensor, ggmlType: 16} : tensor));
    assert.throws(
        () => planModel(header.metadata, tensors),
        (error: unknown) => {
            assert.ok(error instanceof ModelFileError);
            assert.match(
                error.message,
                /^tensor blk\.3\.ffn_up\.weight has type IQ2_XXS, which the engine cannot decode; expected F32, F16, BF16[^;]*; received IQ2_XXS$/,
            );
            assert.ok(!error.message.includes("\n"));
            return true;
        },
    );
});

test("a missing tensor or one of the wrong shape is named", () => {
    const {header} = readWhiteBoxPlan(stories);
    assert.throws(
        () =>
            planModel(
                header.metadata,
                header.tensors.filter((tensor) => tensor.name !== "blk.4.attn_k.weight"),
            ),
        /the llama model lacks tensor blk\.4\.attn_k\.weight/,
    );
    const reshaped = header.tensors.map((tensor) => (tensor.name === "blk.0.attn_k.weight" ? {...tensor, dimensions: [64, 64]} : tensor));
    assert.throws(() => planModel(header.metadata, reshaped), /tensor blk\.0\.attn_k\.weight has the wrong shape; expected \[64, 32\]; received \[64, 64\]/);
});

test("a model whose weights would not fit is refused before loading, with the bytes needed and available", () => {
    const {plan} = readWhiteBoxPlan(stories);
    // 2 × 512 × 64 (embedding, output) + 64 + 5 layers × (64·64·2 + 64·32·2 + 3·64·172 + 2·64) float32 values.
    assert.equal(plan.weightBytes, 4 * (2 * 512 * 64 + 64 + 5 * (2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 172 + 2 * 64)));
    assert.throws(
        () => loadWhiteBoxModel(stories, {availableBytes: 1_000_000}),
        (error: unknown) => {
            assert.ok(error instanceof BudgetError);
            assert.equal(
                error.message,
                "the model's weights would not fit in memory; expected at most 1000000 bytes available; received 1171200 bytes needed for float32 weights (use a smaller model or free memory)",
            );
            assert.deepEqual(error.fields, {needed: 1171200, available: 1_000_000});
            return true;
        },
    );
    assert.doesNotThrow(() => checkMemory(plan, plan.weightBytes));
});

test("a file that is not GGUF is refused as a model file error", () => {
    assert.throws(
        () => loadWhiteBoxModel(new URL("../../package.json", import.meta.url).pathname),
        (error: unknown) => {
            assert.ok(error instanceof ModelFileError);
            assert.match(error.message, /^package\.json is not a readable GGUF file; received not a GGUF file/);
            return true;
        },
    );
});

test("an unknown hook name is refused with the list of valid names", () => {
    const model = randomModel(architectureConfigs["qwen2 (q/k/v biases)"]!, 1);
    for (const run of [
        () => model.runWithCache([[1, 2]], ["blocks.0.hook_resid_pre", "blocks.2.hook_resid_pre"]),
        () => model.runWithHooks([[1, 2]], [{name: "blocks.0.attn.hook_result", fn: () => undefined}]),
        () => model.backward({tokens: [[1, 2]], objective: logProbObjective([{position: 0, token: 1}]), gradientsAt: ["hook_resid"]}),
    ]) {
        assert.throws(run, (error: unknown) => {
            assert.ok(error instanceof InputError);
            assert.match(
                error.message,
                /^unknown hook name "[^"]+"; expected one of hook_embed, blocks\.\{0\.\.1\}\.hook_resid_pre, blocks\.\{0\.\.1\}\.ln1\.hook_normalized, .*blocks\.\{0\.\.1\}\.attn\.hook_pattern, .*ln_final\.hook_normalized, hook_logits; received /,
            );
            return true;
        });
    }
});

test("mismatched batch lengths, positions beyond the context, unknown token ids and objective terms outside the batch are refused", () => {
    const model = randomModel(architectureConfigs["llama (GQA, tied output, linear rope scaling, partial rotary)"]!, 1);
    assert.throws(
        () =>
            model.run([
                [1, 2, 3],
                [1, 2],
            ]),
        (error: unknown) =>
            error instanceof InputError &&
            error.message ===
                "the sequences of a batch must have the same length; expected 3 tokens (the length of sequence 0); received 2 tokens in sequence 1 (run sequences of different lengths in separate calls)",
    );
    assert.throws(
        () => model.run([Array.from({length: 17}, () => 1)]),
        (error: unknown) =>
            error instanceof ContextOverflowError &&
            error.message === "the sequences are longer than the model's context; expected at most 16 positions; received 17 tokens",
    );
    assert.throws(() => model.run([[1, 11]]), /token id at position 1 of sequence 0 is outside the vocabulary; expected an integer in \[0, 11\); received 11/);
    assert.throws(() => model.run([]), /the batch is empty/);
    assert.throws(
        () => model.backward({tokens: [[1, 2]], objective: logProbObjective([{position: 2, token: 1}])}),
        /an objective term lies outside the batch; expected sequence < 1, position < 2, token < 11; received sequence 0, position 2, token 1/,
    );
});
