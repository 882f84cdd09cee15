/**
 * The scoring benchmark's workload: a 16-sentence children's story (about 300 tokens on stories260K)
 * and a fixed 16-token target, perturbed into 64 distinct leave-some-sentences-out variants:
 * the 16 leave-one-sentence-out variants plus 48 seeded random subsets (each sentence kept with
 * probability 1/2; duplicates, the full and the empty prompt rerolled).
 */
import type {ScoreRequest, TokenId} from "../../src/model/backend-spec.js";
import {SeededRandom} from "../../src/foundation/random.js";

export const storySentences: readonly string[] = [
    "Once upon a time, there was a girl named Lily.",
    "She lived in a small house near a big forest.",
    "One day, Lily found a little dog in the park.",
    "The dog was cold and very hungry.",
    "Lily took the dog home and gave it milk.",
    "Her mom smiled and gave the dog a soft bed.",
    "Lily named the dog Max because he was brave.",
    "Max and Lily played with a ball every day.",
    "One night, a big storm came to the town.",
    "Max was scared and hid under the bed.",
    "Lily sat with him and told him a story.",
    "Soon the sun came out and they saw a rainbow.",
    "Max ran outside and jumped in the water.",
    "Their friend Ben came with his cat.",
    "They all went for a long walk by the river.",
    "At night, they went home tired and happy.",
];

export const targetText = "The next day, Lily and Max went to the park to play with their friends again.";

export const variantCount = 64;
export const targetTokenCount = 16;

/** Kept-sentence masks: 16 leave-one-out, then 48 seeded random subsets, all distinct. */
export function variantMasks(seed = 2026): boolean[][] {
    const count = storySentences.length;
    const masks: boolean[][] = [];
    const seen = new Set<string>();
    const add = (mask: boolean[]): boolean => {
        const key = mask.map((kept) => (kept ? "1" : "0")).join("");
        if (seen.has(key) || !mask.some(Boolean) || mask.every(Boolean)) return false;
        seen.add(key);
        masks.push(mask);
        return true;
    };
    for (let left = 0; left < count; left++) add(storySentences.map((_, index) => index !== left));
    const random = new SeededRandom(seed);
    while (masks.length < variantCount) add(storySentences.map(() => random.next() < 0.5));
    return masks;
}

export interface Tokenizer {
    tokenize(text: string): TokenId[];
    bos: TokenId | undefined;
}

/** Score requests for every variant: BOS + kept sentences as context, the fixed target tokens. */
export function variantRequests(tokenizer: Tokenizer, masks = variantMasks()): {requests: ScoreRequest[]; fullPromptTokens: number} {
    const bos = tokenizer.bos === undefined ? [] : [tokenizer.bos];
    const target = tokenizer.tokenize(" " + targetText).slice(0, targetTokenCount);
    if (target.length < targetTokenCount) throw new Error(`target has only ${target.length} tokens`);
    const prompt = (mask: readonly boolean[]): TokenId[] => [...bos, ...tokenizer.tokenize(storySentences.filter((_, index) => mask[index]).join(" "))];
    const requests = masks.map((mask) => ({context: prompt(mask), target}));
    return {requests, fullPromptTokens: prompt(storySentences.map(() => true)).length};
}
