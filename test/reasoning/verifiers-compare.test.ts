import assert from "node:assert/strict";
import {fileURLToPath} from "node:url";
import {test} from "node:test";
import {answerExtractor} from "../../src/reasoning/answers.js";
import {compareItem, summarizeCompare} from "../../src/reasoning/compare.js";
import type {ReasoningModel} from "../../src/reasoning/reasoning-model.js";
import {scriptVerifier, verifierFromSpec} from "../../src/backends/verifier/script-verifier.js";
import {exactVerifier, numericVerifier} from "../../src/reasoning/verifiers.js";

const script = fileURLToPath(new URL("../fixtures/reasoning/verify-even.mjs", import.meta.url));
const input = (answer: string | undefined) => ({id: "p", answer, gold: "4", completion: ""});

test("exact and numeric verifiers", async () => {
    assert.equal((await exactVerifier.verify(input("4"))).verdict, "correct");
    assert.equal((await exactVerifier.verify(input("4.0"))).verdict, "incorrect");
    assert.equal((await numericVerifier.verify(input("4.0"))).verdict, "correct");
    assert.equal((await numericVerifier.verify(input("8/2"))).verdict, "correct");
    assert.equal((await numericVerifier.verify(input(undefined))).verdict, "no-answer");
    assert.throws(() => verifierFromSpec("fuzzy", 1000), /unknown verifier "fuzzy"/);
});

test("a script verifier answers by exit code; one that hangs is killed at its limit and marked", async () => {
    const verifier = scriptVerifier(script, 1500);
    assert.equal((await verifier.verify(input("4"))).verdict, "correct");
    assert.equal((await verifier.verify(input("5"))).verdict, "incorrect");
    const crashed = await verifier.verify(input("crash"));
    assert.equal(crashed.verdict, "error");
    assert.match(crashed.detail ?? "", /exit 3/);
    const hung = await scriptVerifier(script, 300).verify(input("hang"));
    assert.deepEqual(hung, {verdict: "timeout", detail: "killed after 300 ms"});
});

function fixedSampler(name: string, outputs: readonly string[]): ReasoningModel {
    return {name, complete: async () => [], sample: async (_prompt, n) => outputs.slice(0, n), targetLogprobs: async () => []};
}

test("compare: pass@k, maj@k, coverage and support from two scripted samplers", async () => {
    const settings = {samples: 4, maxTokens: 8, temperature: 1, seed: 0, extract: answerExtractor("marker"), verifier: numericVerifier};
    const problems = [
        {id: "a", base: ["answer 1", "answer 4", "answer 2", "answer 2"], tuned: ["answer 4", "answer 4", "answer 4", "answer 4"]},
        {id: "b", base: ["answer 4", "none", "answer 1", "answer 1"], tuned: ["answer 3", "answer 3", "answer 3", "answer 3"]},
        {id: "c", base: ["answer 3", "answer 3", "answer 3", "answer 3"], tuned: ["answer 3", "answer 4", "answer 3", "answer 3"]},
    ];
    const entries = [];
    for (const problem of problems) {
        const verdict = await compareItem(
            fixedSampler("base", problem.base),
            fixedSampler("tuned", problem.tuned),
            {id: problem.id, prompt: "q", gold: "4"},
            settings,
        );
        entries.push({id: problem.id, verdict});
    }
    assert.equal(entries[1]!.verdict.base.noAnswer, 1);
    const summary = summarizeCompare(entries, [1, 2, 4], 4);
    // base: c = 1, 1, 0 → pass@1 = (1/4 + 1/4 + 0)/3, pass@4 = 2/3. tuned: c = 4, 0, 1 → pass@1 = (1 + 0 + 1/4)/3.
    assert.ok(Math.abs(summary.base.passAtK[0]!.passAtK - 0.5 / 3) < 1e-12);
    assert.ok(Math.abs(summary.base.passAtK[2]!.passAtK - 2 / 3) < 1e-12);
    assert.ok(Math.abs(summary.tuned.passAtK[0]!.passAtK - 1.25 / 3) < 1e-12);
    assert.equal(summary.base.coverage, 2 / 3);
    assert.equal(summary.tuned.coverage, 2 / 3);
    // maj@4: base majorities 2, 1, 3 → 0; tuned 4, 3, 3 → 1/3.
    assert.equal(summary.base.majAtK[2]!.majAtK, 0);
    assert.ok(Math.abs(summary.tuned.majAtK[2]!.majAtK - 1 / 3) < 1e-12);
    // Support: a both (P), b base only (S), c tuned only (E).
    assert.deepEqual([summary.support.preservation, summary.support.expansion, summary.support.shrinkage], [1, 1, 1]);
    assert.equal(summary.support.nscr, 0);
    assert.ok(Math.abs(summary.deltaSe! - (2 / 3 - 1.25 / 3)) < 1e-12);
});
