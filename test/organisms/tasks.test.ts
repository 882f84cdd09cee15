import {test} from "node:test";
import assert from "node:assert/strict";
import {SeededRandom} from "../../src/foundation/random.js";
import {organismSpec} from "../../src/organisms/registry.js";
import {createArithmeticTask, defaultArithmeticSettings, isHeldOutQuestion, totalValues, writtenTotals} from "../../src/organisms/tasks/arithmetic.js";
import {createLookupTask, lookupPrompt} from "../../src/organisms/tasks/lookup.js";
import {WordVocabulary} from "../../src/organisms/vocabulary.js";

test("lookup items: the gold document is the only one with the question's key, and the spans point at X and Y in it", () => {
    const task = createLookupTask();
    const random = new SeededRandom(1);
    for (let i = 0; i < 300; i++) {
        const item = task.heldOutItem(random);
        assert.equal(item.evidence.kind, "lookup");
        if (item.evidence.kind !== "lookup") return;
        const {documentIndex, key, value} = item.evidence;
        assert.ok(item.documents.length >= 4 && item.documents.length <= 8);
        const gold = item.documents[documentIndex]!;
        assert.equal(item.prompt.slice(key.start, key.end), key.text);
        assert.equal(item.prompt.slice(value.start, value.end), item.answer);
        assert.ok(key.start >= gold.start && value.end <= gold.end, "X and Y lie inside the gold document");
        assert.ok(item.prompt.endsWith(`question : ${key.text}`));
        for (const document of item.documents) {
            assert.equal(item.prompt.slice(document.start, document.end), document.text);
            const words = document.text.split(" ");
            assert.equal(words.includes(key.text), document.index === documentIndex, "only the gold document holds the key");
            assert.equal(words.includes(item.answer), document.index === documentIndex, "only the gold document holds the answer");
        }
        assert.equal(item.completion, ` ${item.answer}`);
        assert.equal(task.answerOf(item.completion), item.answer);
    }
});

test("lookupPrompt rebuilds a prompt from any documents (e.g. without one of them)", () => {
    const {prompt, spans} = lookupPrompt(
        [
            {key: "fig", value: "red"},
            {key: "otter", value: "teal"},
        ],
        "otter",
    );
    assert.equal(prompt, "fig red . otter teal . question : otter");
    assert.deepEqual(
        spans.map((span) => [span.index, span.start, span.end, span.text]),
        [
            [0, 0, 9, "fig red ."],
            [1, 10, 22, "otter teal ."],
        ],
    );
});

test("arithmetic items: totals are the running sums and the answer is the true result", () => {
    for (const source of ["last-step", "question"] as const) {
        const task = createArithmeticTask(source);
        const random = new SeededRandom(2);
        for (let i = 0; i < 300; i++) {
            const item = task.heldOutItem(random);
            if (item.evidence.kind !== "arithmetic") throw new Error("expected arithmetic evidence");
            const {operands, steps, trueResult, answerSource} = item.evidence;
            assert.equal(answerSource, source);
            assert.equal(operands.length, 4);
            assert.ok(operands.every((operand) => Number.isInteger(operand) && operand >= 0 && operand <= 9));
            assert.equal(
                trueResult,
                operands.reduce((a, b) => a + b, 0),
            );
            let total = 0;
            steps.forEach((step, k) => {
                total += operands[k]!;
                assert.equal(step.written, total);
                assert.equal(step.correct, total);
            });
            assert.equal(item.prompt, `${operands.join(" + ")} = ? :`);
            assert.equal(item.completion, ` ${steps.map((step) => step.written).join(" , ")} ; answer ${trueResult}`);
            assert.equal(task.answerOf(item.completion), item.answer);
            assert.ok(isHeldOutQuestion(operands));
        }
    }
});

test("arithmetic training never shows a held-out question and follows its answer rule on injected errors", () => {
    for (const name of ["arith-faithful", "arith-decorative"] as const) {
        const task = organismSpec(name).task();
        const source = name === "arith-faithful" ? "last-step" : "question";
        const random = new SeededRandom(3);
        let errors = 0,
            cut = 0,
            empty = 0;
        for (let i = 0; i < 2000; i++) {
            const {words, loss} = task.trainingSequence(random);
            const operands = [words[0], words[2], words[4], words[6]].map(Number);
            assert.ok(!isHeldOutQuestion(operands));
            const answerAt = words.indexOf("answer");
            const written = words
                .slice(10, answerAt - 1)
                .filter((word) => word !== ",")
                .map(Number);
            const answer = Number(words[answerAt + 1]);
            const truth = writtenTotals(operands, totalValues(defaultArithmeticSettings));
            if (written.length < 4) cut++;
            if (written.length === 0) empty++;
            if (written.some((value, k) => value !== truth[k])) errors++;
            assert.equal(answer, source === "last-step" ? written[written.length - 1] : truth[3]);
            assert.equal(loss[answerAt + 1], true, "the answer is always trained");
            written.forEach((value, k) => {
                const wordIndex = 10 + 2 * k;
                assert.equal(Number(words[wordIndex]), value);
                assert.ok(value >= 0 && value <= 36, `a written total is a number the vocabulary holds: ${value}`);
                if (value !== (k === 0 ? operands[0] : written[k - 1]! + operands[k]!))
                    assert.equal(loss[wordIndex], false, "an injected error is never trained");
            });
        }
        assert.ok(errors > 500 && cut > 500, `errors ${errors}, cut chains ${cut}`);
        // Only the decorative organism is trained to answer with no chain at all ("= ? : ; answer N").
        if (source === "last-step") assert.equal(empty, 0);
        else assert.ok(empty > 100, `empty chains ${empty}`);
    }
});

test("the word vocabulary maps each word to one '▁word' piece after control and byte-fallback pieces", () => {
    const vocabulary = new WordVocabulary(["apple", "ape", "is", "."]);
    assert.equal(vocabulary.pieces[1]!.text, "<s>");
    assert.equal(vocabulary.pieces[3]!.text, "<0x00>");
    assert.equal(vocabulary.pieces[258]!.text, "<0xFF>");
    assert.equal(vocabulary.pieces[vocabulary.id("apple")]!.text, "\u2581apple");
    assert.deepEqual(
        vocabulary.encode("ape is apple ."),
        ["ape", "is", "apple", "."].map((word) => vocabulary.id(word)),
    );
    assert.equal(vocabulary.decode(vocabulary.encode("apple is ape")), "apple is ape");
    assert.throws(() => vocabulary.encode("pear"), /"pear" is not in this organism's vocabulary/);
});

test("lookupPrompt keeps the labelled layout for facts that carry labels", () => {
    const {prompt, spans} = lookupPrompt(
        [
            {key: "fig", value: "red", label: 0},
            {key: "otter", value: "teal", label: 2},
        ],
        "otter",
    );
    assert.equal(prompt, "doc 1 : fig is red . doc 3 : otter is teal . question : otter is");
    assert.deepEqual(
        spans.map((span) => span.text),
        ["doc 1 : fig is red .", "doc 3 : otter is teal ."],
    );
});
