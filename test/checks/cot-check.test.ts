import assert from "node:assert/strict";
import {test} from "node:test";
import {cotCheckItem, integrationRule, summarizeCotCheck} from "../../src/checks/cot/cot-check.js";
import type {TextCompleter} from "../../src/protocol/index.js";
import {delimitedFormat} from "../../src/checks/cot/format.js";
import {arithmeticMistake} from "../../src/checks/cot/mistakes.js";
import {modelMistakeGenerator} from "../../src/checks/cot/model-mistakes.js";
import {fillerText, modelParaphraser} from "../../src/checks/cot/paraphrase-filler.js";

const format = delimitedFormat({separator: ";", answerMarker: "answer"});
const random = {next: () => 0.5};

/**
 * A toy that sums "a + b + c" modulo 10 in steps "x + y = s ;". Faithful: answers from the last
 * step it sees (and continues from it); it also reads steps reworded as "s is x plus y".
 */
function toy(): TextCompleter {
    const solve = (prompt: string): string => {
        const [question = "", work = ""] = prompt.split(":");
        const operands = question.match(/\d+/g)!.map(Number);
        const totals = [...work.matchAll(/= (\d+)|(\d+) is \d+ plus/g)].map((match) => Number(match[1] ?? match[2]));
        if (/answer$/.test(prompt.trim())) return ` ${totals.at(-1) ?? operands[0]}`;
        let running = totals.at(-1) ?? operands[0]!;
        const out: string[] = [];
        for (let i = totals.length + 1; i < operands.length; i++) {
            const next = (running + operands[i]!) % 10;
            out.push(`${running} + ${operands[i]} = ${next} ;`);
            running = next;
        }
        return ` ${[...out, `answer ${running}`].join(" ")}`;
    };
    return {complete: async (prompts) => prompts.map(solve)};
}

const paraphraser: TextCompleter = {
    complete: async (prompts) =>
        prompts.map((prompt) => {
            const match = /Sentence: (\d+) \+ (\d+) = (\d+)/.exec(prompt)!;
            return ` ${match[3]} is ${match[1]} plus ${match[2]}\nmore`;
        }),
};

test("check cot on one item: four tests, paraphrase keeps the answer, filler loses it", async () => {
    const verdict = await cotCheckItem(
        toy(),
        {id: "a", prompt: "q 3 4 5 8 :", gold: "0"},
        {
            format,
            maxChainTokens: 40,
            maxAnswerTokens: 2,
            mistake: arithmeticMistake,
            random,
            paraphraser: modelParaphraser(paraphraser),
        },
    );
    assert.equal(verdict.status, "ok");
    if (verdict.status !== "ok") return;
    assert.deepEqual(verdict.chain, ["3 + 4 = 7", "7 + 5 = 2", "2 + 8 = 0"]);
    assert.deepEqual(
        verdict.paraphrasing!.map((point) => point.y),
        [1, 1, 1],
    );
    assert.deepEqual(
        verdict.paraphrasing!.map((point) => point.x),
        [1 / 3, 2 / 3, 1],
    );
    // Filler of the chain's length: the toy then answers the first operand, 3.
    assert.equal(verdict.filler!.filler.length, fillerText(verdict.chain).length);
    assert.equal(verdict.filler!.answer, "3");
    assert.equal(verdict.filler!.noChainAnswer, "3");
    assert.equal(verdict.filler!.matchesOriginal, 0);
    const summary = summarizeCotCheck([verdict, {id: "b", status: "no-answer", completion: "..."}], format.normalize);
    assert.equal(summary.items, 2);
    assert.equal(summary.noAnswer, 1);
    assert.equal(summary.earlyAnswering.areaOverCurve, 1);
    assert.equal(summary.addingMistakes.areaOverCurve, 1);
    assert.equal(summary.paraphrasing.areaOverCurve, 0);
    assert.equal(summary.paraphrasing.matchRate, 1);
    assert.equal(summary.filler.accuracy, 0);
    assert.equal(summary.accuracy, 1);
    assert.equal(summary.integrationRule, integrationRule);
});

test("filler is ' ...' repeated to the chain's length", () => {
    assert.equal(fillerText(["abcdefgh"]), "... ...");
    assert.equal(fillerText([""]), "...");
});

test("model-written mistakes: the first line of the rewrite; an unchanged step gives none", async () => {
    const writer: TextCompleter = {complete: async (prompts) => prompts.map((prompt) => (prompt.includes("Sentence: same") ? " same\n" : " 3 + 4 = 9\nextra"))};
    const generate = modelMistakeGenerator(writer);
    assert.equal(await generate("3 + 4 = 7", random), "3 + 4 = 9");
    assert.equal(await generate("same", random), undefined);
    const verdict = await cotCheckItem(toy(), {id: "a", prompt: "q 3 4 5 :"}, {format, maxChainTokens: 40, maxAnswerTokens: 2, mistake: generate, random});
    assert.equal(verdict.status, "ok");
    if (verdict.status === "ok")
        assert.deepEqual(
            verdict.addingMistakes.map((point) => point.mistakenStep),
            ["3 + 4 = 9", "3 + 4 = 9"],
        );
});

test("a chain given with the item is used instead of generating one", async () => {
    const verdict = await cotCheckItem(
        toy(),
        {id: "g", prompt: "q 3 4 5 :", chain: " 3 + 4 = 9 ; 9 + 5 = 4 ; answer 4"},
        {format, maxChainTokens: 40, maxAnswerTokens: 2, mistake: arithmeticMistake, random},
    );
    assert.equal(verdict.status, "ok");
    if (verdict.status !== "ok") return;
    assert.deepEqual(verdict.chain, ["3 + 4 = 9", "9 + 5 = 4"]);
    assert.equal(verdict.answer, "4");
    // The toy answers from the last step it sees: after one step, 9.
    assert.deepEqual(
        verdict.earlyAnswering.map((point) => point.answer),
        ["3", "9"],
    );
});
