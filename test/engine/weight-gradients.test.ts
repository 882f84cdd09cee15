import {test} from "node:test";
import assert from "node:assert/strict";
import type {Objective} from "../../src/engine/objectives.js";
import {attnLrpRules} from "../../src/engine/rules.js";
import {zeroWeightGradients, type WeightGradients} from "../../src/engine/weight-gradients.js";
import type {EngineWeights} from "../../src/engine/weights.js";
import type {WhiteBoxModel} from "../../src/engine/white-box-model.js";
import {InputError} from "../../src/errors.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {architectureConfigs, largestMagnitude, randomModel, randomTokens, tinyConfig} from "./engine-helpers.js";

/** log p of targets in both sequences, a logit difference and a negative log p (terms in sequence order). */
const objective: Objective = {
    terms: [
        {sequence: 0, position: 5, token: 3, kind: "logprob", weight: 1},
        {sequence: 0, position: 3, token: 1, kind: "logit", weight: 1},
        {sequence: 0, position: 3, token: 9, kind: "logit", weight: -1},
        {sequence: 1, position: 2, token: 7, kind: "logprob", weight: 0.5},
        {sequence: 1, position: 5, token: 4, kind: "logprob", weight: -1},
    ],
};

/** Every weight tensor with its gradient, by GGUF name (a tied embedding once). */
function pairs(weights: EngineWeights, gradients: WeightGradients): [string, Float32Array, Float64Array][] {
    const list: [string, Float32Array | undefined, Float64Array | undefined][] = [
        ["token_embd.weight", weights.tokenEmbedding, gradients.tokenEmbedding],
        ["output_norm.weight", weights.outputNorm, gradients.outputNorm],
    ];
    if (!weights.tied) list.push(["output.weight", weights.unembedding, gradients.unembedding]);
    weights.blocks.forEach((block, layer) => {
        const g = gradients.blocks[layer]!;
        const p = `blk.${layer}.`;
        list.push(
            [`${p}attn_norm.weight`, block.attentionNorm, g.attentionNorm],
            [`${p}attn_q.weight`, block.query, g.query],
            [`${p}attn_k.weight`, block.key, g.key],
            [`${p}attn_v.weight`, block.value, g.value],
            [`${p}attn_output.weight`, block.output, g.output],
            [`${p}attn_q.bias`, block.queryBias, g.queryBias],
            [`${p}attn_k.bias`, block.keyBias, g.keyBias],
            [`${p}attn_v.bias`, block.valueBias, g.valueBias],
            [`${p}attn_q_norm.weight`, block.queryNorm, g.queryNorm],
            [`${p}attn_k_norm.weight`, block.keyNorm, g.keyNorm],
            [`${p}ffn_norm.weight`, block.mlpNorm, g.mlpNorm],
            [`${p}ffn_gate.weight`, block.gate, g.gate],
            [`${p}ffn_up.weight`, block.up, g.up],
            [`${p}ffn_down.weight`, block.down, g.down],
        );
    });
    return list.filter((entry): entry is [string, Float32Array, Float64Array] => entry[1] !== undefined && entry[2] !== undefined);
}

function value(model: WhiteBoxModel, tokens: number[][]): number {
    return model.backward({tokens, objective, precision: "f64"}).value;
}

const configs = {...architectureConfigs, "llama (untied output)": tinyConfig()};

for (const [label, config] of Object.entries(configs)) {
    test(`${label}: the float64 gradient of every weight tensor equals central finite differences within 1e-5 relative`, () => {
        const tied = label.startsWith("llama (GQA, tied");
        const model = randomModel(config, 23, tied);
        const tokens = randomTokens(new SeededRandom(4), 2, 6, config.vocabSize);
        const gradients = zeroWeightGradients(model.weights);
        const result = model.backward({tokens, objective, precision: "f64", weightGradients: gradients});
        assert.equal(result.value, value(model, tokens));
        const tensors = pairs(model.weights, gradients);
        const kinds = new Set(tensors.map(([name]) => name.replace(/^blk\.\d+\./, "")));
        if (config.attentionBias) assert.ok(kinds.has("attn_q.bias") && kinds.has("attn_v.bias"));
        if (config.queryKeyNorm) assert.ok(kinds.has("attn_q_norm.weight") && kinds.has("attn_k_norm.weight"));
        assert.equal(kinds.has("output.weight"), !tied);
        const random = new SeededRandom(31);
        for (const [name, weight, gradient] of tensors) {
            const largest = largestMagnitude(gradient);
            assert.ok(largest > 0, `${name} has a gradient`);
            for (let trial = 0; trial < 4; trial++) {
                const index = random.integer(weight.length);
                const original = weight[index]!;
                /** The central difference over the steps actually taken in float32 (w ± step rounds). */
                const difference = (step: number): number => {
                    weight[index] = original + step;
                    const up = weight[index]! - original;
                    const valueUp = value(model, tokens);
                    weight[index] = original - step;
                    const down = original - weight[index]!;
                    const valueDown = value(model, tokens);
                    weight[index] = original;
                    return (valueUp - valueDown) / (up + down);
                };
                // Richardson's extrapolation cancels the step's h² error term.
                const numeric = (4 * difference(2 ** -10) - difference(2 ** -9)) / 3;
                const analytic = gradient[index]!;
                const error = Math.abs(numeric - analytic);
                assert.ok(
                    error <= 1e-5 * Math.max(Math.abs(numeric), 1e-2 * largest),
                    `${name}[${index}]: engine ${analytic}, finite difference ${numeric} (relative ${error / Math.abs(numeric)})`,
                );
            }
        }
    });
}

test("weight gradients accumulate: a batch gives, bit for bit, the sum of its sequences run one call at a time", () => {
    const model = randomModel(tinyConfig(), 29, false);
    const tokens = randomTokens(new SeededRandom(6), 2, 6, 11);
    const together = zeroWeightGradients(model.weights);
    model.backward({tokens, objective, precision: "f64", weightGradients: together});
    const apart = zeroWeightGradients(model.weights);
    const termsOf = (sequence: number): Objective => ({
        terms: objective.terms.filter((term) => term.sequence === sequence).map((term) => ({...term, sequence: 0})),
    });
    for (const sequence of [0, 1]) model.backward({tokens: [tokens[sequence]!], objective: termsOf(sequence), precision: "f64", weightGradients: apart});
    for (const [[name, , a], [, , b]] of pairs(model.weights, together).map((entry, i) => [entry, pairs(model.weights, apart)[i]!] as const)) {
        assert.deepEqual(Array.from(a), Array.from(b), name);
    }
});

test("weight gradients need the plain rules and arrays shaped like the weights", () => {
    const model = randomModel(tinyConfig(), 3, false);
    const tokens = randomTokens(new SeededRandom(1), 1, 4, 11);
    const single: Objective = {terms: [{sequence: 0, position: 3, token: 2, kind: "logprob", weight: 1}]};
    assert.throws(
        () => model.backward({tokens, objective: single, rules: attnLrpRules, weightGradients: zeroWeightGradients(model.weights)}),
        (error: unknown) => error instanceof InputError && error.parameter === "rules" && /plain gradient rules/.test(error.message),
    );
    const other = randomModel(tinyConfig({ffn: 10}), 3, false);
    assert.throws(
        () => model.backward({tokens, objective: single, weightGradients: zeroWeightGradients(other.weights)}),
        (error: unknown) =>
            error instanceof InputError && error.parameter === "weightGradients" && /ffn_gate\.weight: 80 gradient values for 96 weights/.test(String(error)),
    );
});

test("float32 weight gradients agree with the float64 reference within 1e-4 of each tensor's largest entry", () => {
    for (const config of Object.values(configs)) {
        const model = randomModel(config, 41);
        const tokens = randomTokens(new SeededRandom(2), 2, 6, config.vocabSize);
        const single = zeroWeightGradients(model.weights);
        const double = zeroWeightGradients(model.weights);
        model.backward({tokens, objective, precision: "f32", weightGradients: single});
        model.backward({tokens, objective, precision: "f64", weightGradients: double});
        const singles = pairs(model.weights, single);
        pairs(model.weights, double).forEach(([name, , reference], i) => {
            const largest = largestMagnitude(reference);
            const values = singles[i]![2];
            reference.forEach((entry, j) => assert.ok(Math.abs(entry - values[j]!) <= 1e-4 * largest, `${config.architecture} ${name}[${j}]`));
        });
    }
});

test("after weights change in place and weightsChanged(), the float32 backward pass differentiates the new weights", () => {
    const model = randomModel(tinyConfig({dim: 16, ffn: 24, heads: 4, kvHeads: 2, headDim: 4}), 8, false);
    const tokens = randomTokens(new SeededRandom(5), 2, 8, 11);
    model.backward({tokens, objective, precision: "f32"});
    for (const block of model.weights.blocks) for (const matrix of [block.query, block.down]) matrix.forEach((entry, i) => (matrix[i] = -1.5 * entry));
    model.weightsChanged();
    const single = model.backward({tokens, objective, precision: "f32"}).gradients.get("hook_embed")!.data;
    const double = model.backward({tokens, objective, precision: "f64"}).gradients.get("hook_embed")!.data;
    const largest = largestMagnitude(double);
    double.forEach((entry, index) => assert.ok(Math.abs(entry - single[index]!) <= 1e-4 * largest, `[${index}]: ${single[index]} against ${entry}`));
});
