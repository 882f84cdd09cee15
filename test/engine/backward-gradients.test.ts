import {test} from "node:test";
import assert from "node:assert/strict";
import {hookNames} from "../../src/engine/hooks.js";
import type {Objective} from "../../src/engine/objectives.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {architectureConfigs, largestMagnitude, randomModel, randomTokens} from "./engine-helpers.js";

/** log p of two targets, a logit difference and a contrastive pair over a batch of two sequences. */
const objective: Objective = {
    terms: [
        {sequence: 0, position: 5, token: 3, kind: "logprob", weight: 1},
        {sequence: 1, position: 2, token: 7, kind: "logprob", weight: 0.5},
        {sequence: 0, position: 3, token: 1, kind: "logit", weight: 1},
        {sequence: 0, position: 3, token: 9, kind: "logit", weight: -1},
        {sequence: 1, position: 5, token: 4, kind: "logprob", weight: -1},
    ],
};

for (const [label, config] of Object.entries(architectureConfigs)) {
    test(`${label}: the float64 gradient at every hook point equals central finite differences within 1e-5 (relative to the tensor's largest entry)`, () => {
        const model = randomModel(config, 17);
        const tokens = randomTokens(new SeededRandom(3), 2, 6, config.vocabSize);
        const names = hookNames(config.layers);
        const {gradients, value} = model.backward({tokens, objective, precision: "f64", gradientsAt: names});
        const plain = model.backward({tokens, objective, precision: "f64"});
        assert.equal(plain.value, value);
        const random = new SeededRandom(99);
        const step = 1e-5;
        let checked = 0;
        for (const name of names) {
            const gradient = gradients.get(name);
            assert.ok(gradient !== undefined, name);
            const largest = largestMagnitude(gradient.data);
            const probe = (index: number, delta: number): number =>
                model.backward({
                    tokens,
                    objective,
                    precision: "f64",
                    hooks: [
                        {
                            name,
                            fn: ({data}) => {
                                data[index] = data[index]! + delta;
                            },
                        },
                    ],
                }).value;
            for (let trial = 0; trial < 4; trial++) {
                const index = random.integer(gradient.data.length);
                if (name.endsWith("hook_attn_scores")) {
                    const length = gradient.shape[3]!;
                    const column = index % length,
                        row = Math.floor(index / length) % length;
                    if (column > row) continue;
                }
                const numeric = (probe(index, step) - probe(index, -step)) / (2 * step);
                const difference = Math.abs(numeric - gradient.data[index]!);
                assert.ok(difference <= 1e-5 * Math.max(largest, 1e-3), `${name}[${index}]: engine ${gradient.data[index]}, finite difference ${numeric}`);
                checked++;
            }
        }
        assert.ok(checked > 3 * names.length);
    });
}

test("float32 gradients at the input embeddings agree with the float64 reference within 1e-4 relative", () => {
    for (const config of Object.values(architectureConfigs)) {
        const model = randomModel(config, 5);
        const tokens = randomTokens(new SeededRandom(8), 2, 6, config.vocabSize);
        const single = model.backward({tokens, objective, precision: "f32"}).gradients.get("hook_embed")!.data;
        const double = model.backward({tokens, objective, precision: "f64"}).gradients.get("hook_embed")!.data;
        const largest = largestMagnitude(double);
        double.forEach((entry, index) => assert.ok(Math.abs(entry - single[index]!) <= 1e-4 * largest, `${config.architecture} [${index}]`));
    }
});
