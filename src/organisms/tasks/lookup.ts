/**
 * The lookup task: K one-line documents "X Y ." (key, value) and one question "question : X"; the
 * answer is Y from the one document whose key is X. Keys are distinct within an item, and so are
 * values, so removing the gold document removes the answer from the prompt. The value follows its
 * key directly so that the lookup is a one-step induction (find the key, copy the word after it),
 * which a two-layer model learns within the training budget. Training sequences end with several
 * questions ("question : X Y ."), drawn with replacement so that no question can be answered by
 * elimination, and each sequence carries several answers to learn from.
 */
import type {SeededRandom} from "../../foundation/random.js";
import type {OrganismTask, PromptDocument, TaskItem, TrainingSequence} from "./types.js";

export const lookupKeys = [
    "apple",
    "pear",
    "plum",
    "fig",
    "lime",
    "kiwi",
    "grape",
    "melon",
    "peach",
    "mango",
    "lemon",
    "cherry",
    "otter",
    "horse",
    "tiger",
    "eagle",
    "whale",
    "mouse",
    "camel",
    "zebra",
    "goose",
    "sheep",
    "bison",
    "llama",
] as const;
export const lookupValues = [
    "red",
    "blue",
    "green",
    "gold",
    "pink",
    "gray",
    "black",
    "white",
    "brown",
    "cyan",
    "teal",
    "amber",
    "ivory",
    "olive",
    "coral",
    "navy",
] as const;

export interface LookupSettings {
    minDocuments: number;
    maxDocuments: number;
    /** Fewest documents in a training sequence (fewer than in held-out items makes the lookup quicker to learn). */
    minTrainingDocuments?: number;
    /** Most documents in a training sequence (default maxDocuments). */
    maxTrainingDocuments?: number;
    /** Questions per training sequence. */
    maxTrainingQuestions: number;
    /**
     * Whether the questions of a training sequence are drawn with replacement (default false: each
     * asks a different document). Without replacement a model can answer later questions by
     * elimination (the values not yet asked for), a shortcut that competes with the lookup itself.
     */
    questionsWithReplacement?: boolean;
}

/**
 * Held-out items hold 4–8 documents; training sequences hold 2–8, with questions drawn with
 * replacement (see {@link twoDocumentLookupSettings} for the first training stage).
 */
export const defaultLookupSettings: LookupSettings = {
    minDocuments: 4,
    maxDocuments: 8,
    minTrainingDocuments: 2,
    maxTrainingQuestions: 8,
    questionsWithReplacement: true,
};

/** The first training stage of the lookup organism: two documents per sequence, where the induction circuit forms quickly. */
export const twoDocumentLookupSettings: LookupSettings = {...defaultLookupSettings, minTrainingDocuments: 2, maxTrainingDocuments: 2};

interface Facts {
    keys: string[];
    values: string[];
}

function drawFacts(random: SeededRandom, settings: LookupSettings, training: boolean): Facts {
    const fewest = training ? (settings.minTrainingDocuments ?? settings.minDocuments) : settings.minDocuments;
    const most = training ? (settings.maxTrainingDocuments ?? settings.maxDocuments) : settings.maxDocuments;
    const count = fewest + random.integer(most - fewest + 1);
    return {keys: random.sample(lookupKeys, count), values: random.sample(lookupValues, count)};
}

function documentText(key: string, value: string): string {
    return `${key} ${value} .`;
}

/** A fact of a lookup prompt; `label` (0-based) asks for the labelled layout "doc k : X is Y .". */
export interface LookupFact {
    key: string;
    value: string;
    label?: number;
}

/**
 * Builds the prompt for documents and a question key; exported so that tests can rebuild prompts
 * without a document. Plain facts give "X Y . … question : X" (the lookup organism's format);
 * when every fact has a label the layout is "doc k : X is Y . … question : X is" (the format the
 * citing tasks build on).
 */
export function lookupPrompt(documents: readonly LookupFact[], questionKey: string): {prompt: string; spans: PromptDocument[]} {
    const labelled = documents.length > 0 && documents.every((document) => document.label !== undefined);
    let prompt = "";
    const spans: PromptDocument[] = [];
    documents.forEach((document, index) => {
        if (prompt.length > 0) prompt += " ";
        const text = labelled ? `doc ${(document.label ?? index) + 1} : ${document.key} is ${document.value} .` : documentText(document.key, document.value);
        spans.push({index, start: prompt.length, end: prompt.length + text.length, text});
        prompt += text;
    });
    prompt += `${prompt.length > 0 ? " " : ""}question : ${questionKey}${labelled ? " is" : ""}`;
    return {prompt, spans};
}

export function createLookupTask(settings: LookupSettings = defaultLookupSettings): OrganismTask {
    const words = [":", ".", "question", ...lookupKeys, ...lookupValues];
    return {
        name: "lookup",
        words,
        maxTokens: 1 + settings.maxDocuments * 3 + settings.maxTrainingQuestions * 5,
        heldOutItem(random: SeededRandom): TaskItem {
            const facts = drawFacts(random, settings, false);
            const gold = random.integer(facts.keys.length);
            const documents = facts.keys.map((key, i) => ({key, value: facts.values[i]!}));
            const key = facts.keys[gold]!;
            const value = facts.values[gold]!;
            const {prompt, spans} = lookupPrompt(documents, key);
            const goldSpan = spans[gold]!;
            const keyStart = goldSpan.start;
            const valueStart = goldSpan.start + key.length + 1;
            return {
                prompt,
                completion: ` ${value}`,
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
            const facts = drawFacts(random, settings, true);
            const words: string[] = [];
            const loss: boolean[] = [];
            const push = (word: string, scored: boolean): void => {
                words.push(word);
                loss.push(scored);
            };
            facts.keys.forEach((key, i) => {
                for (const word of documentText(key, facts.values[i]!).split(" ")) push(word, false);
            });
            const questions = Math.min(settings.maxTrainingQuestions, facts.keys.length);
            const asks =
                settings.questionsWithReplacement === true
                    ? Array.from({length: questions}, () => random.integer(facts.keys.length))
                    : random.sample(
                          facts.keys.map((_, i) => i),
                          questions,
                      );
            for (const asked of asks) {
                push("question", false);
                push(":", false);
                push(facts.keys[asked]!, false);
                push(facts.values[asked]!, true);
                push(".", false);
            }
            return {words, loss};
        },
        answerOf(completion: string): string | undefined {
            return completion.trim().split(/ +/)[0] || undefined;
        },
    };
}
