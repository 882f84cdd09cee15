import assert from "node:assert/strict";
import {test} from "node:test";
import {InputError} from "../../src/errors.js";
import {segmentInput, unitsMatchSource} from "../../src/units/segmented-input.js";
import {renderWithRemovals} from "../../src/units/render-text.js";
import {buildUnitHierarchy} from "../../src/units/hierarchy.js";
import type {StructuredInput} from "../../src/units/types.js";

const keepAllBut = (count: number, ...removed: number[]) => Uint8Array.from({length: count}, (_, index) => (removed.includes(index) ? 0 : 1));

const rag: StructuredInput = {
    kind: "documents",
    instruction: "Answer from the documents.",
    question: "Where is the cat?",
    documents: [{title: "Home", text: "The cat is on the mat. It sleeps."}, "The dog is out.", {text: "Birds sing."}].map((document) =>
        typeof document === "string" ? {text: document} : document,
    ),
};

test("deleting words tidies whitespace", () => {
    const text = "a b c";
    const spans = [
        {start: 0, end: 1},
        {start: 2, end: 3},
        {start: 4, end: 5},
    ];
    const options = {removal: "delete" as const, placeholder: "..."};
    assert.equal(renderWithRemovals(text, spans, [true, false, true], options), "a c");
    assert.equal(renderWithRemovals(text, spans, [false, true, true], options), "b c");
    assert.equal(renderWithRemovals(text, spans, [true, true, false], options), "a b");
    assert.equal(renderWithRemovals(text, spans, [false, false, false], options), "");
    assert.equal(
        renderWithRemovals(
            "  a b  ",
            [
                {start: 2, end: 3},
                {start: 4, end: 5},
            ],
            [true, true],
            options,
        ),
        "  a b  ",
    );
});

test("deleting a paragraph keeps the strongest separator", () => {
    const prompt = "P1 one.\n\nP2 two.\n\nP3 three.";
    const segmented = segmentInput({kind: "prompt", prompt}, "paragraph");
    assert.deepEqual(
        segmented.units.map((unit) => unit.text),
        ["P1 one.", "P2 two.", "P3 three."],
    );
    assert.deepEqual(segmented.render(keepAllBut(3, 1)), {kind: "text", text: "P1 one.\n\nP3 three."});
    assert.deepEqual(segmented.render(keepAllBut(3, 0)), {kind: "text", text: "P2 two.\n\nP3 three."});
    assert.deepEqual(segmented.render(keepAllBut(3, 2)), {kind: "text", text: "P1 one.\n\nP2 two."});
});

test("non-whitespace gaps (template between custom spans) are kept", () => {
    const prompt = "Name: Ada; City: Paris.";
    const segmented = segmentInput(
        {
            kind: "prompt",
            prompt,
            spans: [
                {start: 6, end: 9},
                {start: 17, end: 22},
            ],
        },
        "span",
    );
    assert.deepEqual(
        segmented.units.map((unit) => unit.text),
        ["Ada", "Paris"],
    );
    assert.deepEqual(segmented.render(keepAllBut(2, 0)), {kind: "text", text: "Name: ; City: Paris."});
    assert.deepEqual(segmented.render(keepAllBut(2, 1), {removal: "placeholder", placeholder: "___"}), {kind: "text", text: "Name: Ada; City: ___."});
});

test("placeholder mode replaces each removed unit and keeps every gap", () => {
    const segmented = segmentInput({kind: "prompt", prompt: "one two three"}, "word");
    assert.deepEqual(segmented.render(keepAllBut(3, 0, 1), {removal: "placeholder"}), {kind: "text", text: "... ... three"});
});

test("every unit's text is its exact source slice, for every input kind and unit", () => {
    const chat: StructuredInput = {
        kind: "chat",
        playerRoles: ["user"],
        messages: [
            {role: "system", content: "Be brief."},
            {role: "user", content: "Hi there. How are you?"},
            {role: "assistant", content: "Fine."},
            {role: "user", content: "  Tell me more.  "},
        ],
    };
    for (const input of [rag, chat, {kind: "prompt", prompt: " Once upon a time. There was\n\na cat. "} as StructuredInput]) {
        for (const kind of ["word", "sentence", "paragraph", "line"] as const) {
            const segmented = segmentInput(input, kind);
            assert.ok(unitsMatchSource(segmented), `${input.kind}/${kind}`);
            segmented.units.forEach((unit, index) => assert.equal(unit.index, index));
        }
    }
    const messages = segmentInput(chat, "message");
    assert.deepEqual(
        messages.units.map((unit) => [unit.source, unit.text]),
        [
            [{kind: "message", index: 1, role: "user"}, "Hi there. How are you?"],
            [{kind: "message", index: 3, role: "user"}, "  Tell me more.  "],
        ],
    );
    assert.ok(unitsMatchSource(messages));
});

test("chat rendering keeps roles and non-player messages fixed", () => {
    const chat: StructuredInput = {
        kind: "chat",
        playerRoles: ["user"],
        messages: [
            {role: "system", content: "Be brief."},
            {role: "user", content: "First. Second."},
        ],
    };
    const segmented = segmentInput(chat, "sentence");
    assert.deepEqual(segmented.render(keepAllBut(2, 0)), {
        kind: "chat",
        messages: [
            {role: "system", content: "Be brief."},
            {role: "user", content: "Second."},
        ],
    });
    const byMessage = segmentInput(chat, "message");
    assert.deepEqual(byMessage.render(keepAllBut(1, 0)), {
        kind: "chat",
        messages: [
            {role: "system", content: "Be brief."},
            {role: "user", content: ""},
        ],
    });
});

test("documents render with fixed instruction, headers and question", () => {
    const segmented = segmentInput(rag, "document");
    assert.equal(segmented.playerCount, 3);
    const full = segmented.render(keepAllBut(3));
    assert.deepEqual(full, {
        kind: "text",
        text: "Answer from the documents.\n\nDocument [1]: Home\nThe cat is on the mat. It sleeps.\n\nDocument [2]:\nThe dog is out.\n\nDocument [3]:\nBirds sing.\n\nQuestion: Where is the cat?\nAnswer:",
    });
    assert.deepEqual(segmented.render(keepAllBut(3, 0, 2)), {
        kind: "text",
        text: "Answer from the documents.\n\nDocument [2]:\nThe dog is out.\n\nQuestion: Where is the cat?\nAnswer:",
    });
    assert.deepEqual(segmented.render(keepAllBut(3, 1), {removal: "placeholder"}), {
        kind: "text",
        text: "Answer from the documents.\n\nDocument [1]: Home\nThe cat is on the mat. It sleeps.\n\nDocument [2]:\n...\n\nDocument [3]:\nBirds sing.\n\nQuestion: Where is the cat?\nAnswer:",
    });
    const sentences = segmentInput(rag, "sentence");
    assert.deepEqual(
        sentences.units.map((unit) => unit.text),
        ["The cat is on the mat.", "It sleeps.", "The dog is out.", "Birds sing."],
    );
    assert.match((sentences.render(keepAllBut(4, 0)) as {text: string}).text, /Home\nIt sleeps\.\n\nDocument \[2\]/);
});

test("impossible segmentations are InputErrors with one-line messages", () => {
    assert.throws(
        () => segmentInput({kind: "prompt", prompt: "hi"}, "document"),
        (error: unknown) =>
            error instanceof InputError &&
            /^unit document needs an input with documents/.test(error.message) &&
            error.parameter === "unit" &&
            !error.message.includes("\n"),
    );
    assert.throws(() => segmentInput({kind: "prompt", prompt: "   "}, "word"), /zero word units/);
    assert.throws(() => segmentInput({kind: "chat", playerRoles: ["user"], messages: [{role: "system", content: "x"}]}, "message"), /zero message units/);
});

test("the hierarchy nests documents, sentences and words over word players", () => {
    const hierarchy = buildUnitHierarchy(rag);
    assert.equal(hierarchy.leaves.unitKind, "word");
    assert.equal(hierarchy.root.children.length, 3);
    const first = hierarchy.root.children[0];
    assert.equal(first?.children.length, 2);
    assert.deepEqual(
        first?.children[1]?.players.map((index) => hierarchy.leaves.units[index]?.text),
        ["It", "sleeps."],
    );
    assert.deepEqual(
        hierarchy.root.players,
        hierarchy.leaves.units.map((unit) => unit.index),
    );
    const covered = hierarchy.root.children.flatMap((node) => node.players);
    assert.deepEqual(covered, hierarchy.root.players);
});

test("every leaf lands in exactly one group, even tokens that start with whitespace", () => {
    const input: StructuredInput = {kind: "prompt", prompt: "Ann ran home. Bob sat.\n\nCy hid."};
    const offsets = (text: string) => Array.from({length: text.length}, (_, index) => ({start: index, end: index + 1}));
    const hierarchy = buildUnitHierarchy(input, ["paragraph", "sentence", "word", "token"], {tokenOffsets: offsets});
    const leavesSeen = (node: {players: number[]; children: {players: number[]; children: unknown[]}[]}): number[] =>
        node.children.length === 0 ? node.players : node.children.flatMap((child) => leavesSeen(child as typeof node));
    assert.deepEqual(
        leavesSeen(hierarchy.root).sort((a, b) => a - b),
        hierarchy.leaves.units.map((unit) => unit.index),
    );
    const spaceBeforeBob = hierarchy.leaves.units.find((unit) => unit.start === 13);
    assert.equal(spaceBeforeBob?.text, " ");
    const firstParagraph = hierarchy.root.children[0];
    assert.ok(firstParagraph?.players.includes(spaceBeforeBob?.index ?? -1));
});
