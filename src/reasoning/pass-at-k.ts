/**
 * pass@k, maj@k and coverage over n samples per problem (Chen et al. 2021; Yue et al. 2025).
 *
 * pass@k = 1 − C(n−c, k)/C(n, k), the probability that at least one of k samples drawn without
 * replacement from the n is correct. It is computed in the numerically stable product form
 * 1 − Π_{i=n−c+1}^{n} (1 − k/i), and is exactly 1 when n − c < k. Only k ≤ n is defined.
 */
import {ArgumentError} from "../errors.js";

function requireCounts(n: number, c: number, k: number): void {
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`pass@k needs n ≥ 1 samples`, {received: String(n)});
    if (!Number.isInteger(c) || c < 0 || c > n) throw new ArgumentError(`pass@k needs 0 ≤ correct ≤ n`, {received: `correct ${c} of n ${n}`});
    if (!Number.isInteger(k) || k < 1) throw new ArgumentError(`pass@k needs k ≥ 1`, {received: String(k)});
    if (k > n) {
        throw new ArgumentError(`pass@${k} is undefined with only ${n} samples per problem: k must not exceed n`, {
            expected: `k ≤ ${n}`,
            received: `k = ${k}`,
            hint: "lower k or raise the samples per problem (n)",
            parameter: "k",
        });
    }
}

/** Unbiased pass@k of one problem with c correct out of n samples. */
export function passAtK(n: number, c: number, k: number): number {
    requireCounts(n, c, k);
    if (n - c < k) return 1;
    let product = 1;
    for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
    return 1 - product;
}

/** The same quantity from binomial coefficients (for checks on small n). */
export function passAtKClosedForm(n: number, c: number, k: number): number {
    requireCounts(n, c, k);
    return 1 - binomial(n - c, k) / binomial(n, k);
}

export function binomial(n: number, k: number): number {
    if (k < 0 || k > n) return 0;
    let result = 1;
    for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - Math.min(k, n - k) + i)) / i;
    return Math.round(result);
}

/** Mean pass@k over problems, for each k. */
export function passAtKCurve(problems: readonly {n: number; correct: number}[], ks: readonly number[]): {k: number; passAtK: number}[] {
    return ks.map((k) => ({
        k,
        passAtK: problems.length === 0 ? 0 : problems.reduce((sum, problem) => sum + passAtK(problem.n, problem.correct, k), 0) / problems.length,
    }));
}

/** Share of problems solved at least once (pass@n). */
export function coverage(problems: readonly {correct: number}[]): number {
    if (problems.length === 0) return 0;
    return problems.filter((problem) => problem.correct > 0).length / problems.length;
}

/**
 * The majority answer among the first k samples (answers that could not be extracted are not
 * votes). Ties go to the answer whose first vote came earliest. Undefined when no sample of the
 * k has an answer.
 */
export function majorityAnswer(answers: readonly (string | undefined)[], k: number): string | undefined {
    const counts = new Map<string, number>();
    for (const answer of answers.slice(0, k)) {
        if (answer !== undefined) counts.set(answer, (counts.get(answer) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [answer, count] of counts) {
        if (count > bestCount) {
            best = answer;
            bestCount = count;
        }
    }
    return best;
}

/**
 * maj@k of one problem: 1 when the majority answer of the first k samples (in sampling order) is
 * correct. `isCorrect` maps a canonical answer to its verdict.
 */
export function majorityAtK(answers: readonly (string | undefined)[], isCorrect: (answer: string) => boolean, k: number): number {
    requireCounts(answers.length, 0, k);
    const answer = majorityAnswer(answers, k);
    return answer !== undefined && isCorrect(answer) ? 1 : 0;
}

/** Powers of two up to n, and n itself: the default k grid of a pass@k curve. */
export function defaultKs(n: number): number[] {
    const ks: number[] = [];
    for (let k = 1; k < n; k *= 2) ks.push(k);
    ks.push(n);
    return ks;
}
