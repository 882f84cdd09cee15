import assert from "node:assert/strict";
import {test} from "node:test";
import {checkCustomSpans, splitLines, splitParagraphs, splitTokens, splitWords} from "../../src/units/splitters.js";
import {InputError} from "../../src/errors.js";

const slices = (text: string, spans: {start: number; end: number}[]) => spans.map((span) => text.slice(span.start, span.end));

test("words are non-whitespace runs with exact offsets", () => {
    const text = " Hello,  world!\nBye ";
    assert.deepEqual(splitWords(text), [
        {start: 1, end: 7},
        {start: 9, end: 15},
        {start: 16, end: 19},
    ]);
    assert.deepEqual(slices(text, splitWords(text)), ["Hello,", "world!", "Bye"]);
});

test("paragraphs split on blank lines, lines on newlines, both trimmed", () => {
    const text = "First line\nsecond line\n\n  Para two\n \n\nPara three\n";
    assert.deepEqual(slices(text, splitParagraphs(text)), ["First line\nsecond line", "Para two", "Para three"]);
    assert.deepEqual(slices(text, splitLines(text)), ["First line", "second line", "Para two", "Para three"]);
});

test("token spans are clamped, made monotone, and empty tokens merge into the next", () => {
    const text = "abcdef";
    const spans = splitTokens(text, () => [
        {start: 0, end: 2},
        {start: 2, end: 2},
        {start: 2, end: 4},
        {start: 3, end: 9},
    ]);
    assert.deepEqual(spans, [
        {start: 0, end: 2},
        {start: 2, end: 4},
        {start: 4, end: 6},
    ]);
});

test("custom spans are validated: outside the text is an InputError", () => {
    assert.deepEqual(
        checkCustomSpans("hello world", [
            {start: 6, end: 11},
            {start: 0, end: 5},
        ]),
        [
            {start: 0, end: 5},
            {start: 6, end: 11},
        ],
    );
    assert.throws(
        () => checkCustomSpans("hello", [{start: 2, end: 9}]),
        (error: unknown) => error instanceof InputError && /outside the text/.test(error.message),
    );
    assert.throws(
        () =>
            checkCustomSpans("hello", [
                {start: 0, end: 3},
                {start: 2, end: 4},
            ]),
        /overlap/,
    );
});
