/**
 * Rank statistics with explicit tie handling: average ranks (Spearman), Kendall's τ-b. A
 * correlation that is undefined (fewer than two items, or a constant input) is NaN; callers
 * report it as such rather than inventing a value.
 */

/** 1-based ranks, ties given the average of the ranks they span (so [5, 1, 5] → [2.5, 1, 2.5]). */
export function averageRanks(values: readonly number[]): number[] {
    const order = values.map((value, index) => ({value, index})).sort((a, b) => a.value - b.value || a.index - b.index);
    const ranks = new Array<number>(values.length).fill(0);
    let start = 0;
    while (start < order.length) {
        let end = start;
        while (end + 1 < order.length && (order[end + 1] as {value: number}).value === (order[start] as {value: number}).value) end++;
        const rank = (start + end) / 2 + 1;
        for (let k = start; k <= end; k++) ranks[(order[k] as {index: number}).index] = rank;
        start = end + 1;
    }
    return ranks;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
    checkSameLength(a, b);
    const n = a.length;
    if (n < 2) return NaN;
    const meanA = a.reduce((sum, value) => sum + value, 0) / n;
    const meanB = b.reduce((sum, value) => sum + value, 0) / n;
    let covariance = 0;
    let varianceA = 0;
    let varianceB = 0;
    for (let i = 0; i < n; i++) {
        const da = (a[i] as number) - meanA;
        const db = (b[i] as number) - meanB;
        covariance += da * db;
        varianceA += da * da;
        varianceB += db * db;
    }
    if (varianceA === 0 || varianceB === 0) return NaN;
    return covariance / Math.sqrt(varianceA * varianceB);
}

/** Spearman's ρ: Pearson correlation of average ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number {
    checkSameLength(a, b);
    return pearson(averageRanks(a), averageRanks(b));
}

/**
 * Kendall's τ-b = (C − D) / √((P − T_a)(P − T_b)), P = n(n−1)/2 pairs, T_a / T_b the pairs tied
 * in a / b. O(n²).
 */
export function kendallTauB(a: readonly number[], b: readonly number[]): number {
    checkSameLength(a, b);
    const n = a.length;
    let concordant = 0;
    let discordant = 0;
    let tiedA = 0;
    let tiedB = 0;
    for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
            const da = Math.sign((a[i] as number) - (a[j] as number));
            const db = Math.sign((b[i] as number) - (b[j] as number));
            if (da === 0) tiedA++;
            if (db === 0) tiedB++;
            if (da !== 0 && db !== 0) {
                if (da === db) concordant++;
                else discordant++;
            }
        }
    }
    const pairs = (n * (n - 1)) / 2;
    const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
    if (denominator === 0) return NaN;
    return (concordant - discordant) / denominator;
}

function checkSameLength(a: readonly number[], b: readonly number[]): void {
    if (a.length !== b.length) throw new RangeError(`the two score lists differ in length (${a.length} and ${b.length})`);
}
