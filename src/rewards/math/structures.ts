/**
 * Reading the shape of a normalised answer: an interval or union of intervals, an inequality
 * (turned into intervals), a set, a tuple, a bare comma list (a list of solutions, order free),
 * an equation, or a single expression. Splitting respects brackets, so `(1, \frac{1}{2})` has two
 * elements and `f(x, y)` stays one.
 */

export interface IntervalPart {
    low: string;
    high: string;
    lowClosed: boolean;
    highClosed: boolean;
}

export type AnswerShape =
    | {kind: "intervals"; parts: IntervalPart[]}
    | {kind: "set"; elements: string[]}
    | {kind: "tuple"; elements: string[]}
    | {kind: "list"; elements: string[]}
    | {kind: "equation"; left: string; right: string}
    | {kind: "scalar"; text: string};

/** Splits at top-level occurrences of `separator` (outside (), [], {}). */
export function splitTopLevel(text: string, separator: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let index = 0; index < text.length; index++) {
        const character = text[index];
        if (character === "\\" && text.startsWith("\\{", index)) {
            depth++;
            index++;
            continue;
        }
        if (character === "\\" && text.startsWith("\\}", index)) {
            depth--;
            index++;
            continue;
        }
        if (character === "(" || character === "[" || character === "{") depth++;
        else if (character === ")" || character === "]" || character === "}") depth--;
        else if (depth === 0 && text.startsWith(separator, index)) {
            parts.push(text.slice(start, index).trim());
            start = index + separator.length;
            index += separator.length - 1;
        }
    }
    parts.push(text.slice(start).trim());
    return parts;
}

/** Whether the bracket opening at 0 closes at the last character. */
function wrapsWhole(text: string, open: string, close: string): boolean {
    if (!text.startsWith(open) || !text.endsWith(close)) return false;
    let depth = 0;
    for (let index = 0; index < text.length; index++) {
        const character = text[index];
        if (character === "(" || character === "[" || character === "{") depth++;
        else if (character === ")" || character === "]" || character === "}") {
            depth--;
            if (depth === 0 && index < text.length - 1) return false;
        }
    }
    return true;
}

function intervalOf(text: string): IntervalPart | undefined {
    const match = /^([[(])(.*)([\])])$/s.exec(text.trim());
    if (match === null) return undefined;
    const inner = splitTopLevel(match[2] ?? "", ",");
    if (inner.length !== 2 || inner.some((part) => part === "")) return undefined;
    return {low: inner[0] ?? "", high: inner[1] ?? "", lowClosed: match[1] === "[", highClosed: match[3] === "]"};
}

const variable = String.raw`[a-zA-Z](?:_\{?\w+\}?)?`;
const lessOperators: Record<string, boolean> = {"<": false, "\\leq": true, "\\leqslant": true, "<=": true};
const greaterOperators: Record<string, boolean> = {">": false, "\\geq": true, "\\geqslant": true, ">=": true};

/** "x > 2", "x \leq -1", "-1 < x \leq 3", "2 > x" as one interval. */
function inequalityOf(text: string): IntervalPart | undefined {
    const operator = String.raw`(<=|>=|<|>|\\leqslant|\\geqslant|\\leq|\\geq)`;
    const double = new RegExp(`^(.+?)\\s*${operator}\\s*(${variable})\\s*${operator}\\s*(.+)$`).exec(text);
    if (double !== null) {
        const [, low, first, , second, high] = double;
        if (first !== undefined && second !== undefined && first in lessOperators && second in lessOperators) {
            return {low: (low ?? "").trim(), high: (high ?? "").trim(), lowClosed: lessOperators[first] === true, highClosed: lessOperators[second] === true};
        }
        if (first !== undefined && second !== undefined && first in greaterOperators && second in greaterOperators) {
            return {
                low: (high ?? "").trim(),
                high: (low ?? "").trim(),
                lowClosed: greaterOperators[second] === true,
                highClosed: greaterOperators[first] === true,
            };
        }
        return undefined;
    }
    const single = new RegExp(`^(${variable})\\s*${operator}\\s*(.+)$`).exec(text);
    if (single !== null) {
        const [, , op, bound] = single;
        if (op === undefined || bound === undefined) return undefined;
        if (op in lessOperators) return {low: "-\\infty", high: bound.trim(), lowClosed: false, highClosed: lessOperators[op] === true};
        return {low: bound.trim(), high: "\\infty", lowClosed: greaterOperators[op] === true, highClosed: false};
    }
    return undefined;
}

export function answerShape(text: string): AnswerShape {
    const trimmed = text.trim();
    if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$/.test(trimmed)) return {kind: "scalar", text: trimmed};
    const plusMinus = splitTopLevel(trimmed, "\\pm");
    if (plusMinus.length === 2 && !/[=<>]/.test(trimmed)) {
        const [base = "", offset = ""] = plusMinus;
        return base === "" ? {kind: "list", elements: [offset, `-(${offset})`]} : {kind: "list", elements: [`${base}+(${offset})`, `${base}-(${offset})`]};
    }
    const unionParts = splitTopLevel(trimmed, "\\cup").flatMap((part) => splitTopLevel(part, " U "));
    if (unionParts.length > 1) {
        const parts = unionParts.map((part) => intervalOf(part) ?? inequalityOf(part));
        if (parts.every((part) => part !== undefined)) return {kind: "intervals", parts: parts as IntervalPart[]};
    }
    const orParts = splitTopLevel(trimmed, " or ");
    if (orParts.length > 1 && orParts.every((part) => inequalityOf(part) !== undefined)) {
        return {kind: "intervals", parts: orParts.map((part) => inequalityOf(part) as IntervalPart)};
    }
    const inequality = inequalityOf(trimmed);
    if (inequality !== undefined) return {kind: "intervals", parts: [inequality]};
    if (trimmed.startsWith("\\{") && trimmed.endsWith("\\}")) {
        const inner = trimmed.slice(2, -2).trim();
        return {kind: "set", elements: inner === "" ? [] : splitTopLevel(inner, ",")};
    }
    if (wrapsWhole(trimmed, "{", "}") && splitTopLevel(trimmed.slice(1, -1), ",").length > 1) {
        return {kind: "set", elements: splitTopLevel(trimmed.slice(1, -1), ",")};
    }
    const interval = intervalOf(trimmed);
    if (interval !== undefined && wrapsWhole(trimmed, trimmed[0] ?? "(", trimmed.at(-1) ?? ")")) {
        const openOpen = !interval.lowClosed && !interval.highClosed;
        const infinite = /\\infty/.test(interval.low) || /\\infty/.test(interval.high);
        if (openOpen && !infinite) return {kind: "tuple", elements: [interval.low, interval.high]};
        return {kind: "intervals", parts: [interval]};
    }
    if (wrapsWhole(trimmed, "(", ")") || wrapsWhole(trimmed, "\\langle", "\\rangle")) {
        const inner = splitTopLevel(trimmed.slice(1, -1), ",");
        if (inner.length > 1) return {kind: "tuple", elements: inner};
    }
    const list = splitTopLevel(trimmed, ",")
        .flatMap((part) => splitTopLevel(part, " and "))
        .flatMap((part) => splitTopLevel(part, " or "));
    if (list.length > 1 && list.every((part) => part !== "")) return {kind: "list", elements: list};
    const sides = splitTopLevel(trimmed, "=");
    if (sides.length === 2 && sides[0] !== "" && sides[1] !== "") return {kind: "equation", left: sides[0] ?? "", right: sides[1] ?? ""};
    return {kind: "scalar", text: trimmed};
}

/** "x = 3" → "3" when the left side is a lone variable; otherwise the text itself. */
export function rightOfAssignment(text: string): string {
    const sides = splitTopLevel(text, "=");
    const left = (sides[0] ?? "").trim();
    const lone = new RegExp(`^${variable}$`).test(left);
    const tupleOfVariables = new RegExp(`^\\(\\s*${variable}(?:\\s*,\\s*${variable})+\\s*\\)$`).test(left);
    if (sides.length === 2 && (lone || tupleOfVariables) && (sides[1] ?? "").trim() !== "") return (sides[1] ?? text).trim();
    return text;
}

/** Whether the text is an equation (one top-level "="). */
export function isEquation(text: string): boolean {
    return splitTopLevel(text, "=").length === 2;
}
