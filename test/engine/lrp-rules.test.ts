import {test} from "node:test";
import assert from "node:assert/strict";
import {loadWhiteBoxModel} from "../../src/backends/engine/index.js";
import {integratedGradients, embeddingIntegratedGradients} from "../../src/engine/integrated-gradients.js";
import {linearBackwardInput, linearForward} from "../../src/engine/kernels/matmul.js";
import {logitDifferenceObjective, logProbObjective} from "../../src/engine/objectives.js";
import {applyLinearRule, attnLrpRules, cpLrpRules} from "../../src/engine/rules.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {sharedModel} from "../helpers/models.js";
import {architectureConfigs, randomModel, randomTokens, sum} from "./engine-helpers.js";

const times = (a: ArrayLike<number>, b: ArrayLike<number>): Float64Array =>
    Float64Array.from({length: a.length}, (_, i) => (Number.isFinite(a[i]!) ? a[i]! * b[i]! : 0));

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
    assert.equal(actual.length, expected.length, what);
    for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

/** A backward pass with AttnLRP rules on a random GQA model, keeping activations and gradients of block 1's attention. */
function attentionRun(): {get: (name: string) => {value: Float64Array; gradient: Float64Array; shape: readonly number[]}; group: number; scale: number} {
    const config = architectureConfigs["llama (GQA, tied output, linear rope scaling, partial rotary)"]!;
    const model = randomModel(config, 21);
    const names = [
        "attn.hook_rot_q",
        "attn.hook_rot_k",
        "attn.hook_v",
        "attn.hook_attn_scores",
        "attn.hook_pattern",
        "attn.hook_z",
        "mlp.hook_pre",
        "mlp.hook_pre_linear",
        "mlp.hook_post",
    ].map((name) => `blocks.1.${name}`);
    const result = model.backward({
        tokens: randomTokens(new SeededRandom(5), 2, 6, config.vocabSize),
        precision: "f64",
        rules: attnLrpRules,
        objective: logitDifferenceObjective({position: 5, correct: 2, incorrect: 6}),
        gradientsAt: names,
        cache: names,
    });
    return {
        get: (name) => {
            const full = `blocks.1.${name}`;
            return {
                value: Float64Array.from(result.cache.get(full)!.data),
                gradient: Float64Array.from(result.gradients.get(full)!.data),
                shape: result.cache.get(full)!.shape,
            };
        },
        group: config.heads / config.kvHeads,
        scale: 1 / Math.sqrt(config.headDim),
    };
}

test("AttnLRP softmax rule (Prop. 3.1): relevance at the scores equals x_i (R_i − s_i Σ_j R_j), masked entries 0", () => {
    const run = attentionRun();
    const scores = run.get("attn.hook_attn_scores"),
        pattern = run.get("attn.hook_pattern");
    const relevanceOut = times(pattern.value, pattern.gradient);
    const relevanceIn = times(scores.value, scores.gradient);
    const length = scores.shape[3]!;
    const expected = new Float64Array(relevanceIn.length);
    for (let row = 0; row < relevanceIn.length / length; row++) {
        const o = row * length;
        const total = sum(relevanceOut.subarray(o, o + length));
        for (let j = 0; j < length; j++) {
            const x = Number.isFinite(scores.value[o + j]!) ? scores.value[o + j]! : 0;
            expected[o + j] = x * (relevanceOut[o + j]! - pattern.value[o + j]! * total);
        }
    }
    assert.ok(sum(relevanceOut.map(Math.abs)) > 1e-3);
    closeTo(relevanceIn, expected, 1e-12, "relevance at the scores");
});

test("AttnLRP bilinear matmul rule (Prop. 3.3, ε = 0) for P·v and q·kᵀ, and relevance conservation across each product", () => {
    const run = attentionRun();
    const pattern = run.get("attn.hook_pattern"),
        value = run.get("attn.hook_v"),
        z = run.get("attn.hook_z");
    const scores = run.get("attn.hook_attn_scores"),
        query = run.get("attn.hook_rot_q"),
        key = run.get("attn.hook_rot_k");
    const [sequences, length, heads, headDim] = z.shape as [number, number, number, number];
    const kvHeads = heads / run.group;
    const relevanceZ = times(z.value, z.gradient),
        relevanceS = times(scores.value, scores.gradient);
    const expectedP = new Float64Array(pattern.value.length),
        expectedV = new Float64Array(value.value.length);
    const expectedQ = new Float64Array(query.value.length),
        expectedK = new Float64Array(key.value.length);
    for (let b = 0; b < sequences; b++)
        for (let h = 0; h < heads; h++)
            for (let i = 0; i < length; i++)
                for (let j = 0; j <= i; j++) {
                    const kv = Math.floor(h / run.group);
                    const p = ((b * heads + h) * length + i) * length + j;
                    for (let d = 0; d < headDim; d++) {
                        const zi = ((b * length + i) * heads + h) * headDim + d,
                            vj = ((b * length + j) * kvHeads + kv) * headDim + d;
                        const share = (pattern.value[p]! * value.value[vj]! * relevanceZ[zi]!) / (2 * z.value[zi]!);
                        expectedP[p] = expectedP[p]! + share;
                        expectedV[vj] = expectedV[vj]! + share;
                        const scoreShare = (query.value[zi]! * key.value[vj]! * run.scale * relevanceS[p]!) / (2 * scores.value[p]!);
                        expectedQ[zi] = expectedQ[zi]! + scoreShare;
                        expectedK[vj] = expectedK[vj]! + scoreShare;
                    }
                }
    closeTo(times(pattern.value, pattern.gradient), expectedP, 1e-9, "relevance at the pattern");
    closeTo(times(value.value, value.gradient), expectedV, 1e-9, "relevance at v");
    closeTo(times(query.value, query.gradient), expectedQ, 1e-9, "relevance at q");
    closeTo(times(key.value, key.gradient), expectedK, 1e-9, "relevance at k");
    assert.ok(Math.abs(sum(times(pattern.value, pattern.gradient)) + sum(times(value.value, value.gradient)) - sum(relevanceZ)) < 1e-9);
    assert.ok(Math.abs(sum(times(query.value, query.gradient)) + sum(times(key.value, key.gradient)) - sum(relevanceS)) < 1e-9);
});

test("identity rule for SiLU and half rule for the gate: each factor of the SwiGLU product receives exactly half its relevance", () => {
    const run = attentionRun();
    const gate = run.get("mlp.hook_pre"),
        up = run.get("mlp.hook_pre_linear"),
        post = run.get("mlp.hook_post");
    const half = times(post.value, post.gradient).map((value) => value / 2);
    assert.ok(sum(half.map(Math.abs)) > 1e-4);
    closeTo(times(gate.value, gate.gradient), half, 1e-12, "relevance at the gate");
    closeTo(times(up.value, up.gradient), half, 1e-12, "relevance at up");
});

test("stories260K under CP-LRP rules: relevance at the embeddings and at every residual hook sums to the explained logit", () => {
    const model = loadWhiteBoxModel(sharedModel("stories260K.gguf"));
    const tokens = [[1, 403, 407, 261, 378, 285, 379, 300, 263, 412]];
    const residual = Array.from({length: model.config.layers}, (_, layer) =>
        ["hook_resid_pre", "hook_resid_mid", "hook_resid_post"].map((name) => `blocks.${layer}.${name}`),
    ).flat();
    const names = ["hook_embed", ...residual];
    const objective = {terms: [{sequence: 0, position: 9, token: 270, kind: "logit" as const, weight: 1}]};
    const result = model.backward({tokens, objective, precision: "f64", rules: cpLrpRules, gradientsAt: names, cache: names});
    for (const name of names) {
        const total = sum(times(result.cache.get(name)!.data, result.gradients.get(name)!.data));
        assert.ok(Math.abs(total - result.value) <= 1e-9 * Math.max(1, Math.abs(result.value)), `${name}: ${total} vs logit ${result.value}`);
    }
    const plain = model.backward({tokens, objective, precision: "f64", gradientsAt: ["hook_embed"], cache: ["hook_embed"]});
    const plainTotal = sum(times(plain.cache.get("hook_embed")!.data, plain.gradients.get("hook_embed")!.data));
    assert.ok(Math.abs(plainTotal - plain.value) > 1e-3, "gradient × input alone is not conservative on this model");
});

test("captum's ε-rule toy network (3→3 weights 2, ReLU, 3→1 weights 3; input [1, 2, 3]) gives relevance [18, 36, 54]", () => {
    const input = Float64Array.from([1, 2, 3]);
    const first = new Float32Array(9).fill(2),
        second = new Float32Array(3).fill(3);
    const hidden = new Float64Array(3),
        output = new Float64Array(1);
    linearForward(input, 1, 3, first, 3, undefined, hidden);
    const activated = hidden.map((value) => Math.max(0, value));
    linearForward(activated, 1, 3, second, 1, undefined, output);
    const rule = {epsilon: 1e-9};
    // Relevance at the output is the output itself: gradient 1 in gradient × input form.
    const dActivated = new Float64Array(3),
        dInput = new Float64Array(3);
    linearBackwardInput(applyLinearRule(rule, Float64Array.from([1]), output), 1, 1, second, 3, dActivated);
    const dHidden = dActivated.map((g, i) => (hidden[i]! > 0 ? g * (activated[i]! / hidden[i]!) : 0));
    linearBackwardInput(applyLinearRule(rule, dHidden, hidden), 1, 3, first, 3, dInput);
    closeTo(times(input, dInput), [18, 36, 54], 1e-6, "relevance");
    assert.equal(output[0], 108);
});

test("captum's integrated-gradients toy f(x1, x2) = ReLU(ReLU(x1) − 1 − ReLU(x2)) at (3, 1), baseline 0: [1.5, −0.5] within captum's 0.05", () => {
    const gradient = ([x1, x2]: Float64Array): number[] => {
        const inner = Math.max(0, x1!) - 1 - Math.max(0, x2!);
        if (inner <= 0) return [0, 0];
        return [x1! > 0 ? 1 : 0, x2! > 0 ? -1 : 0];
    };
    const attribution = integratedGradients([3, 1], [0, 0], gradient, 50);
    closeTo(attribution, [1.5, -0.5], 0.05, "IG");
});

test("integrated gradients at the input embeddings (baseline: another token's embedding) are complete: they sum to f(input) − f(baseline)", () => {
    for (const config of Object.values(architectureConfigs)) {
        const model = randomModel(config, 31);
        const tokens = [3, 1, 4, 1, 5];
        // A zero baseline puts RMSNorm's jump (within √ε of 0) on the path; another token's embedding keeps it smooth.
        const baseline = new Float32Array(tokens.length * config.dim);
        for (let t = 0; t < tokens.length; t++) baseline.set(model.weights.tokenEmbedding.subarray(0, config.dim), t * config.dim);
        const {perToken, convergenceDelta} = embeddingIntegratedGradients(model, tokens, logProbObjective([{position: 4, token: 9}]), {steps: 200, baseline});
        assert.equal(perToken.length, 5);
        assert.ok(sum(perToken.map(Math.abs)) > 1e-2);
        assert.ok(Math.abs(convergenceDelta) < 1e-9, `${config.architecture}: convergence delta ${convergenceDelta}`);
    }
});
