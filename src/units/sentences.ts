/**
 * A rule-based sentence splitter in the spirit of Punkt, without training: a sentence ends at
 * `.`, `!`, `?` or `…` (possibly repeated, possibly followed by closing quotes or brackets)
 * when whitespace follows and the next word does not start in lower case. A period does not end
 * a sentence after a known abbreviation ("Dr.", "e.g."), an initial ("J."), a list number at the
 * start of a line ("1."), or inside a number ("3.14", no whitespace follows). A blank line always
 * ends a sentence. Spans exclude the whitespace around sentences.
 */
import type {TextSpan} from "./types.js";

/** Abbreviations after which a period never ends a sentence (compared in lower case, without the final period). */
const neverFinalAbbreviations = new Set([
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "gen",
    "col",
    "capt",
    "sgt",
    "lt",
    "rev",
    "hon",
    "e.g",
    "i.e",
    "cf",
    "vs",
    "approx",
    "fig",
    "figs",
    "no",
    "nos",
    "vol",
    "pp",
    "p",
    "al",
    "inc",
    "ltd",
    "co",
    "corp",
    "dept",
    "est",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]);

const closingCharacters = new Set(['"', "'", "”", "’", "»", ")", "]", "}"]);
const openingCharacters = new Set(['"', "'", "“", "‘", "«", "(", "[", "{"]);

export function splitSentences(text: string): TextSpan[] {
    const spans: TextSpan[] = [];
    let sentenceStart = skipWhitespace(text, 0);
    let position = sentenceStart;
    while (position < text.length) {
        const character = text[position] as string;
        if (character === "\n" && isBlankLineAt(text, position)) {
            pushTrimmed(spans, text, sentenceStart, position);
            sentenceStart = skipWhitespace(text, position);
            position = sentenceStart;
            continue;
        }
        if (!isTerminator(character)) {
            position += 1;
            continue;
        }
        let end = position;
        while (end < text.length && isTerminator(text[end] as string)) end += 1;
        while (end < text.length && closingCharacters.has(text[end] as string)) end += 1;
        if (endsSentence(text, sentenceStart, position, end)) {
            pushTrimmed(spans, text, sentenceStart, end);
            sentenceStart = skipWhitespace(text, end);
            position = sentenceStart;
        } else {
            position = end;
        }
    }
    pushTrimmed(spans, text, sentenceStart, text.length);
    return spans;
}

function isTerminator(character: string): boolean {
    return character === "." || character === "!" || character === "?" || character === "…";
}

/** Decide whether the terminator run text[mark..end) ends the sentence that began at sentenceStart. */
function endsSentence(text: string, sentenceStart: number, mark: number, end: number): boolean {
    if (end >= text.length) return true;
    if (!/\s/.test(text[end] as string)) return false; // "3.14", "e.g.x", "a.b"
    const next = skipWhitespace(text, end);
    if (next >= text.length) return true;
    const run = text.slice(mark, end);
    if (run.startsWith(".") && !run.startsWith("..")) {
        const word = wordBefore(text, sentenceStart, mark);
        const lower = word.toLowerCase();
        if (neverFinalAbbreviations.has(lower)) return false;
        if (/^\p{Lu}$/u.test(word)) return false; // an initial: "J. K. Rowling"
        if (/^\d{1,3}$/.test(word) && isLineStart(text, mark - word.length)) return false; // "1. First item"
    }
    let nextWordStart = next;
    while (nextWordStart < text.length && openingCharacters.has(text[nextWordStart] as string)) nextWordStart += 1;
    const following = text[nextWordStart] ?? "";
    if (/\p{Ll}/u.test(following)) return false; // `"Stop!" he said.`, "... and then"
    return true;
}

/** The word (letters, digits, inner periods) that ends right before text[mark]. */
function wordBefore(text: string, sentenceStart: number, mark: number): string {
    let start = mark;
    while (start > sentenceStart && /[\p{L}\p{N}.]/u.test(text[start - 1] as string)) start -= 1;
    return text.slice(start, mark).replace(/^\.+/, "");
}

function isLineStart(text: string, position: number): boolean {
    let index = position - 1;
    while (index >= 0 && (text[index] === " " || text[index] === "\t")) index -= 1;
    return index < 0 || text[index] === "\n";
}

function isBlankLineAt(text: string, position: number): boolean {
    let index = position + 1;
    while (index < text.length && (text[index] === " " || text[index] === "\t" || text[index] === "\r")) index += 1;
    return index < text.length && text[index] === "\n";
}

function skipWhitespace(text: string, position: number): number {
    let index = position;
    while (index < text.length && /\s/.test(text[index] as string)) index += 1;
    return index;
}

function pushTrimmed(spans: TextSpan[], text: string, start: number, end: number): void {
    let from = start;
    let to = end;
    while (from < to && /\s/.test(text[from] as string)) from += 1;
    while (to > from && /\s/.test(text[to - 1] as string)) to -= 1;
    if (to > from) spans.push({start: from, end: to});
}
