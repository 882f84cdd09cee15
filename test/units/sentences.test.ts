import assert from "node:assert/strict";
import {test} from "node:test";
import {splitSentences} from "../../src/units/sentences.js";

function sentences(text: string): string[] {
    const spans = splitSentences(text);
    return spans.map((span) => text.slice(span.start, span.end));
}

test("plain sentences split at terminators followed by whitespace", () => {
    assert.deepEqual(sentences("The cat sat. The dog ran! Did it stop? Yes."), ["The cat sat.", "The dog ran!", "Did it stop?", "Yes."]);
});

test("abbreviations and initials do not end sentences", () => {
    assert.deepEqual(sentences("Dr. Smith met Mr. Jones at 5 p.m. yesterday. J. K. Rowling wrote it."), [
        "Dr. Smith met Mr. Jones at 5 p.m. yesterday.",
        "J. K. Rowling wrote it.",
    ]);
    assert.deepEqual(sentences("Use tools, e.g. Hammers and saws. Then stop."), ["Use tools, e.g. Hammers and saws.", "Then stop."]);
});

test("decimals and version numbers stay inside one sentence", () => {
    assert.deepEqual(sentences("Pi is 3.14 roughly. Version 2.0.1 shipped."), ["Pi is 3.14 roughly.", "Version 2.0.1 shipped."]);
});

test("closing quotes stay with their sentence; a lower-case continuation does not split", () => {
    assert.deepEqual(sentences('He said "Stop." Then he left.'), ['He said "Stop."', "Then he left."]);
    assert.deepEqual(sentences('"Stop!" he said. She agreed.'), ['"Stop!" he said.', "She agreed."]);
    assert.deepEqual(sentences("(It rained.) We stayed in."), ["(It rained.)", "We stayed in."]);
});

test("ellipses split only before a capital", () => {
    assert.deepEqual(sentences("Wait... and then nothing. Well... Maybe."), ["Wait... and then nothing.", "Well...", "Maybe."]);
});

test("numbered list items at line start do not split", () => {
    assert.deepEqual(sentences("Steps:\n1. Open it.\n2. Close it."), ["Steps:\n1. Open it.", "2. Close it."]);
});

test("blank lines always end a sentence; text without terminator is one sentence", () => {
    assert.deepEqual(sentences("A heading\n\nBody text here"), ["A heading", "Body text here"]);
    assert.deepEqual(sentences("  no terminator at all  "), ["no terminator at all"]);
    assert.deepEqual(sentences("   "), []);
});

test("spans are exact offsets", () => {
    const text = "  One.  Two?\n\nThree!  ";
    for (const span of splitSentences(text)) {
        assert.equal(text.slice(span.start, span.end).trim(), text.slice(span.start, span.end));
    }
    assert.deepEqual(splitSentences(text), [
        {start: 2, end: 6},
        {start: 8, end: 12},
        {start: 14, end: 20},
    ]);
});
