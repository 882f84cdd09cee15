/**
 * A lookup organism item as explain() input: the prompt with custom spans (unit "span"), so that
 * the question stays fixed and only the documents, or the words inside them, are players.
 */
import type {TaskItem} from "../organisms/tasks/types.js";
import type {StructuredInput, TextSpan} from "../units/types.js";

/** One player per document. */
export function documentSpansInput(item: TaskItem): StructuredInput {
    return {kind: "prompt", prompt: item.prompt, spans: item.documents.map(({start, end}) => ({start, end}))};
}

export interface WordPlayer extends TextSpan {
    /** Index of the document the word is in. */
    document: number;
    text: string;
}

/** The key and value words of every document (the "." that ends a document is not a player). */
export function documentWords(item: TaskItem): WordPlayer[] {
    const words: WordPlayer[] = [];
    for (const document of item.documents) {
        for (const match of document.text.matchAll(/\S+/gu)) {
            if (match.index === undefined || /^[.,;:]$/u.test(match[0])) continue;
            const start = document.start + match.index;
            words.push({start, end: start + match[0].length, document: document.index, text: match[0]});
        }
    }
    return words;
}

export function wordSpansInput(item: TaskItem): {input: StructuredInput; words: WordPlayer[]} {
    const words = documentWords(item);
    return {input: {kind: "prompt", prompt: item.prompt, spans: words.map(({start, end}) => ({start, end}))}, words};
}

/** 1-based rank of `index` by value, highest first; ties count against it (rank after all equal values). */
export function rankOf(values: readonly number[], index: number): number {
    const own = values[index] ?? Number.NEGATIVE_INFINITY;
    return values.reduce((rank, value, other) => (other !== index && value >= own ? rank + 1 : rank), 1);
}
