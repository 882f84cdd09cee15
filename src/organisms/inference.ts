/**
 * Using a trained organism in TypeScript, through the white-box engine: prompt encoding with BOS,
 * per-token log-probabilities, greedy completion and held-out accuracy. llama.cpp loading the
 * GGUF must give the same numbers.
 */
import type {WhiteBoxModel} from "../engine/white-box-model.js";
import type {SeededRandom} from "../foundation/random.js";
import {organismPrecision} from "./engine-model.js";
import type {OrganismTask, TaskItem} from "./tasks/types.js";
import {bosId, type WordVocabulary} from "./vocabulary.js";

export function promptTokens(vocabulary: WordVocabulary, text: string): number[] {
    return [bosId, ...vocabulary.encode(text)];
}

/** Log-softmax of one position's logits. */
function logSoftmaxAt(logits: ArrayLike<number>, position: number, vocabSize: number): Float64Array {
    const out = new Float64Array(vocabSize);
    for (let i = 0; i < vocabSize; i++) out[i] = logits[position * vocabSize + i]!;
    let max = -Infinity;
    for (let i = 0; i < vocabSize; i++) if (out[i]! > max) max = out[i]!;
    let sum = 0;
    for (let i = 0; i < vocabSize; i++) sum += Math.exp(out[i]! - max);
    const log = max + Math.log(sum);
    for (let i = 0; i < vocabSize; i++) out[i] = out[i]! - log;
    return out;
}

/** Log-probabilities of the whole vocabulary after each of `positions` of `tokens`. */
export function logProbabilityRows(model: WhiteBoxModel, tokens: readonly number[], positions: readonly number[]): Float64Array[] {
    const {data} = model.run([tokens], {precision: organismPrecision});
    return positions.map((position) => logSoftmaxAt(data, position, model.config.vocabSize));
}

/** The most likely next token after the whole of `tokens` (the first of equals). */
export function nextTokenArgmax(model: WhiteBoxModel, tokens: readonly number[]): number {
    const logProbabilities = logProbabilityRows(model, tokens, [tokens.length - 1])[0]!;
    let best = 0;
    for (let i = 1; i < logProbabilities.length; i++) if (logProbabilities[i]! > logProbabilities[best]!) best = i;
    return best;
}

/** log p(tokens[i + 1] | tokens[0..i]) for every i. */
export function sequenceLogProbabilities(model: WhiteBoxModel, tokens: readonly number[]): number[] {
    const positions = tokens.slice(1).map((_, i) => i);
    return logProbabilityRows(model, tokens, positions).map((row, i) => row[tokens[i + 1]!]!);
}

/** Greedy continuation (argmax over the whole vocabulary) until `done` says so or `maxTokens`. */
export function greedyContinuation(
    model: WhiteBoxModel,
    tokens: readonly number[],
    maxTokens: number,
    done: (generated: readonly number[]) => boolean,
): number[] {
    const context = tokens.slice();
    const generated: number[] = [];
    while (generated.length < maxTokens && context.length < model.config.contextLength) {
        const best = nextTokenArgmax(model, context);
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
export function completeItem(model: WhiteBoxModel, vocabulary: WordVocabulary, task: OrganismTask, item: TaskItem): CompletionCheck {
    const expectedWords = item.completion.trim().split(/ +/).length;
    const generated = greedyContinuation(model, promptTokens(vocabulary, item.prompt), expectedWords + 2, (tokens) => tokens.length >= expectedWords);
    const completion = generatedText(vocabulary, generated);
    return {item, completion, correct: task.answerOf(completion) === item.answer};
}

export function heldOutAccuracy(model: WhiteBoxModel, vocabulary: WordVocabulary, task: OrganismTask, random: SeededRandom, count: number): number {
    let correct = 0;
    for (let i = 0; i < count; i++) if (completeItem(model, vocabulary, task, task.heldOutItem(random)).correct) correct++;
    return correct / count;
}
