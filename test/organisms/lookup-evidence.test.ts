import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {lookupPrompt} from "../../src/organisms/tasks/lookup.js";
import {llamaNextWord, openOrganism} from "./organism-helpers.js";

test("lookup through llama.cpp: removing the gold document changes the answer, removing any other document does not", async () => {
    const organism = await openOrganism("lookup");
    try {
        const random = new SeededRandom(31337);
        let otherRemovals = 0,
            otherKept = 0;
        for (let i = 0; i < 40; i++) {
            const item = organism.task.heldOutItem(random);
            if (item.evidence.kind !== "lookup") throw new Error("expected lookup evidence");
            const key = item.evidence.key.text;
            const facts = item.documents.map((document) => {
                const [factKey, value] = document.text.split(" ");
                return {key: factKey!, value: value!};
            });
            assert.equal(await llamaNextWord(organism, item.prompt), item.answer, `full prompt: ${item.prompt}`);
            for (let removed = 0; removed < facts.length; removed++) {
                const {prompt} = lookupPrompt(
                    facts.filter((_, j) => j !== removed),
                    key,
                );
                const answer = await llamaNextWord(organism, prompt);
                if (removed === item.evidence.documentIndex) {
                    assert.notEqual(answer, item.answer, `without the gold document: ${prompt}`);
                } else {
                    otherRemovals++;
                    if (answer === item.answer) otherKept++;
                }
            }
        }
        assert.ok(otherKept / otherRemovals >= 0.98, `answer kept after removing a non-gold document in ${otherKept}/${otherRemovals} cases`);
    } finally {
        await organism.backend.dispose();
    }
});
