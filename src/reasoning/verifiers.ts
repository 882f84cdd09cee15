/**
 * Verifiers: does a sampled answer solve the problem? exact (trimmed text equality) and numeric
 * (numeric equivalence, relative tolerance 1e-9, fractions allowed) live here; a user script run
 * in a subprocess is src/backends/verifier/script-verifier.ts (it does I/O).
 */
import {parseNumber} from "./answers.js";

export type VerifierVerdict = "correct" | "incorrect" | "no-answer" | "timeout" | "error";

export interface VerifierInput {
    id: string;
    answer: string | undefined;
    gold: string;
    completion: string;
}

export interface Verifier {
    readonly name: string;
    verify(input: VerifierInput): Promise<{verdict: VerifierVerdict; detail?: string}>;
}

export const exactVerifier: Verifier = {
    name: "exact",
    async verify({answer, gold}) {
        if (answer === undefined) return {verdict: "no-answer"};
        return {verdict: answer.trim() === gold.trim() ? "correct" : "incorrect"};
    },
};

export function numbersEquivalent(a: string, b: string): boolean {
    const x = parseNumber(a);
    const y = parseNumber(b);
    if (x === undefined || y === undefined) return a.trim().toLowerCase() === b.trim().toLowerCase();
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
}

export const numericVerifier: Verifier = {
    name: "numeric",
    async verify({answer, gold}) {
        if (answer === undefined) return {verdict: "no-answer"};
        return {verdict: numbersEquivalent(answer, gold) ? "correct" : "incorrect"};
    },
};
