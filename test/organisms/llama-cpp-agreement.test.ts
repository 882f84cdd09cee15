import {test} from "node:test";
import assert from "node:assert/strict";
import {promptTokens, sequenceLogProbabilities} from "../../src/organisms/inference.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {openOrganism, testedOrganisms} from "./organism-helpers.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

for (const {
    spec: {name},
    skip,
} of testedOrganisms()) {
    test(
        `${name}: llama.cpp and the TypeScript forward pass give the same token ids and log-probabilities (within 1e-4) on 100 held-out inputs`,
        {skip},
        async () => {
            const organism = await openOrganism(name);
            try {
                const random = new SeededRandom(4242);
                let largest = 0;
                for (let i = 0; i < 100; i++) {
                    const item = organism.task.heldOutItem(random);
                    const text = item.prompt + item.completion;
                    const ours = promptTokens(organism.vocabulary, text);
                    assert.deepEqual(await tokenizeWithBos(organism.backend, text), ours, `token ids of "${text}"`);
                    const expected = sequenceLogProbabilities(organism.model, ours);
                    const {logprobs} = await organism.backend.score({context: ours.slice(0, 1), target: ours.slice(1)}, 0);
                    assert.equal(logprobs.length, expected.length);
                    logprobs.forEach((logprob, j) => {
                        const difference = Math.abs(logprob - expected[j]!);
                        largest = Math.max(largest, difference);
                        assert.ok(difference <= 1e-4, `"${text}" token ${j + 1}: llama.cpp ${logprob}, TypeScript ${expected[j]}`);
                    });
                }
                assert.ok(largest <= 1e-4);
            } finally {
                await organism.backend.dispose();
            }
        },
    );
}
