/**
 * Final-answer extraction for math rewards. Each extractor returns the answer text it finds, or
 * undefined; `extractMathAnswer` tries the configured extractors in order and reports which one
 * answered, so a reward can say why an answer was not found.
 *
 * - boxed: the content of the last `\boxed{…}` or `\fbox{…}` (nested braces allowed);
 * - hashes: the text after the last `####` (GSM8K's convention);
 * - answer-is: the rest of the sentence after the last "answer is", "answer:" or "final answer";
 * - last-math: the last `$…$` or `\(…\)` span;
 * - last-number: the last number (integers, decimals, fractions a/b, a trailing %).
 */
import {ArgumentError} from "../../errors.js";

export const mathExtractorNames = ["boxed", "hashes", "answer-is", "last-math", "last-number"] as const;
export type MathExtractorName = (typeof mathExtractorNames)[number];

/** Default order: the most explicit convention first. */
export const defaultMathExtractors: readonly MathExtractorName[] = ["boxed", "hashes", "answer-is", "last-math", "last-number"];

/** Longest completion examined; longer texts are cut to their last this many characters. */
export const maxExtractionChars = 50_000;

export function braceContent(text: string, openBrace: number): {content: string; end: number} | undefined {
    let depth = 0;
    for (let index = openBrace; index < text.length; index++) {
        const character = text[index];
        if (character === "\\") {
            index++;
            continue;
        }
        if (character === "{") depth++;
        else if (character === "}") {
            depth--;
            if (depth === 0) return {content: text.slice(openBrace + 1, index), end: index};
        }
    }
    return undefined;
}

export function lastBoxed(text: string): string | undefined {
    const starts = [...text.matchAll(/\\(?:boxed|fbox)\s*\{/g)];
    for (let index = starts.length - 1; index >= 0; index--) {
        const match = starts[index];
        if (match?.index === undefined) continue;
        const found = braceContent(text, match.index + match[0].length - 1);
        if (found !== undefined && found.content.trim() !== "") return found.content.trim();
    }
    return undefined;
}

export function afterHashes(text: string): string | undefined {
    const index = text.lastIndexOf("####");
    if (index < 0) return undefined;
    const rest =
        text
            .slice(index + 4)
            .split("\n")[0]
            ?.trim() ?? "";
    return rest === "" ? undefined : rest;
}

/** The rest of the sentence after the last answer marker; a period that ends the sentence is dropped. */
export function afterAnswerMarker(text: string): string | undefined {
    const matches = [...text.matchAll(/(?:final answer|answer)\s*(?:is|was|would be|:|=)\s*:?/gi)];
    const last = matches.at(-1);
    if (last?.index === undefined) return undefined;
    let rest = text.slice(last.index + last[0].length);
    rest = rest.split(/\n|(?<=[^\d\s])\.\s|\.\s+(?=[A-Z])/)[0] ?? "";
    rest = rest.replace(/,\s*(?:i\.e|e\.g|which|so|since|because|as|that|or)\b.*$/is, "");
    rest = rest
        .trim()
        .replace(/[.!;]+$/, "")
        .trim();
    const boxed = lastBoxed(rest);
    if (boxed !== undefined) return boxed;
    return rest === "" ? undefined : rest;
}

export function lastMathSpan(text: string): string | undefined {
    const matches = [...text.matchAll(/\$\$((?:\\\$|[^$])+)\$\$|\$((?:\\\$|[^$])+)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]/gs)];
    const last = matches.at(-1);
    if (last === undefined) return undefined;
    const content = (last[1] ?? last[2] ?? last[3] ?? last[4] ?? "").trim();
    return content === "" ? undefined : content;
}

export function lastNumber(text: string): string | undefined {
    const matches = [...text.matchAll(/-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|-?\d+(?:\.\d+)?(?:\s*\/\s*\d+)?%?|-?\.\d+%?/g)];
    return matches.at(-1)?.[0]?.replace(/\s+/g, "");
}

const extractors: Record<MathExtractorName, (text: string) => string | undefined> = {
    "boxed": lastBoxed,
    "hashes": afterHashes,
    "answer-is": afterAnswerMarker,
    "last-math": lastMathSpan,
    "last-number": lastNumber,
};

export interface ExtractedAnswer {
    answer: string;
    extractor: MathExtractorName;
}

export function extractMathAnswer(text: string, order: readonly MathExtractorName[] = defaultMathExtractors): ExtractedAnswer | undefined {
    const examined = text.length > maxExtractionChars ? text.slice(-maxExtractionChars) : text;
    for (const name of order) {
        const extractor = extractors[name];
        if (extractor === undefined) {
            throw new ArgumentError(`unknown math answer extractor "${String(name)}"`, {expected: mathExtractorNames.join(", ")});
        }
        const answer = extractor(examined);
        if (answer !== undefined) return {answer, extractor: name};
    }
    return undefined;
}
