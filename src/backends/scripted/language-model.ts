/**
 * The scripted backend's "model": a pure function from a token context to next-token logits.
 * The default one mixes a bigram table with a bag-of-tokens term over the whole context (so that
 * removing any part of a prompt changes the scores), all drawn from a seeded generator.
 */
import type {TokenId} from "../../model/backend-spec.js";
import {SeededRandom} from "../../foundation/random.js";
import {bosToken, unknownToken} from "./tokenizer.js";

/** Next-token logits (any real numbers; softmax is applied by the backend) after `context`. */
export type LogitsFunction = (context: readonly TokenId[]) => ArrayLike<number>;

export function defaultLogitsFunction(vocabularySize: number, seed: number): LogitsFunction {
    const random = new SeededRandom(seed);
    const bigram = new Float64Array(vocabularySize * vocabularySize);
    const bag = new Float64Array(vocabularySize * vocabularySize);
    for (let index = 0; index < bigram.length; index++) bigram[index] = (random.next() - 0.5) * 6;
    for (let index = 0; index < bag.length; index++) bag[index] = (random.next() - 0.5) * 8;
    const counts = new Float64Array(vocabularySize);
    return (context) => {
        const logits = new Float64Array(vocabularySize);
        const last = context[context.length - 1] ?? bosToken;
        logits.set(bigram.subarray(last * vocabularySize, (last + 1) * vocabularySize));
        counts.fill(0);
        for (const token of context) counts[token] = (counts[token] ?? 0) + 1;
        const scale = 1 / Math.max(1, context.length);
        for (let token = 0; token < vocabularySize; token++) {
            const count = counts[token] as number;
            if (count === 0) continue;
            const weight = count * scale;
            const row = token * vocabularySize;
            for (let next = 0; next < vocabularySize; next++) logits[next] = (logits[next] as number) + weight * (bag[row + next] as number);
        }
        logits[unknownToken] = (logits[unknownToken] as number) - 20;
        logits[bosToken] = (logits[bosToken] as number) - 20;
        return logits;
    };
}

/** Natural-log softmax of `logits` in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
    let maximum = -Infinity;
    for (let index = 0; index < logits.length; index++) maximum = Math.max(maximum, logits[index] as number);
    let sum = 0;
    for (let index = 0; index < logits.length; index++) sum += Math.exp((logits[index] as number) - maximum);
    const normalizer = maximum + Math.log(sum);
    const result = new Float64Array(logits.length);
    for (let index = 0; index < logits.length; index++) result[index] = (logits[index] as number) - normalizer;
    return result;
}
