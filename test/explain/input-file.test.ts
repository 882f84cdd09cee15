import assert from "node:assert/strict";
import {test} from "node:test";
import {InputError} from "../../src/errors.js";
import {parseExplainInput, parseRationaleFlag} from "../../src/explain/input-file.js";

test("the three input shapes parse into structured inputs with their optional fields", () => {
    assert.deepEqual(parseExplainInput({prompt: "Hi there.", target: " Yes", spans: [{start: 0, end: 2}]}, "f"), {
        input: {kind: "prompt", prompt: "Hi there.", spans: [{start: 0, end: 2}]},
        target: " Yes",
    });
    assert.deepEqual(parseExplainInput({messages: [{role: "user", content: "Hi"}], foil: " No"}, "f"), {
        input: {kind: "chat", messages: [{role: "user", content: "Hi"}], playerRoles: ["user"]},
        foil: " No",
    });
    assert.deepEqual(
        parseExplainInput({question: "Q?", documents: ["a", {title: "T", text: "b"}], instruction: "I", rationale: [{part: 1, start: 0, end: 1}]}, "f"),
        {
            input: {kind: "documents", question: "Q?", documents: [{text: "a"}, {title: "T", text: "b"}], instruction: "I"},
            rationale: [{start: 0, end: 1, part: 1}],
        },
    );
});

test("malformed files are one InputError line naming the field", () => {
    const fails = (json: unknown, pattern: RegExp) =>
        assert.throws(
            () => parseExplainInput(json, "--input file x.json"),
            (error: unknown) => error instanceof InputError && pattern.test(error.message) && !error.message.includes("\n"),
        );
    fails([], /is not an explain input/);
    fails({}, /must hold exactly one of "prompt", "messages" or "documents"/);
    fails({prompt: "a", messages: []}, /exactly one of.*received prompt and messages/);
    fails({prompt: "a", player: ["user"]}, /field \(top level\)/);
    fails({question: "q", documents: []}, /field documents/);
    fails({messages: [{role: "robot", content: "x"}]}, /field messages\.0\.role/);
    fails({prompt: "a", spans: [{start: -1, end: 2}]}, /field spans\.0\.start/);
});

test("--rationale spans: START-END and PART:START-END, comma-separated", () => {
    assert.deepEqual(parseRationaleFlag("0-5, 2:3-9"), [
        {start: 0, end: 5},
        {start: 3, end: 9, part: 2},
    ]);
    assert.throws(() => parseRationaleFlag("5..9"), /malformed span "5\.\.9"/);
    assert.throws(() => parseRationaleFlag(" , "), /the rationale is empty/);
});
