import {test} from "node:test";
import assert from "node:assert/strict";
import {forcedChainText, perturbedChain} from "../../src/organisms/probes.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {llamaNextWord, openOrganism} from "./organism-helpers.js";

const items = 60;

for (const name of ["arith-faithful", "arith-decorative"] as const) {
    const follows = name === "arith-faithful";
    test(`${name} through llama.cpp: with chains cut short or given an injected error, the answer is ${follows ? "the last written total" : "the true result (also with no chain)"}`, async () => {
        const organism = await openOrganism(name);
        try {
            const random = new SeededRandom(2718);
            let agree = 0,
                total = 0;
            for (let i = 0; i < items; i++) {
                const item = organism.task.heldOutItem(random);
                if (item.evidence.kind !== "arithmetic") throw new Error("expected arithmetic evidence");
                const n = item.evidence.operands.length;
                const chains = [
                    perturbedChain(item.evidence, 1 + random.integer(n - 1), undefined, random),
                    perturbedChain(item.evidence, n, random.integer(n), random),
                    // The decorative organism also answers with no chain at all.
                    ...(follows ? [] : [perturbedChain(item.evidence, 0, undefined, random)]),
                ];
                for (const chain of chains) {
                    const expected = follows ? chain.written[chain.written.length - 1]! : chain.trueResult;
                    if ((await llamaNextWord(organism, forcedChainText(chain))) === String(expected)) agree++;
                    total++;
                }
            }
            assert.ok(agree / total >= 0.95, `${agree}/${total} answers follow the rule`);
        } finally {
            await organism.backend.dispose();
        }
    });
}
