import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {llamaComplete, openOrganism, testedOrganisms} from "./organism-helpers.js";

const items = 150;

for (const {
    spec: {name, targetAccuracy, heldOutSeed},
    skip,
} of testedOrganisms()) {
    test(`${name}: greedy answers through llama.cpp reach ${targetAccuracy * 100} % on ${items} held-out items`, {skip}, async () => {
        const organism = await openOrganism(name);
        try {
            const random = new SeededRandom(heldOutSeed + 77);
            let correct = 0;
            const misses: string[] = [];
            for (let i = 0; i < items; i++) {
                const item = organism.task.heldOutItem(random);
                const words = item.completion.trim().split(" ").length;
                const completion = await llamaComplete(organism, item.prompt, words);
                if (organism.task.answerOf(completion) === item.answer) correct++;
                else misses.push(`${item.prompt} → ${completion} (expected ${item.answer})`);
            }
            assert.ok(correct / items >= targetAccuracy, `${correct}/${items} correct; misses:\n${misses.slice(0, 5).join("\n")}`);
        } finally {
            await organism.backend.dispose();
        }
    });
}
