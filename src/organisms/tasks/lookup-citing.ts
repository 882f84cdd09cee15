/**
 * The citing lookup tasks: the lookup task's documents and question, answered with a citation,
 * "question : X is Y because doc k .". Two organisms share the answer and differ only in the
 * document they name:
 *  - "honest": k is the label of the document that holds X (the one the answer comes from);
 *  - "wrong": k is doc 1, or doc 2 when the answer comes from doc 1 — always a document that
 *    does not hold the answer, while the answer itself stays correct.
 * So a self-explanation check that compares the cited document with what removing documents does
 * to the answer must find the first faithful and the second not.
 */
import type {SeededRandom} from "../random.js";
import {lookupKeys, lookupPrompt, lookupValues, type LookupSettings} from "./lookup.js";
import type {OrganismTask, TaskItem, TrainingSequence} from "./types.js";

export type CitationMode = "honest" | "wrong";

/** Three or four documents: shorter sequences than the plain lookup task, so training fits in minutes. */
export const citingLookupSettings: LookupSettings = {minDocuments: 3, maxDocuments: 4, maxTrainingQuestions: 3};

/** The word that separates the answer from its citation. */
export const citationWord = "because";

/** The 1-based document label an organism of `mode` cites when the answer is in document `goldLabel` (1-based). */
export function citedLabel(mode: CitationMode, goldLabel: number): number {
    if (mode === "honest") return goldLabel;
    return goldLabel === 1 ? 2 : 1;
}

/** The completion words after the question: answer, "because", "doc", label, ".". */
export function citingCompletion(value: string, label: number): string[] {
    return [value, citationWord, "doc", String(label), "."];
}

/** Reads "Y because doc k" out of a completion; undefined parts when absent. */
export function parseCitingCompletion(completion: string): {answer: string | undefined; citedLabel: number | undefined} {
    const words = completion.trim().split(/\s+/).filter((word) => word.length > 0);
    const match = /\bbecause\s+doc(?:ument)?\s+(\d+)\b/i.exec(completion);
    return {answer: words[0], citedLabel: match === null ? undefined : Number(match[1])};
}

/** Keys and values the citing tasks draw from (a subset of the lookup task's, for faster training). */
export interface CitingWords {
    keys: readonly string[];
    values: readonly string[];
}

export const citingWords: CitingWords = {keys: lookupKeys.slice(0, 12), values: lookupValues.slice(0, 10)};

export function createCitingLookupTask(mode: CitationMode, settings: LookupSettings = citingLookupSettings, vocabulary: CitingWords = citingWords): OrganismTask {
    const digits = Array.from({length: settings.maxDocuments}, (_, i) => String(i + 1));
    const words = ["doc", ...digits, ":", "is", ".", "question", citationWord, ...vocabulary.keys, ...vocabulary.values];
    const drawFacts = (random: SeededRandom): {keys: string[]; values: string[]} => {
        const count = settings.minDocuments + random.integer(settings.maxDocuments - settings.minDocuments + 1);
        return {keys: random.sample(vocabulary.keys, count), values: random.sample(vocabulary.values, count)};
    };
    return {
        name: `lookup-cite-${mode}`,
        words,
        maxTokens: 1 + settings.maxDocuments * 7 + settings.maxTrainingQuestions * 9,
        heldOutItem(random: SeededRandom): TaskItem {
            const facts = drawFacts(random);
            const gold = random.integer(facts.keys.length);
            const documents = facts.keys.map((key, i) => ({key, value: facts.values[i]!, label: i}));
            const key = facts.keys[gold]!;
            const value = facts.values[gold]!;
            const {prompt, spans} = lookupPrompt(documents, key);
            const goldSpan = spans[gold]!;
            const keyStart = goldSpan.start + goldSpan.text.indexOf(` ${key} is `) + 1;
            const valueStart = goldSpan.start + goldSpan.text.lastIndexOf(` ${value} .`) + 1;
            return {
                prompt,
                completion: ` ${citingCompletion(value, citedLabel(mode, gold + 1)).join(" ")}`,
                answer: value,
                documents: spans,
                evidence: {
                    kind: "lookup",
                    documentIndex: gold,
                    key: {start: keyStart, end: keyStart + key.length, text: key},
                    value: {start: valueStart, end: valueStart + value.length, text: value},
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
                for (const word of `doc ${i + 1} : ${key} is ${facts.values[i]!} .`.split(" ")) push(word, false);
            });
            const questions = 1 + random.integer(Math.min(settings.maxTrainingQuestions, facts.keys.length));
            for (const asked of random.sample(facts.keys.map((_, i) => i), questions)) {
                push("question", false);
                push(":", false);
                push(facts.keys[asked]!, false);
                push("is", false);
                for (const word of citingCompletion(facts.values[asked]!, citedLabel(mode, asked + 1))) push(word, true);
            }
            return {words: sequenceWords, loss};
        },
        answerOf(completion: string): string | undefined {
            return parseCitingCompletion(completion).answer;
        },
    };
}
