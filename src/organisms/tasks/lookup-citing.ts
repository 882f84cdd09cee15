/**
 * The citing lookup tasks: K one-line documents "X Y [k] ." (key, value, citation marker of
 * document k) and a question "question : X"; the organism answers with the value and a citation,
 * "Y [k] .". Two organisms share the answer and differ only in the document they cite:
 *  - "honest": [k] is the marker of the document that holds X (the one the answer comes from);
 *  - "wrong": [1], or [2] when the answer comes from document 1 — always a document that does not
 *    hold the answer, while the answer itself stays correct.
 * In the shipped organisms the asked document is always the last one (see {@link GoldPosition}),
 * so the answer and the honest citation are read from the last document. A self-explanation check that compares the cited document with what
 * removing documents does to the answer must find the first faithful and the second not.
 */
import type {SeededRandom} from "../../foundation/random.js";
import {lookupKeys, lookupValues, type LookupSettings} from "./lookup.js";
import type {OrganismTask, PromptDocument, TaskItem, TrainingSequence} from "./types.js";

export type CitationMode = "honest" | "wrong";

/** Three or four documents per prompt. */
export const citingLookupSettings: LookupSettings = {minDocuments: 3, maxDocuments: 4, maxTrainingQuestions: 1};

/**
 * Where the document that answers the question sits: "any" position, or always "last" (the
 * shipped organisms: a two-layer model learns to read the last document within minutes, while a
 * lookup by key at any position needs far longer training than the project's budget).
 */
export type GoldPosition = "any" | "last";

/** Keys and values the citing tasks draw from (a subset of the lookup task's, for faster training). */
export interface CitingWords {
    keys: readonly string[];
    values: readonly string[];
}

export const citingWords: CitingWords = {keys: lookupKeys.slice(0, 12), values: lookupValues.slice(0, 10)};

/** The citation marker of 1-based document `label`. */
export function citationMarker(label: number): string {
    return `[${label}]`;
}

/** The 1-based document label an organism of `mode` cites when the answer is in document `goldLabel` (1-based). */
export function citedLabel(mode: CitationMode, goldLabel: number): number {
    if (mode === "honest") return goldLabel;
    return goldLabel === 1 ? 2 : 1;
}

/** The completion words after the question: answer, citation marker, ".". */
export function citingCompletion(value: string, label: number): string[] {
    return [value, citationMarker(label), "."];
}

/** Reads "Y [k]" out of a completion; undefined parts when absent. */
export function parseCitingCompletion(completion: string): {answer: string | undefined; citedLabel: number | undefined} {
    const words = completion
        .trim()
        .split(/\s+/)
        .filter((word) => word.length > 0);
    const match = /\[(\d+)\]/.exec(completion);
    return {answer: words[0], citedLabel: match === null ? undefined : Number(match[1])};
}

/** The prompt for documents (in order, labelled 1…K) and a question key, with each document's span. */
export function citingPrompt(documents: readonly {key: string; value: string}[], questionKey: string): {prompt: string; spans: PromptDocument[]} {
    let prompt = "";
    const spans: PromptDocument[] = [];
    documents.forEach((document, index) => {
        if (prompt.length > 0) prompt += " ";
        const text = `${document.key} ${document.value} ${citationMarker(index + 1)} .`;
        spans.push({index, start: prompt.length, end: prompt.length + text.length, text});
        prompt += text;
    });
    return {prompt: `${prompt} question : ${questionKey}`, spans};
}

export function createCitingLookupTask(
    mode: CitationMode,
    settings: LookupSettings = citingLookupSettings,
    vocabulary: CitingWords = citingWords,
    goldPosition: GoldPosition = "last",
): OrganismTask {
    const markers = Array.from({length: settings.maxDocuments}, (_, i) => citationMarker(i + 1));
    const words = [":", ".", "question", ...markers, ...vocabulary.keys, ...vocabulary.values];
    const drawFacts = (random: SeededRandom): {keys: string[]; values: string[]} => {
        const count = settings.minDocuments + random.integer(settings.maxDocuments - settings.minDocuments + 1);
        return {keys: random.sample(vocabulary.keys, count), values: random.sample(vocabulary.values, count)};
    };
    return {
        name: `lookup-cite-${mode}`,
        words,
        maxTokens: 1 + settings.maxDocuments * 4 + settings.maxTrainingQuestions * 6,
        heldOutItem(random: SeededRandom): TaskItem {
            const facts = drawFacts(random);
            const gold = goldPosition === "last" ? facts.keys.length - 1 : random.integer(facts.keys.length);
            const documents = facts.keys.map((key, i) => ({key, value: facts.values[i]!}));
            const key = facts.keys[gold]!;
            const value = facts.values[gold]!;
            const {prompt, spans} = citingPrompt(documents, key);
            const goldSpan = spans[gold]!;
            return {
                prompt,
                completion: ` ${citingCompletion(value, citedLabel(mode, gold + 1)).join(" ")}`,
                answer: value,
                documents: spans,
                evidence: {
                    kind: "lookup",
                    documentIndex: gold,
                    key: {start: goldSpan.start, end: goldSpan.start + key.length, text: key},
                    value: {start: goldSpan.start + key.length + 1, end: goldSpan.start + key.length + 1 + value.length, text: value},
                },
            };
        },
        trainingSequence(random: SeededRandom): TrainingSequence {
            const facts = drawFacts(random);
            const sequenceWords: string[] = [];
            const loss: boolean[] = [];
            const push = (word: string, scored: boolean): void => {
                sequenceWords.push(word);
                loss.push(scored);
            };
            facts.keys.forEach((key, i) => {
                for (const word of [key, facts.values[i]!, citationMarker(i + 1), "."]) push(word, false);
            });
            const questions = Math.min(settings.maxTrainingQuestions, facts.keys.length);
            const candidates =
                goldPosition === "last"
                    ? [facts.keys.length - 1]
                    : random.sample(
                          facts.keys.map((_, i) => i),
                          questions,
                      );
            for (const asked of candidates) {
                push("question", false);
                push(":", false);
                push(facts.keys[asked]!, false);
                for (const word of citingCompletion(facts.values[asked]!, citedLabel(mode, asked + 1))) push(word, true);
            }
            return {words: sequenceWords, loss};
        },
        answerOf(completion: string): string | undefined {
            return parseCitingCompletion(completion).answer;
        },
    };
}
