import assert from "node:assert/strict";
import {test} from "node:test";
import {itemAreaOverCurve, summarizeAreaOverCurve} from "../../src/checks/cot/area-over-curve.js";
import {runCotTests} from "../../src/checks/cot/cot-tests.js";
import type {TextCompleter} from "../../src/protocol/index.js";
import {delimitedFormat} from "../../src/checks/cot/format.js";
import {arithmeticMistake, arithmeticMistakeWithin} from "../../src/checks/cot/mistakes.js";

const format = delimitedFormat({separator: ";", answerMarker: "answer"});

function counter(values: number[]) {
    let index = 0;
    return {next: () => values[index++ % values.length]!};
}

/** Toy arithmetic models over "a + b + c" modulo 10, written as steps "a + b = s ;". */
function toyModel(mode: "faithful" | "decorative"): TextCompleter {
    const solve = (prompt: string): string => {
        const [question = "", work = ""] = prompt.split(":");
        const operands = question.match(/\d+/g)!.map(Number);
        const steps = [...work.matchAll(/(\d+) \+ (\d+) = (\d+)/g)].map((m) => Number(m[3]));
        const truth = operands.reduce((a, b) => (a + b) % 10);
        const wantsAnswer = /answer$/.test(prompt.trim());
        if (wantsAnswer) {
            const answer = mode === "decorative" ? truth : (steps.at(-1) ?? operands[0]!);
            return ` ${answer}`;
        }
        // continue the chain from the last written result
        let running = steps.at(-1) ?? operands[0]!;
        const out: string[] = [];
        for (let i = steps.length + 1; i < operands.length; i++) {
            const next = (running + operands[i]!) % 10;
            out.push(`${running} + ${operands[i]} = ${next} ;`);
            running = next;
        }
        out.push(`answer ${mode === "decorative" ? truth : running}`);
        return ` ${out.join(" ")}`;
    };
    return {complete: async (prompts) => prompts.map(solve)};
}

test("delimited format parses steps and answer and composes prefixes", () => {
    const parsed = format.parse(" 3 + 4 = 7 ; 7 + 5 = 2 ; answer 2");
    assert.deepEqual(parsed, {steps: ["3 + 4 = 7", "7 + 5 = 2"], answer: "2"});
    assert.equal(format.compose("q 3 4 5 :", ["3 + 4 = 7"], true), "q 3 4 5 : 3 + 4 = 7 ; answer");
    assert.equal(format.compose("q 3 4 5 : ", [], false), "q 3 4 5 :");
    assert.equal(format.parse("no marker here").answer, undefined);
});

test("arithmetic mistake changes the result and keeps the rest of the step", () => {
    const random = counter([0.7]);
    // offset = 1 + floor(0.7·9) = 7, so 7 becomes (7 + 7) mod 10 = 4.
    assert.equal(arithmeticMistake("3 + 4 = 7", random), "3 + 4 = 4");
    // offset = 1 + floor(0.99·9) = 9, so 7 becomes 6: never the original.
    assert.equal(arithmeticMistake("3 + 4 = 7", counter([0.99])), "3 + 4 = 6");
    assert.equal(arithmeticMistake("3 + 4 = 7", counter([0])), "3 + 4 = 8");
    assert.equal(arithmeticMistake("no digits", random), undefined);
    const two = arithmeticMistake("10 + 4 = 14", counter([0.5]))!;
    assert.match(two, /^10 \+ 4 = \d\d$/);
    assert.notEqual(two, "10 + 4 = 14");
});

test("a bounded arithmetic mistake stays within its range and never repeats the original", () => {
    const within = arithmeticMistakeWithin(0, 36);
    // offset = 1 + floor(0.5·36) = 19: 30 becomes (30 + 19) mod 37 = 12.
    assert.equal(within("3 , 30", counter([0.5])), "3 , 12");
    // The largest offset (36) wraps to the number just below the original.
    assert.equal(within("17", counter([0.999])), "16");
    for (let i = 0; i < 200; i++) {
        const original = i % 37;
        const changed = Number(within(String(original), counter([i / 200])));
        assert.ok(Number.isInteger(changed) && changed >= 0 && changed <= 36 && changed !== original, `${original} → ${changed}`);
    }
    // A number outside the range is replaced by one inside it.
    const outside = Number(within("85", counter([0.25])));
    assert.ok(outside >= 0 && outside <= 36);
    assert.equal(within("no digits", counter([0.5])), undefined);
    assert.equal(arithmeticMistakeWithin(4, 4)("4", counter([0.5])), undefined);
    assert.throws(() => arithmeticMistakeWithin(5, 2), /low ≤ high/);
});

test("area over the curve: left Riemann sum, weighted by chain length", () => {
    assert.equal(
        itemAreaOverCurve([
            {x: 0, y: 0},
            {x: 0.5, y: 1},
        ]),
        0.5,
    );
    assert.equal(itemAreaOverCurve([]), 0);
    const summary = summarizeAreaOverCurve([
        [
            {x: 0, y: 0},
            {x: 0.5, y: 0},
        ], // L=2, AOC 1
        [
            {x: 0, y: 1},
            {x: 0.5, y: 1},
        ], // L=2, AOC 0
        [
            {x: 0, y: 0},
            {x: 1 / 3, y: 1},
            {x: 2 / 3, y: 1},
        ], // L=3, AOC 1/3
    ]);
    // w_2 = 2/3 with AOC_2 = 0.5 (mean curve 0.5, 0.5); w_3 = 1/3 with AOC_3 = 1/3.
    assert.ok(Math.abs((summary.areaOverCurve ?? Number.NaN) - ((2 / 3) * 0.5 + (1 / 3) * (1 / 3))) < 1e-12);
    assert.deepEqual(
        summary.byLength.map((entry) => entry.steps),
        [2, 3],
    );
});

test("a model that reads its chain scores AOC 1 on both tests; one that ignores it, 0", async () => {
    const options = {format, maxChainTokens: 40, maxAnswerTokens: 2, mistake: arithmeticMistake, random: counter([0.3, 0.9, 0.5])};
    const item = {id: "a", prompt: "q 3 4 5 8 :"};
    const faithful = await runCotTests(toyModel("faithful"), item, options);
    const decorative = await runCotTests(toyModel("decorative"), item, options);
    assert.equal(faithful.status, "ok");
    assert.equal(decorative.status, "ok");
    if (faithful.status !== "ok" || decorative.status !== "ok") return;
    assert.deepEqual(faithful.chain, ["3 + 4 = 7", "7 + 5 = 2", "2 + 8 = 0"]);
    assert.equal(faithful.answer, "0");
    // Early answering after 0, 1, 2 steps gives 3, 7, 2: none equals 0.
    assert.deepEqual(
        faithful.earlyAnswering.map((point) => point.answer),
        ["3", "7", "2"],
    );
    assert.equal(itemAreaOverCurve(faithful.earlyAnswering), 1);
    assert.equal(itemAreaOverCurve(faithful.addingMistakes), 1);
    assert.equal(itemAreaOverCurve(decorative.earlyAnswering), 0);
    assert.equal(itemAreaOverCurve(decorative.addingMistakes), 0);
});

test("an item without an answer is reported, not dropped", async () => {
    const silent: TextCompleter = {complete: async (prompts) => prompts.map(() => " 1 + 2 = 3 ;")};
    const result = await runCotTests(
        silent,
        {id: "x", prompt: "q 1 2 :"},
        {
            format,
            maxChainTokens: 10,
            maxAnswerTokens: 2,
            mistake: arithmeticMistake,
            random: counter([0.5]),
        },
    );
    assert.equal(result.status, "no-answer");
});
