/**
 * Symbolic and numeric comparison of two LaTeX expressions through @cortex-js/compute-engine.
 * Closed expressions are evaluated numerically and compared with a relative tolerance; the
 * engine's own `isEqual` answers where evaluation gives no number (sets of symbols, exact forms).
 * Expressions with free variables are compared at random points (a fixed-seed generator, so the
 * verdict is reproducible): any point where both sides evaluate and differ makes them different;
 * agreement at three or more points makes them equal. Anything the engine cannot parse is
 * "undecided" and the caller falls back to comparing text.
 */
import {ComputeEngine} from "@cortex-js/compute-engine";

export type CasVerdict = "equal" | "different" | "undecided";

/** Longest expression handed to the engine (longer ones are undecided). */
export const maxCasChars = 400;

let engine: ComputeEngine | undefined;

function computeEngine(): ComputeEngine {
    engine ??= new ComputeEngine();
    return engine;
}

type Expression = ReturnType<ComputeEngine["parse"]>;

function parse(latex: string): Expression | undefined {
    if (latex.length > maxCasChars || latex.trim() === "") return undefined;
    // Power towers and big factorials would take the engine arbitrarily long.
    if (/\^\s*\{?\s*\d{4,}|\d{4,}\s*!|\^\s*\{[^}]*\^/.test(latex)) return undefined;
    try {
        const expression = computeEngine().parse(latex);
        return JSON.stringify(expression.json).includes('"Error"') ? undefined : expression;
    } catch {
        return undefined;
    }
}

function numericValue(expression: Expression): {re: number; im: number} | undefined {
    try {
        const value = expression.N();
        const re = value.re;
        const im = value.im;
        if (typeof re !== "number" || !Number.isFinite(re)) return undefined;
        return {re, im: typeof im === "number" && Number.isFinite(im) ? im : 0};
    } catch {
        return undefined;
    }
}

export function closeEnough(a: number, b: number, relativeTolerance: number): boolean {
    const difference = Math.abs(a - b);
    return difference <= 1e-12 || difference <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
}

/** Mulberry32: small deterministic generator for the random points. */
function generator(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let value = state;
        value = Math.imul(value ^ (value >>> 15), value | 1);
        value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
        return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
    };
}

function unknownsOf(expression: Expression): string[] {
    try {
        return [...expression.unknowns].map(String);
    } catch {
        return [];
    }
}

function sameValue(a: {re: number; im: number}, b: {re: number; im: number}, tolerance: number): boolean {
    return closeEnough(a.re, b.re, tolerance) && closeEnough(a.im, b.im, tolerance);
}

export function casCompare(first: string, second: string, relativeTolerance: number, points = 6): {verdict: CasVerdict; method: string} {
    const a = parse(first);
    const b = parse(second);
    if (a === undefined || b === undefined) return {verdict: "undecided", method: "cas-parse-failed"};
    const variables = [...new Set([...unknownsOf(a), ...unknownsOf(b)])].sort();
    if (variables.length === 0) {
        const x = numericValue(a);
        const y = numericValue(b);
        if (x !== undefined && y !== undefined) return {verdict: sameValue(x, y, relativeTolerance) ? "equal" : "different", method: "cas-numeric"};
        try {
            const equal = a.isEqual(b);
            if (equal === true) return {verdict: "equal", method: "cas-symbolic"};
            if (equal === false) return {verdict: "different", method: "cas-symbolic"};
        } catch {
            return {verdict: "undecided", method: "cas-failed"};
        }
        return {verdict: "undecided", method: "cas-undecided"};
    }
    const random = generator(0x5eed + variables.length);
    let agreeing = 0;
    for (let point = 0; point < points; point++) {
        const values: Record<string, number> = {};
        for (const name of variables) values[name] = 0.31 + 2.4 * random();
        try {
            const x = numericValue(a.subs(values));
            const y = numericValue(b.subs(values));
            if (x === undefined || y === undefined) continue;
            if (!sameValue(x, y, Math.max(relativeTolerance, 1e-9))) return {verdict: "different", method: "random-points"};
            agreeing++;
        } catch {
            continue;
        }
    }
    return agreeing >= 3 ? {verdict: "equal", method: "random-points"} : {verdict: "undecided", method: "random-points-undecided"};
}
