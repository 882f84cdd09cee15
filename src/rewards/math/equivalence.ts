/**
 * Are two math answers the same answer? Both are normalised (normalize.ts), their shapes read
 * (structures.ts) and compared part by part: sets and solution lists as multisets, tuples and
 * intervals in order, equations side by side. Single values go through, in turn: text equality,
 * plain numbers with a relative tolerance (a percentage matches both its number and its
 * fraction: 50% ≡ 50 ≡ 0.5), then the CAS (cas.ts) with its random-point fallback. The verdict
 * carries the method that decided it.
 */
import {casCompare, closeEnough} from "./cas.js";
import {normalizeAnswer, parsePlainNumber} from "./normalize.js";
import {answerShape, isEquation, rightOfAssignment, type IntervalPart} from "./structures.js";

export interface MathEquivalenceOptions {
    /** Relative tolerance for numeric equality (default 1e-6). */
    relativeTolerance?: number;
    /** Let 50% match 0.5 as well as 50 (default true). */
    percentAsFraction?: boolean;
}

export interface EquivalenceVerdict {
    equal: boolean;
    /** What decided: text, numeric, percent, cas-numeric, cas-symbolic, random-points, structure, … */
    method: string;
}

interface Settings {
    tolerance: number;
    percentAsFraction: boolean;
}

/** Plain-text maths ("sqrt(2)", "pi", "3*x", "x**2") rewritten as LaTeX for the CAS. */
function asLatex(text: string): string {
    return text
        .replace(/%/g, "\\%")
        .replace(/\bsqrt\s*\(([^()]+)\)/g, "\\sqrt{$1}")
        .replace(/(?<!\\)\bpi\b/g, "\\pi")
        .replace(/\binfinity\b|\binf\b/g, "\\infty")
        .replace(/\*\*/g, "^")
        .replace(/\*/g, "\\cdot ");
}

function compact(text: string): string {
    return text
        .replace(/\s+/g, "")
        .replace(/^\((\w)\)$/, "$1")
        .replace(/^\\?\{(\w)\\?\}$/, "$1")
        .toLowerCase();
}

function isWord(text: string): boolean {
    return /^[a-z]{2,}(?:[\s'-]+[a-z]+)*$/i.test(text.trim());
}

function scalarsEquivalent(first: string, second: string, settings: Settings): EquivalenceVerdict {
    const a = first.trim();
    const b = second.trim();
    if (compact(a) === compact(b)) return {equal: true, method: "text"};
    const x = parsePlainNumber(a);
    const y = parsePlainNumber(b);
    if (x !== undefined && y !== undefined) {
        if (closeEnough(x.value, y.value, settings.tolerance)) return {equal: true, method: "numeric"};
        if (settings.percentAsFraction && x.percent !== y.percent) {
            const [percent, plain] = x.percent ? [x, y] : [y, x];
            return {equal: closeEnough(percent.value / 100, plain.value, settings.tolerance), method: "percent"};
        }
        return {equal: false, method: "numeric"};
    }
    if (isWord(a) || isWord(b)) return {equal: false, method: "text"};
    const verdict = casCompare(asLatex(a), asLatex(b), settings.tolerance);
    if (verdict.verdict === "undecided") return {equal: false, method: verdict.method};
    if (verdict.verdict === "different" && settings.percentAsFraction && /%$/.test(a) !== /%$/.test(b)) {
        const stripped = casCompare(asLatex(a.replace(/%$/, "")), asLatex(b.replace(/%$/, "")), settings.tolerance);
        if (stripped.verdict === "equal") return {equal: true, method: "percent"};
    }
    return {equal: verdict.verdict === "equal", method: verdict.method};
}

function infinityKey(text: string): string | undefined {
    const compacted = text.replace(/\s+/g, "").replace(/^\+/, "");
    if (compacted === "\\infty" || compacted === "+\\infty" || compacted === "oo") return "+inf";
    if (compacted === "-\\infty" || compacted === "-oo") return "-inf";
    return undefined;
}

function endpointsEquivalent(a: string, b: string, settings: Settings): boolean {
    const x = infinityKey(a);
    const y = infinityKey(b);
    if (x !== undefined || y !== undefined) return x === y;
    return scalarsEquivalent(a, b, settings).equal;
}

function intervalsEquivalent(a: readonly IntervalPart[], b: readonly IntervalPart[], settings: Settings): boolean {
    if (a.length !== b.length) return false;
    return a.every((part, index) => {
        const other = b[index];
        return (
            other !== undefined &&
            part.lowClosed === other.lowClosed &&
            part.highClosed === other.highClosed &&
            endpointsEquivalent(part.low, other.low, settings) &&
            endpointsEquivalent(part.high, other.high, settings)
        );
    });
}

/** Multiset equality: every element of a matched to a distinct equivalent element of b. */
function multisetsEquivalent(a: readonly string[], b: readonly string[], settings: Settings): boolean {
    if (a.length !== b.length) return false;
    const used = new Array<boolean>(b.length).fill(false);
    for (const element of a) {
        const match = b.findIndex((other, index) => !used[index] && valuesEquivalent(element, other, settings).equal);
        if (match < 0) return false;
        used[match] = true;
    }
    return true;
}

function sequencesEquivalent(a: readonly string[], b: readonly string[], settings: Settings): boolean {
    return a.length === b.length && a.every((element, index) => valuesEquivalent(element, b[index] ?? "", settings).equal);
}

function valuesEquivalent(first: string, second: string, settings: Settings): EquivalenceVerdict {
    const bothEquations = isEquation(first) && isEquation(second);
    const a = answerShape(bothEquations ? first : rightOfAssignment(first));
    const b = answerShape(bothEquations ? second : rightOfAssignment(second));
    if (a.kind === "scalar" && b.kind === "scalar") return scalarsEquivalent(a.text, b.text, settings);
    if (a.kind === "intervals" && b.kind === "intervals") return {equal: intervalsEquivalent(a.parts, b.parts, settings), method: "interval"};
    const openPair = (shape: typeof a): string[] | undefined => {
        if (shape.kind === "tuple" && shape.elements.length === 2) return shape.elements;
        const part = shape.kind === "intervals" && shape.parts.length === 1 ? shape.parts[0] : undefined;
        return part !== undefined && !part.lowClosed && !part.highClosed ? [part.low, part.high] : undefined;
    };
    const pairA = openPair(a);
    const pairB = openPair(b);
    if (a.kind !== b.kind && pairA !== undefined && pairB !== undefined) return {equal: sequencesEquivalent(pairA, pairB, settings), method: "interval"};
    if (a.kind === "tuple" && b.kind === "tuple") return {equal: sequencesEquivalent(a.elements, b.elements, settings), method: "tuple"};
    const unordered = (kind: string): boolean => kind === "set" || kind === "list";
    if (unordered(a.kind) && unordered(b.kind) && "elements" in a && "elements" in b) {
        return {equal: multisetsEquivalent(a.elements, b.elements, settings), method: "set"};
    }
    if ((a.kind === "tuple" && b.kind === "list") || (a.kind === "list" && b.kind === "tuple")) {
        return {equal: sequencesEquivalent(a.elements, b.elements, settings), method: "tuple"};
    }
    if (a.kind === "equation" && b.kind === "equation") {
        const same = scalarsEquivalent(a.left, b.left, settings).equal && scalarsEquivalent(a.right, b.right, settings).equal;
        const swapped = scalarsEquivalent(a.left, b.right, settings).equal && scalarsEquivalent(a.right, b.left, settings).equal;
        if (same || swapped) return {equal: true, method: "equation"};
        const difference = scalarsEquivalent(`${a.left}-(${a.right})`, `${b.left}-(${b.right})`, settings);
        return {equal: difference.equal, method: "equation"};
    }
    const single = (shape: typeof a): string | undefined =>
        shape.kind === "set" && shape.elements.length === 1 ? shape.elements[0] : shape.kind === "scalar" ? shape.text : undefined;
    const x = single(a);
    const y = single(b);
    if (x !== undefined && y !== undefined) return scalarsEquivalent(x, y, settings);
    return {equal: false, method: `shape-mismatch:${a.kind}/${b.kind}`};
}

/** Compares two already-extracted answers. */
export function mathAnswersEquivalent(predicted: string, gold: string, options: MathEquivalenceOptions = {}): EquivalenceVerdict {
    const settings: Settings = {tolerance: options.relativeTolerance ?? 1e-6, percentAsFraction: options.percentAsFraction ?? true};
    const a = normalizeAnswer(predicted);
    const b = normalizeAnswer(gold);
    if (a === "" || b === "") return {equal: false, method: "empty"};
    return valuesEquivalent(a, b, settings);
}
