import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {mathAnswersEquivalent} from "../../src/rewards/math/equivalence.js";
import {scoreMathAnswer} from "../../src/rewards/math-reward.js";

interface ConformanceCase {
    line: number;
    category: string;
    prediction: string;
    gold: string;
    expected: boolean;
}

function readCases(): ConformanceCase[] {
    const text = readFileSync(new URL("./math-conformance.tsv", import.meta.url), "utf8");
    return text.split("\n").flatMap((row, index) => {
        if (row.trim() === "" || row.startsWith("#")) return [];
        const [category, prediction, gold, verdict] = row.split("\t");
        if (category === undefined || prediction === undefined || gold === undefined || (verdict !== "yes" && verdict !== "no")) {
            throw new Error(`math-conformance.tsv line ${index + 1} is malformed`);
        }
        return [{line: index + 1, category, prediction, gold, expected: verdict === "yes"}];
    });
}

/** Cases where the checker and a careful grader part ways; each is listed in docs/rl.md. */
const knownDisagreements = new Set<number>([191]);

test("math checker agrees with a careful grader on at least 99% of 300+ written cases", () => {
    const cases = readCases();
    assert.ok(cases.length >= 300, `only ${cases.length} cases`);
    const disagreements: string[] = [];
    for (const item of cases) {
        const verdict =
            item.category === "text" ? scoreMathAnswer(item.prediction, item.gold).score === 1 : mathAnswersEquivalent(item.prediction, item.gold).equal;
        if (verdict !== item.expected)
            disagreements.push(`line ${item.line} [${item.category}] ${item.prediction} vs ${item.gold}: expected ${item.expected ? "yes" : "no"}`);
    }
    const agreement = 1 - disagreements.length / cases.length;
    if (process.env.GLASSBOX_SHOW_DISAGREEMENTS !== undefined)
        console.log(disagreements.join("\n"), `\nagreement ${(agreement * 100).toFixed(2)}% of ${cases.length}`);
    assert.ok(agreement >= 0.99, `agreement ${(agreement * 100).toFixed(2)}%:\n${disagreements.join("\n")}`);
    const unexpected = disagreements.filter((line) => !knownDisagreements.has(Number(/^line (\d+)/.exec(line)?.[1])));
    assert.deepEqual(unexpected, [], "every disagreement must be listed in docs/rl.md and in knownDisagreements");
});
