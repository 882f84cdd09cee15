import assert from "node:assert/strict";
import {describe, test} from "node:test";
import {parseJsonlDataset} from "../../src/datasets/index.js";

describe("JSONL datasets", () => {
    test("reads every shape and keeps going past malformed lines, naming line and reason", () => {
        const text = [
            JSON.stringify({id: "p", prompt: "The film was great.", options: ["negative", "positive"], label: 1}),
            "{not json",
            JSON.stringify({id: "c", messages: [{role: "user", content: "Hi"}]}),
            "",
            JSON.stringify({prompt: "no id"}),
            JSON.stringify({
                id: "d",
                question: "What is red?",
                documents: ["apple is red", {title: "t", text: "sky is blue"}],
                rationale: [{start: 0, end: 5, part: 0}],
            }),
            JSON.stringify({id: "q", question: "2+2?", options: ["3", "4"], label: "5"}),
            JSON.stringify({id: "p", prompt: "again"}),
            JSON.stringify({id: "m", question: "Pick", options: ["A", "B"], label: "B", meta: {source: "x"}}),
            JSON.stringify({id: "u", prompt: "x", colour: "red"}),
        ].join("\n");
        const parsed = parseJsonlDataset(text);
        assert.deepEqual(
            parsed.items.map((item) => item.id),
            ["p", "c", "d", "m"],
        );
        assert.equal(parsed.lines, 9);
        assert.equal(parsed.items[0]?.label, "positive");
        assert.deepEqual(parsed.items[0]?.input, {kind: "prompt", prompt: "The film was great."});
        assert.equal(parsed.items[2]?.input.kind, "documents");
        assert.deepEqual(parsed.items[2]?.rationale, [{start: 0, end: 5, part: 0}]);
        assert.deepEqual(parsed.items[3]?.input, {kind: "prompt", prompt: "Pick"});
        assert.deepEqual(
            parsed.malformed.map((entry) => entry.line),
            [2, 5, 7, 8, 10],
        );
        assert.match(parsed.malformed[0]!.reason, /^not valid JSON/);
        assert.match(parsed.malformed[1]!.reason, /field id/);
        assert.match(parsed.malformed[2]!.reason, /field label: "5" is not one of the options/);
        assert.equal(parsed.malformed[3]!.reason, 'duplicate id "p" (first used on line 1)');
        assert.match(parsed.malformed[4]!.reason, /colour/);
    });

    test("the hash changes with the content, not with meta or the line", () => {
        const a = parseJsonlDataset(JSON.stringify({id: "x", prompt: "a"})).items[0]!;
        const b = parseJsonlDataset(`\n${JSON.stringify({id: "x", prompt: "a", meta: {k: 1}})}`).items[0]!;
        const c = parseJsonlDataset(JSON.stringify({id: "x", prompt: "b"})).items[0]!;
        assert.equal(a.hash, b.hash);
        assert.notEqual(a.hash, c.hash);
        assert.equal(b.line, 2);
    });

    test("an empty file is an error", () => {
        assert.throws(() => parseJsonlDataset("\n\n", "empty.jsonl"), /empty.jsonl has no items/);
    });
});
