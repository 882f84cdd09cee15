/**
 * Insertion edits without a downloaded tagger (after Atanasova et al. 2023 and SR-NLE): an
 * adjective before a noun or an adverb before a verb. Positions come from closed-class cues:
 *  - a noun slot follows a determiner or possessive ("the film" → "the [superb] film");
 *  - a verb slot follows a subject pronoun, "to" or a modal/auxiliary ("they love" → "they [gladly] love").
 * The word after the cue must be alphabetic and not itself a cue word. Candidates are drawn with
 * a seeded generator: positions shuffled, one word per position, at most `count` edits.
 */
import {SeededRandom} from "../../foundation/random.js";

export type InsertionKind = "adjective-before-noun" | "adverb-before-verb";

export interface InsertionSlot {
    /** Character offset in the text where the new word goes (the start of the noun or verb). */
    offset: number;
    kind: InsertionKind;
    /** The noun or verb the word goes before. */
    before: string;
}

export interface InsertionEdit extends InsertionSlot {
    word: string;
    /** The edited text. */
    text: string;
}

export interface WordLists {
    adjectives: readonly string[];
    adverbs: readonly string[];
}

const determiners = new Set([
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "my",
    "your",
    "his",
    "her",
    "its",
    "our",
    "their",
    "some",
    "every",
    "each",
    "no",
    "any",
    "another",
    "such",
]);
const verbCues = new Set([
    "i",
    "you",
    "he",
    "she",
    "it",
    "we",
    "they",
    "to",
    "will",
    "would",
    "can",
    "could",
    "should",
    "must",
    "may",
    "might",
    "did",
    "does",
    "do",
    "not",
    "never",
]);
const nonContent = new Set([...determiners, ...verbCues, "is", "are", "was", "were", "be", "been", "and", "or", "but", "of", "in", "on", "at", "very", "so"]);

export function insertionSlots(text: string): InsertionSlot[] {
    const words = [...text.matchAll(/[A-Za-z][A-Za-z'-]*/g)].map((match) => ({word: match[0], start: match.index}));
    const slots: InsertionSlot[] = [];
    for (let index = 0; index + 1 < words.length; index++) {
        const cue = (words[index] as {word: string}).word.toLowerCase();
        const next = words[index + 1] as {word: string; start: number};
        const between = text.slice((words[index] as {start: number}).start + cue.length, next.start);
        if (!/^ +$/.test(between) || nonContent.has(next.word.toLowerCase())) continue;
        if (determiners.has(cue)) slots.push({offset: next.start, kind: "adjective-before-noun", before: next.word});
        else if (verbCues.has(cue)) slots.push({offset: next.start, kind: "adverb-before-verb", before: next.word});
    }
    return slots;
}

export function applyInsertion(text: string, slot: InsertionSlot, word: string): string {
    return `${text.slice(0, slot.offset)}${word} ${text.slice(slot.offset)}`;
}

/** Up to `count` seeded insertion edits of `text` (fewer when it has fewer slots × words). */
export function insertionEdits(text: string, lists: WordLists, count: number, seed: number): InsertionEdit[] {
    const random = new SeededRandom(seed);
    const slots = random.shuffled(insertionSlots(text));
    const edits: InsertionEdit[] = [];
    const used = new Set<string>();
    for (let round = 0; edits.length < count && round < 4; round++) {
        for (const slot of slots) {
            if (edits.length >= count) break;
            const list = slot.kind === "adjective-before-noun" ? lists.adjectives : lists.adverbs;
            if (list.length === 0) continue;
            const word = random.pick(list);
            const key = `${slot.offset}:${word}`;
            if (used.has(key)) continue;
            used.add(key);
            edits.push({...slot, word, text: applyInsertion(text, slot, word)});
        }
    }
    return edits;
}

/** Atanasova et al.'s test: the inserted word, lower-cased, is a substring of the lower-cased explanation. */
export function mentionsWord(explanation: string, word: string): boolean {
    return explanation.toLowerCase().includes(word.toLowerCase());
}
