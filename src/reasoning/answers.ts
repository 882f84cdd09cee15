/**
 * Answer extraction from free text. An extractor returns undefined when the text has no answer
 * (such traces are counted and reported, never guessed).
 *
 * - boxed: the content of the last `\boxed{…}` (nested braces allowed);
 * - marker: the word after the last "answer" marker ("answer 7", "answer: 7", "answer is 7");
 * - letter: the option letter of "The best answer is: (X)" or of a leading "(X)" / "X)";
 * - last-number: the last number in the text;
 * - auto: boxed, then marker, then last-number.
 */
import {ArgumentError} from "../errors.js";

export const answerExtractorNames = ["auto", "boxed", "marker", "letter", "last-number"] as const;
export type AnswerExtractorName = (typeof answerExtractorNames)[number];
export type AnswerExtractor = (text: string) => string | undefined;

export function boxedAnswer(text: string): string | undefined {
    const start = text.lastIndexOf("\\boxed{");
    if (start < 0) return undefined;
    let depth = 0;
    for (let index = start + "\\boxed{".length - 1; index < text.length; index++) {
        const character = text[index];
        if (character === "{") depth++;
        if (character === "}") {
            depth--;
            if (depth === 0) {
                const content = text.slice(start + "\\boxed{".length, index).trim();
                return content === "" ? undefined : content;
            }
        }
    }
    return undefined;
}

/** "answer is X" and "answer: X" take any word; a bare "answer X" only a number (so "no answer at all" has none). */
export function markerAnswer(text: string): string | undefined {
    const matches = [...text.matchAll(/\banswer\b(\s+is\b|\s*:)?\s*([^\s,;]+)/gi)].filter((match) => match[1] !== undefined || /^-?\d/.test(match[2] ?? ""));
    const value = matches.at(-1)?.[2]?.replace(/[.!?]+$/, "");
    return value === undefined || value === "" ? undefined : value;
}

export function letterAnswer(text: string): string | undefined {
    const best = [...text.matchAll(/best answer is:?\s*\(?([A-Z])\)/g)].at(-1)?.[1];
    if (best !== undefined) return best;
    return /^\s*\(?([A-Z])\)/.exec(text)?.[1];
}

export function lastNumberAnswer(text: string): string | undefined {
    return [...text.matchAll(/-?\d+(?:\.\d+)?(?:\/\d+)?/g)].at(-1)?.[0];
}

export function answerExtractor(name: AnswerExtractorName): AnswerExtractor {
    switch (name) {
        case "boxed":
            return boxedAnswer;
        case "marker":
            return markerAnswer;
        case "letter":
            return letterAnswer;
        case "last-number":
            return lastNumberAnswer;
        case "auto":
            return (text) => boxedAnswer(text) ?? markerAnswer(text) ?? lastNumberAnswer(text);
        default:
            throw new ArgumentError(`unknown answer extractor "${String(name)}"`, {
                expected: answerExtractorNames.join(", "),
                hint: "name one of them",
                parameter: "extract",
            });
    }
}

/** Parses "3", "-2.5", "1/4", "1,000" into a number; undefined when the text is not a number. */
export function parseNumber(text: string): number | undefined {
    const cleaned = text
        .trim()
        .replace(/^\$|\$$/g, "")
        .replace(/(\d),(?=\d{3}\b)/g, "$1");
    const fraction = /^(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)$/.exec(cleaned);
    if (fraction !== null) {
        const denominator = Number(fraction[2]);
        return denominator === 0 ? undefined : Number(fraction[1]) / denominator;
    }
    if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e-?\d+)?$/i.test(cleaned)) return undefined;
    return Number(cleaned);
}

/** Canonical form for counting answers: numbers as numbers, other text trimmed and lower-cased. */
export function canonicalAnswer(answer: string): string {
    const number = parseNumber(answer);
    if (number !== undefined) return String(number);
    return answer
        .trim()
        .toLowerCase()
        .replace(/[.,;:!?]+$/, "");
}
