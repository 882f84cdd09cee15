/**
 * Text-matching rewards: exact match (after trimming, optionally case-folded), a regular
 * expression the completion must match, and multiple choice (the chosen option letter against the
 * gold letter).
 */
import {ArgumentError} from "../errors.js";
import {lastBoxed} from "./math/extract.js";
import {unscored, type RewardFunction} from "./types.js";

export interface ExactMatchOptions {
    caseSensitive?: boolean;
    /** Compare the `\boxed{}` content when the completion has one (default true). */
    preferBoxed?: boolean;
}

function folded(text: string, caseSensitive: boolean): string {
    const collapsed = text
        .trim()
        .replace(/\s+/g, " ")
        .replace(/[.!]+$/, "");
    return caseSensitive ? collapsed : collapsed.toLowerCase();
}

export function exactMatchReward(options: ExactMatchOptions = {}): RewardFunction {
    const caseSensitive = options.caseSensitive ?? false;
    return {
        name: "exact",
        score(item) {
            if (item.groundTruth === undefined) return unscored("the item has no ground truth");
            const answer = options.preferBoxed === false ? item.completion : (lastBoxed(item.completion) ?? item.completion);
            return {score: folded(answer, caseSensitive) === folded(item.groundTruth, caseSensitive) ? 1 : 0, extra: {compared: answer.trim().slice(0, 200)}};
        },
    };
}

export interface RegexOptions {
    pattern: string;
    flags?: string;
}

export function regexReward(options: RegexOptions): RewardFunction {
    let expression: RegExp;
    try {
        expression = new RegExp(options.pattern, options.flags ?? "");
    } catch (error) {
        throw new ArgumentError(`the regex reward's pattern does not compile`, {
            received: options.pattern,
            expected: "a JavaScript regular expression",
            cause: error,
        });
    }
    return {
        name: "regex",
        score(item) {
            const match = expression.exec(item.completion);
            return {score: match === null ? 0 : 1, extra: {matched: match?.[0]?.slice(0, 200) ?? null}};
        },
    };
}

/** The option letter a completion chooses: boxed, "answer is (X)", "Answer: X", or a lone leading "(X)". */
export function chosenLetter(completion: string, letters: string): string | undefined {
    const inLetters = (value: string | undefined): string | undefined => {
        const letter = value
            ?.trim()
            .replace(/^\(|\)$/g, "")
            .replace(/^\\text\{(.*)\}$/, "$1")
            .toUpperCase();
        return letter !== undefined && letter.length === 1 && letters.includes(letter) ? letter : undefined;
    };
    const boxed = inLetters(lastBoxed(completion));
    if (boxed !== undefined) return boxed;
    const marked = [...completion.matchAll(/answer\s*(?:is|:)?\s*:?\s*\(?([A-Za-z])\)?(?![A-Za-z])/gi)].at(-1)?.[1];
    if (inLetters(marked) !== undefined) return inLetters(marked);
    return inLetters(/^\s*\(?([A-Z])\)(?:\s|$)/.exec(completion)?.[1] ?? /^\s*([A-Z])\s*$/.exec(completion)?.[1]);
}

export function multipleChoiceReward(options: {letters?: string} = {}): RewardFunction {
    const letters = (options.letters ?? "ABCDEFGHIJ").toUpperCase();
    return {
        name: "multiple-choice",
        score(item) {
            const gold = item.groundTruth
                ?.trim()
                .replace(/^\(|\)$/g, "")
                .toUpperCase();
            if (gold === undefined || gold.length !== 1 || !letters.includes(gold)) {
                return unscored(`the ground truth is not one option letter of ${letters}`, {groundTruth: item.groundTruth ?? null});
            }
            const chosen = chosenLetter(item.completion, letters);
            if (chosen === undefined) return unscored("no option letter found in the completion", {chosen: null});
            return {score: chosen === gold ? 1 : 0, extra: {chosen}};
        },
    };
}
