/**
 * Support change between a base model and a tuned one ("The Invisible Leash", arXiv 2507.14843).
 * The empirical support of a model on a problem is the set of distinct correct answers it
 * produced in its samples (an answer with probability ≥ ε = 1 − ζ^{1/k} shows up in k samples with
 * probability ≥ 1 − ζ). Each (problem, correct answer) pair falls in one category:
 * - preservation P: in both supports;
 * - expansion E: only in the tuned model's support;
 * - shrinkage S: only in the base model's support;
 * problems neither model solved are out of support (counted apart).
 *
 * SRR = P/(P+S), NDR = E/(P+E), SDS = harmonic mean of SRR and NDR, NSCR = (E−S)/(P+E+S).
 * A ratio whose denominator is 0 is null.
 */

export interface ProblemSupport {
    id: string;
    /** Distinct canonical correct answers seen in the base model's samples. */
    base: readonly string[];
    /** The same for the tuned model. */
    tuned: readonly string[];
}

export type SupportCategory = "preservation" | "expansion" | "shrinkage" | "out-of-support";

export interface SupportSummary {
    preservation: number;
    expansion: number;
    shrinkage: number;
    /** Problems with no correct answer from either model. */
    outOfSupport: number;
    srr: number | null;
    ndr: number | null;
    sds: number | null;
    nscr: number | null;
    /** Per problem: its category when it has one correct answer at most per model, else "mixed". */
    byProblem: {id: string; preservation: number; expansion: number; shrinkage: number; category: SupportCategory | "mixed"}[];
}

function ratio(numerator: number, denominator: number): number | null {
    return denominator === 0 ? null : numerator / denominator;
}

export function supportSummary(problems: readonly ProblemSupport[]): SupportSummary {
    let preservation = 0,
        expansion = 0,
        shrinkage = 0,
        outOfSupport = 0;
    const byProblem: SupportSummary["byProblem"] = [];
    for (const problem of problems) {
        const base = new Set(problem.base);
        const tuned = new Set(problem.tuned);
        let p = 0,
            e = 0,
            s = 0;
        for (const answer of new Set([...base, ...tuned])) {
            if (base.has(answer) && tuned.has(answer)) p++;
            else if (tuned.has(answer)) e++;
            else s++;
        }
        preservation += p;
        expansion += e;
        shrinkage += s;
        const present = [p > 0, e > 0, s > 0].filter(Boolean).length;
        let category: SupportCategory | "mixed";
        if (present === 0) {
            outOfSupport++;
            category = "out-of-support";
        } else if (present > 1) {
            category = "mixed";
        } else {
            category = p > 0 ? "preservation" : e > 0 ? "expansion" : "shrinkage";
        }
        byProblem.push({id: problem.id, preservation: p, expansion: e, shrinkage: s, category});
    }
    const srr = ratio(preservation, preservation + shrinkage);
    const ndr = ratio(expansion, preservation + expansion);
    const sds = srr === null || ndr === null ? null : srr + ndr === 0 ? 0 : (2 * srr * ndr) / (srr + ndr);
    const nscr = ratio(expansion - shrinkage, preservation + expansion + shrinkage);
    return {preservation, expansion, shrinkage, outOfSupport, srr, ndr, sds, nscr, byProblem};
}

/** ε = 1 − ζ^{1/k}: the least probability an answer needs to appear in k samples with probability ≥ 1 − ζ. */
export function supportThreshold(k: number, zeta = 0.05): number {
    return 1 - zeta ** (1 / k);
}
