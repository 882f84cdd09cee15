/**
 * Using a trained decoder in TypeScript: prompt encoding with BOS, per-token log-probabilities,
 * greedy completion and held-out accuracy. llama.cpp loading the GGUF must give the same numbers.
 */
import type {Decoder} from "./decoder.js";
import type {SeededRandom} from "../foundation/random.js";
import type {OrganismTask, TaskItem} from "./tasks/types.js";
import {bosId, type WordVocabulary} from "./vocabulary.js";

export function promptTokens(vocabulary: WordVocabulary, text: string): number[] {
    return [bosId, ...vocabulary.encode(text)];
}

/** log p(tokens[i + 1] | tokens[0..i]) for every i. */
export function sequenceLogProbabilities(decoder: Decoder, tokens: readonly number[]): number[] {
    decoder.forward(tokens);
    const result: number[] = [];
    const scratch = new Float64Array(decoder.config.vocabSize);
    for (let i = 0; i + 1 < tokens.length; i++) result.push(decoder.logProbabilitiesAt(i, scratch)[tokens[i + 1]!]!);
    return result;
}

/** Greedy continuation (argmax over the whole vocabulary) until `done` says so or `maxTokens`. */
export function greedyContinuation(decoder: Decoder, tokens: readonly number[], maxTokens: number, done: (generated: readonly number[]) => boolean): number[] {
    const context = tokens.slice();
    const generated: number[] = [];
    const scratch = new Float64Array(decoder.config.vocabSize);
    while (generated.length < maxTokens && context.length < decoder.config.contextLength) {
        decoder.forward(context);
        const logProbabilities = decoder.logProbabilitiesAt(context.length - 1, scratch);
        let best = 0;
        for (let i = 1; i < logProbabilities.length; i++) if (logProbabilities[i]! > logProbabilities[best]!) best = i;
        generated.push(best);
        context.push(best);
        if (done(generated)) break;
    }
    return generated;
}

/** Text of generated tokens; tokens that are not words of the vocabulary show as "<id>". */
export function generatedText(vocabulary: WordVocabulary, generated: readonly number[]): string {
    return generated.map((id) => (vocabulary.isWord(id) ? vocabulary.word(id) : `<${id}>`)).join(" ");
}

export interface CompletionCheck {
    item: TaskItem;
    completion: string;
    correct: boolean;
}

/** Completes an item greedily and compares the answer read from the completion with the expected one. */
export function completeItem(decoder: Decoder, vocabulary: WordVocabulary, task: OrganismTask, item: TaskItem): CompletionCheck {
    const expectedWords = item.completion.trim().split(/ +/).length;
    const generated = greedyContinuation(decoder, promptTokens(vocabulary, item.prompt), expectedWords + 2, (tokens) => tokens.length >= expectedWords);
    const completion = generatedText(vocabulary, generated);
    return {item, completion, correct: task.answerOf(completion) === item.answer};
}

export function heldOutAccuracy(decoder: Decoder, vocabulary: WordVocabulary, task: OrganismTask, random: SeededRandom, count: number): number {
    let correct = 0;
    for (let i = 0; i < count; i++) if (completeItem(decoder, vocabulary, task, task.heldOutItem(random)).correct) correct++;
    return correct / count;
}
