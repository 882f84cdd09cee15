import {test} from "node:test";
import assert from "node:assert/strict";
import {Decoder} from "../../src/organisms/decoder.js";
import {initialParameters, type ModelConfig} from "../../src/organisms/parameters.js";
import {SeededRandom} from "../../src/foundation/random.js";

const config: ModelConfig = {vocabSize: 11, dim: 8, layers: 2, heads: 2, ffn: 12, contextLength: 8, ropeBase: 10000, normEps: 1e-5};
const tokens = [1, 4, 7, 2, 9, 3];
const scored = [
    {position: 2, target: 5, weight: 1},
    {position: 5, target: 8, weight: 0.5},
];

function loss(decoder: Decoder): number {
    decoder.forward(tokens);
    return scored.reduce((total, s) => total - s.weight * decoder.logProbabilitiesAt(s.position)[s.target]!, 0);
}

test("the hand-written backward pass matches central finite differences", () => {
    const parameters = initialParameters(config, new SeededRandom(3));
    const decoder = new Decoder(config, parameters);
    decoder.forward(tokens);
    const reported = decoder.backward(scored);
    assert.ok(Math.abs(reported - loss(decoder)) < 1e-12, "backward returns the loss it differentiates");
    const analytic = Float64Array.from(decoder.gradients);
    const pick = new SeededRandom(9);
    for (let k = 0; k < 80; k++) {
        const i = pick.integer(parameters.length);
        const original = parameters[i]!;
        const h = 1e-2;
        parameters[i] = original + h;
        decoder.syncWeights();
        const up = loss(decoder);
        parameters[i] = original - h;
        decoder.syncWeights();
        const down = loss(decoder);
        parameters[i] = original;
        decoder.syncWeights();
        const numeric = (up - down) / (2 * h);
        const relative = Math.abs(numeric - analytic[i]!) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]!));
        assert.ok(relative < 5e-3, `parameter ${i}: numeric ${numeric}, analytic ${analytic[i]}`);
    }
});

test("log-probabilities at a position sum to one and ignore later tokens (causality)", () => {
    const decoder = new Decoder(config, initialParameters(config, new SeededRandom(4)));
    decoder.forward([1, 4, 7, 2]);
    const early = Array.from(decoder.logProbabilitiesAt(1));
    assert.ok(Math.abs(early.reduce((total, lp) => total + Math.exp(lp), 0) - 1) < 1e-12);
    decoder.forward([1, 4, 9, 9, 9]);
    assert.deepEqual(Array.from(decoder.logProbabilitiesAt(1)), early);
});
