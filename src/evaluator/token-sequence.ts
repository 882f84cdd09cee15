/**
 * Token sequences as the evaluator sees them: one flat Int32Array per request (context then
 * target), a fast 64-bit hash for keying, and the prefix arithmetic the scheduler needs.
 * Hashing once per request keeps dedup and cache lookups O(tokens) instead of building long
 * string keys out of huge arrays.
 */
import type {ScoreRequest, TokenId} from "../model/backend-spec.js";

/** A request flattened once: `tokens` = context ++ target. */
export interface FlatRequest {
    readonly tokens: Int32Array;
    readonly contextLength: number;
    /** Hash of (contextLength, tokens); equal requests have equal keys. */
    readonly hashKey: string;
}

export function flattenRequest(request: ScoreRequest): FlatRequest {
    const {context, target} = request;
    const tokens = new Int32Array(context.length + target.length);
    let high = 0x811c9dc5 ^ context.length;
    let low = 0x01000193 ^ Math.imul(target.length, 0x9e3779b1);
    for (let index = 0; index < context.length; index++) {
        const token = context[index] as TokenId;
        tokens[index] = token;
        high = Math.imul(high ^ token, 0x01000193);
        low = Math.imul((low ^ token) + 0x7f4a7c15, 0x85ebca6b);
        low ^= low >>> 13;
    }
    const offset = context.length;
    for (let index = 0; index < target.length; index++) {
        const token = target[index] as TokenId;
        tokens[offset + index] = token;
        high = Math.imul(high ^ token, 0x01000193);
        low = Math.imul((low ^ token) + 0x7f4a7c15, 0x85ebca6b);
        low ^= low >>> 13;
    }
    high = finalize(high);
    low = finalize(low ^ high);
    const hashKey = `${(high >>> 0).toString(36)}.${(low >>> 0).toString(36)}.${context.length}.${target.length}`;
    return {tokens, contextLength: context.length, hashKey};
}

function finalize(value: number): number {
    let mixed = value;
    mixed ^= mixed >>> 16;
    mixed = Math.imul(mixed, 0x85ebca6b);
    mixed ^= mixed >>> 13;
    mixed = Math.imul(mixed, 0xc2b2ae35);
    mixed ^= mixed >>> 16;
    return mixed;
}

/** Exact equality of two flattened requests (guards against hash collisions). */
export function sameFlatRequest(left: FlatRequest, right: FlatRequest): boolean {
    if (left.contextLength !== right.contextLength || left.tokens.length !== right.tokens.length) return false;
    const a = left.tokens,
        b = right.tokens;
    for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
    return true;
}

/** Length of the longest common prefix of `left[0..leftLength)` and `right`. */
export function commonPrefixLength(left: Int32Array, leftLength: number, right: Int32Array): number {
    const limit = Math.min(leftLength, right.length);
    let index = 0;
    while (index < limit && left[index] === right[index]) index++;
    return index;
}

/** Lexicographic order of token sequences (a proper prefix sorts first). */
export function compareTokens(left: Int32Array, right: Int32Array): number {
    const limit = Math.min(left.length, right.length);
    for (let index = 0; index < limit; index++) {
        const difference = (left[index] as number) - (right[index] as number);
        if (difference !== 0) return difference;
    }
    return left.length - right.length;
}
