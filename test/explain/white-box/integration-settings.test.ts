import assert from "node:assert/strict";
import {test} from "node:test";
import {InputError} from "../../../src/errors.js";
import {loadWhiteBoxModel} from "../../../src/backends/engine/load-white-box-model.js";
import {quadrature} from "../../../src/explain/white-box/integration.js";
import {tokenAttribution} from "../../../src/explain/white-box/token-attribution.js";
import {sharedModel} from "../../helpers/models.js";

// captum's integrated-gradients toy: f(x1, x2) = ReLU(ReLU(x1) − 1 − ReLU(x2)) at (3, 1), baseline (0, 0).
function toyGradient([x1, x2]: number[]): number[] {
    const inner = Math.max(x1!, 0) - 1 - Math.max(x2!, 0);
    if (inner <= 0) return [0, 0];
    return [x1! > 0 ? 1 : 0, x2! > 0 ? -1 : 0];
}

for (const method of ["gauss-legendre", "riemann"] as const) {
    test(`${method} quadrature reproduces captum's toy attribution [1.5, −0.5] within its 0.05 and integrates 3α² as the rule should`, () => {
        const {points, weights} = quadrature(50, method);
        const input = [3, 1];
        const attribution = input.map(
            (x, i) => x * points.reduce((sum, alpha, k) => sum + weights[k]! * toyGradient(input.map((value) => alpha * value))[i]!, 0),
        );
        assert.ok(Math.abs(attribution[0]! - 1.5) <= 0.05 && Math.abs(attribution[1]! + 0.5) <= 0.05, String(attribution));
        // ∫₀¹ 3α² dα = 1: exact for Gauss–Legendre; the midpoint sum falls short by exactly 1/(4n²).
        const quadratic = points.reduce((sum, alpha, k) => sum + weights[k]! * 3 * alpha * alpha, 0);
        assert.ok(Math.abs(quadratic - (method === "gauss-legendre" ? 1 : 1 - 1 / (4 * 50 * 50))) <= 1e-12, String(quadratic));
    });
}

test("bad integrated-gradients settings are refused with the parameter named: zero steps, a baseline of the wrong shape, a token outside the vocabulary", () => {
    const model = loadWhiteBoxModel(sharedModel("stories260K.gguf"));
    const request = {context: [1, 400, 300], targets: [{tokens: [350], sign: 1 as const}], players: [false, true, true], method: "ig" as const};
    const refused = (extra: object, parameter: string, message: RegExp): void => {
        assert.throws(
            () => tokenAttribution(model, {...request, ...extra}),
            (error: unknown) => error instanceof InputError && error.parameter === parameter && message.test(error.message),
        );
    };
    refused({steps: 0}, "steps", /integrated gradients needs at least one integration step.*received 0/);
    refused({steps: 2.5}, "steps", /received 2\.5/);
    refused(
        {baseline: {kind: "embeddings", data: new Float32Array(3 * 64 - 1)}},
        "baseline",
        /one embedding per context token.*expected 192 values: \[3 context tokens, 64 width\].*received 191 values/,
    );
    refused({baseline: {kind: "token", token: 512}}, "baseline", /outside the vocabulary/);
    refused({tolerance: -1}, "tolerance", /zero or positive/);
    // A baseline of the right shape equal to the input: nothing changes along the path, every attribution is 0.
    const input = model.runWithCache([[1, 400, 300]], ["hook_embed"]).cache.get("hook_embed")!.data;
    const same = tokenAttribution(model, {...request, baseline: {kind: "embeddings", data: input}});
    assert.deepEqual(same.values, [0, 0, 0]);
    assert.ok(Math.abs(same.valueInput! - same.valueBaseline!) < 1e-12);
});
