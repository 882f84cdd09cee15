import {test} from "node:test";
import assert from "node:assert/strict";
import {ggufBytes} from "../../src/organisms/gguf-writer.js";
import {parseOrganismGguf} from "../../src/organisms/gguf-parse.js";
import {createArithmeticTask} from "../../src/organisms/tasks/arithmetic.js";
import {trainOrganism, type TrainingSettings} from "../../src/organisms/trainer.js";

const architecture = {dim: 16, layers: 1, heads: 2, ffn: 24};
const settings = (seed: number): TrainingSettings => ({
    seed,
    steps: 6,
    batchSize: 4,
    optimizer: {learningRate: 1e-2, beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weightDecay: 0.01, clipNorm: 1, warmupSteps: 2, finalFraction: 0.1},
});

function trainedBytes(seed: number): Buffer {
    const trained = trainOrganism(createArithmeticTask("last-step"), architecture, settings(seed));
    return ggufBytes({name: "tiny", description: "determinism check", config: trained.config, vocabulary: trained.vocabulary, parameters: trained.parameters});
}

test("training with the same seed gives bit-identical weights and GGUF bytes; another seed does not", () => {
    const first = trainOrganism(createArithmeticTask("last-step"), architecture, settings(5));
    const second = trainOrganism(createArithmeticTask("last-step"), architecture, settings(5));
    assert.deepEqual(Buffer.from(first.parameters.buffer), Buffer.from(second.parameters.buffer));
    assert.equal(first.finalLoss, second.finalLoss);
    assert.ok(trainedBytes(5).equals(trainedBytes(5)));
    assert.ok(!trainedBytes(5).equals(trainedBytes(6)));
});

test("a written organism parses back to the same configuration, vocabulary and weights", () => {
    const trained = trainOrganism(createArithmeticTask("question"), architecture, settings(7));
    const parsed = parseOrganismGguf(
        ggufBytes({name: "tiny", description: "round trip", config: trained.config, vocabulary: trained.vocabulary, parameters: trained.parameters}),
    );
    assert.deepEqual(parsed.config, trained.config);
    assert.deepEqual(parsed.vocabulary.words, trained.vocabulary.words);
    assert.deepEqual(Buffer.from(parsed.parameters.buffer), Buffer.from(trained.parameters.buffer));
    assert.equal(parsed.metadata.get("general.architecture"), "llama");
    assert.equal(parsed.metadata.get("llama.rope.dimension_count"), 8);
});
