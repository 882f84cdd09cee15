/** Splitters: text → spans (offsets into that text) for each unit granularity below a whole source. */
import {InputError} from "../errors.js";
import {splitSentences} from "./sentences.js";
import type {TextSpan, TokenOffsetsFunction} from "./types.js";

export {splitSentences};

/** Words: maximal runs of non-whitespace (punctuation stays with its word). */
export function splitWords(text: string): TextSpan[] {
    return matchSpans(text, /\S+/gu);
}

/** Lines: each non-blank line, without its surrounding whitespace. */
export function splitLines(text: string): TextSpan[] {
    return matchSpans(text, /[^\n]+/gu)
        .map((span) => trimSpan(text, span))
        .filter((span) => span.end > span.start);
}

/** Paragraphs: blocks separated by one or more blank lines, without surrounding whitespace. */
export function splitParagraphs(text: string): TextSpan[] {
    const spans: TextSpan[] = [];
    const separator = /\n[ \t\r]*\n\s*/gu;
    let start = 0;
    for (const match of text.matchAll(separator)) {
        spans.push(trimSpan(text, {start, end: match.index}));
        start = match.index + match[0].length;
    }
    spans.push(trimSpan(text, {start, end: text.length}));
    return spans.filter((span) => span.end > span.start);
}

/**
 * Model tokens, from a tokenize-with-offsets function. Spans are clamped into the text, made
 * non-overlapping, and tokens that cover no characters (e.g. the first half of a multi-byte
 * character) are merged into the next token. Whitespace-only tokens are kept: they are tokens.
 */
export function splitTokens(text: string, tokenOffsets: TokenOffsetsFunction): TextSpan[] {
    const spans: TextSpan[] = [];
    let cursor = 0;
    let pendingStart: number | undefined;
    for (const raw of tokenOffsets(text)) {
        const start = Math.max(cursor, Math.min(raw.start, text.length));
        const end = Math.max(start, Math.min(raw.end, text.length));
        if (end === start) {
            pendingStart ??= start;
            continue;
        }
        spans.push({start: pendingStart ?? start, end});
        pendingStart = undefined;
        cursor = end;
    }
    return spans;
}

/** User-given spans: validated (inside the text, non-empty, non-overlapping) and sorted. */
export function checkCustomSpans(text: string, spans: readonly TextSpan[], what = "span"): TextSpan[] {
    const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
    let previousEnd = 0;
    for (const span of sorted) {
        if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end > text.length || span.end <= span.start) {
            throw new InputError(`${what} ${span.start}-${span.end} is outside the text`, {
                expected: `0 ≤ start < end ≤ ${text.length} (character offsets)`,
                received: `${span.start}-${span.end}`,
            });
        }
        if (span.start < previousEnd) {
            throw new InputError(`${what}s overlap at ${span.start}-${span.end}`, {expected: "non-overlapping spans"});
        }
        previousEnd = span.end;
    }
    return sorted.map((span) => ({start: span.start, end: span.end}));
}

function matchSpans(text: string, pattern: RegExp): TextSpan[] {
    return [...text.matchAll(pattern)].map((match) => ({start: match.index, end: match.index + match[0].length}));
}

function trimSpan(text: string, span: TextSpan): TextSpan {
    let {start, end} = span;
    while (start < end && /\s/.test(text[start] as string)) start += 1;
    while (end > start && /\s/.test(text[end - 1] as string)) end -= 1;
    return {start, end};
}
