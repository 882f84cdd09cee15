import assert from "node:assert/strict";
import {test} from "node:test";
import {SeededRandom} from "../../../src/foundation/random.js";
import {explainWhiteBox} from "../../../src/explain/white-box/explain-white-box.js";
import type {StructuredInput} from "../../../src/units/types.js";
import type {TaskItem} from "../../../src/organisms/tasks/types.js";
import {openOrganism, testedOrganisms} from "../../organisms/organism-helpers.js";

function inputOf(item: TaskItem): {input: StructuredInput; unit: "span" | "word"} {
    if (item.documents.length === 0) return {input: {kind: "prompt", prompt: item.prompt}, unit: "word"};
    return {input: {kind: "prompt", prompt: item.prompt, spans: item.documents.map(({start, end}) => ({start, end}))}, unit: "span"};
}

for (const {spec, skip} of testedOrganisms()) {
    test(
        `${spec.name}: integrated gradients at the default settings are complete within 1% of f(x) − f(baseline); CP-LRP conserves relevance within 1e-3`,
        {skip},
        async (t) => {
            const organism = await openOrganism(spec.name);
            try {
                const random = new SeededRandom(2024);
                let largestRelative = 0,
                    largestLrpGap = 0,
                    largestCpGap = 0;
                for (let i = 0; i < 12; i++) {
                    const item = organism.task.heldOutItem(random);
                    const {input, unit} = inputOf(item);
                    const ig = (await explainWhiteBox(organism.backend, input, {method: "ig", unit, target: item.completion})).whiteBox!;
                    const change = Math.abs(ig.valueInput! - ig.valueBaseline!);
                    // Below float32 resolution of the log-probability the relative delta means nothing: an absolute bound instead.
                    if (change < 1e-4)
                        assert.ok(Math.abs(ig.convergenceDelta!) <= 1e-5, `item ${i}: delta ${ig.convergenceDelta} with f(x) − f(baseline) = ${change}`);
                    else {
                        assert.ok(Math.abs(ig.convergenceDelta!) <= 0.01 * change, `item ${i}: delta ${ig.convergenceDelta}, f(x) − f(baseline) ${change}`);
                        largestRelative = Math.max(largestRelative, ig.relativeConvergenceDelta!);
                    }
                    const cp = (await explainWhiteBox(organism.backend, input, {method: "attnlrp", lrpRules: "cplrp", unit, target: item.completion}))
                        .whiteBox!;
                    assert.ok(cp.conservationGap! <= 1e-3, `item ${i}: CP-LRP relevance ${cp.relevanceTotal} for logits ${cp.valueInput}`);
                    largestCpGap = Math.max(largestCpGap, cp.conservationGap!);
                    const lrp = (await explainWhiteBox(organism.backend, input, {method: "attnlrp", unit, target: item.completion})).whiteBox!;
                    assert.ok(Number.isFinite(lrp.conservationGap!));
                    largestLrpGap = Math.max(largestLrpGap, lrp.conservationGap!);
                }
                t.diagnostic(
                    `largest IG relative delta ${largestRelative.toExponential(2)}; CP-LRP gap ${largestCpGap.toExponential(2)}; AttnLRP (softmax rule) gap ${largestLrpGap.toFixed(3)}`,
                );
            } finally {
                await organism.backend.dispose();
            }
        },
    );
}

test("lookup: the gradient methods rank the gold document first (rates over 100 held-out items)", async (t) => {
    const organism = await openOrganism("lookup");
    try {
        const random = new SeededRandom(99);
        const methods = [
            ["grad", {}],
            ["ixg", {}],
            ["ig", {}],
            ["attnlrp", {}],
            ["attention", {attention: "raw"}],
            ["attention", {attention: "rollout"}],
        ] as const;
        const first = new Array<number>(methods.length).fill(0);
        const items = 100;
        for (let i = 0; i < items; i++) {
            const item = organism.task.heldOutItem(random);
            if (item.evidence.kind !== "lookup") throw new Error("expected lookup evidence");
            const {input, unit} = inputOf(item);
            for (const [index, [method, extra]] of methods.entries()) {
                const result = await explainWhiteBox(organism.backend, input, {method, unit, target: ` ${item.answer}`, ...extra});
                assert.equal(result.values.length, item.documents.length);
                const top = result.values.indexOf(Math.max(...result.values));
                if (top === item.evidence.documentIndex) first[index] = first[index]! + 1;
            }
        }
        const rates = methods.map(([method, extra], index) => `${method}${"attention" in extra ? `:${extra.attention}` : ""} ${first[index]}/${items}`);
        t.diagnostic(`gold document ranked first: ${rates.join(", ")}`);
        // Measured when written: grad 99/100, ixg 92, ig, attnlrp, raw attention and rollout 100.
        const [grad, ixg, ig, attnlrp] = first;
        assert.ok(grad! >= 95 && ig! >= 95 && attnlrp! >= 95, rates.join(", "));
        assert.ok(ixg! >= 75, rates.join(", "));
    } finally {
        await organism.backend.dispose();
    }
});
