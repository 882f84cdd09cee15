/**
 * Dense linear algebra for the regression-based methods (KernelSHAP, LIME): weighted normal
 * equations and a Cholesky solve with several right-hand sides. Matrices are arrays of rows.
 */

export type Matrix = Float64Array[];

export function zeroMatrix(rows: number, columns: number): Matrix {
    return Array.from({length: rows}, () => new Float64Array(columns));
}

/**
 * Gram matrix XᵀWX and moments XᵀWy for each target series (targets[t][row]).
 */
export function weightedNormalEquations(
    design: readonly Float64Array[],
    weights: ArrayLike<number>,
    targets: readonly ArrayLike<number>[],
    columns: number,
): {gram: Matrix; moments: Matrix} {
    const gram = zeroMatrix(columns, columns);
    const moments = zeroMatrix(targets.length, columns);
    design.forEach((row, r) => {
        const weight = weights[r] as number;
        if (weight === 0) return;
        for (let i = 0; i < columns; i++) {
            const xi = (row[i] as number) * weight;
            if (xi === 0) continue;
            const gramRow = gram[i] as Float64Array;
            for (let j = i; j < columns; j++) gramRow[j] = (gramRow[j] as number) + xi * (row[j] as number);
            targets.forEach((target, t) => {
                const momentRow = moments[t] as Float64Array;
                momentRow[i] = (momentRow[i] as number) + xi * (target[r] as number);
            });
        }
    });
    for (let i = 0; i < columns; i++) for (let j = 0; j < i; j++) (gram[i] as Float64Array)[j] = (gram[j] as Float64Array)[i] as number;
    return {gram, moments};
}

/** Cholesky factor L (lower) of a symmetric matrix, or undefined when it is not positive definite. */
function cholesky(matrix: Matrix, shift: number): Matrix | undefined {
    const size = matrix.length;
    const lower = zeroMatrix(size, size);
    for (let i = 0; i < size; i++) {
        const lowerRow = lower[i] as Float64Array;
        for (let j = 0; j <= i; j++) {
            let sum = ((matrix[i] as Float64Array)[j] as number) + (i === j ? shift : 0);
            const otherRow = lower[j] as Float64Array;
            for (let k = 0; k < j; k++) sum -= (lowerRow[k] as number) * (otherRow[k] as number);
            if (i === j) {
                if (!(sum > 0)) return undefined;
                lowerRow[i] = Math.sqrt(sum);
            } else {
                lowerRow[j] = sum / (otherRow[j] as number);
            }
        }
    }
    return lower;
}

function solveWithFactor(lower: Matrix, rhs: Float64Array): Float64Array {
    const size = lower.length;
    const forward = new Float64Array(size);
    for (let i = 0; i < size; i++) {
        let sum = rhs[i] as number;
        const row = lower[i] as Float64Array;
        for (let k = 0; k < i; k++) sum -= (row[k] as number) * (forward[k] as number);
        forward[i] = sum / (row[i] as number);
    }
    const solution = new Float64Array(size);
    for (let i = size - 1; i >= 0; i--) {
        let sum = forward[i] as number;
        for (let k = i + 1; k < size; k++) sum -= ((lower[k] as Float64Array)[i] as number) * (solution[k] as number);
        solution[i] = sum / ((lower[i] as Float64Array)[i] as number);
    }
    return solution;
}

/**
 * Solves (A + λI) x = b for each right-hand side. λ starts at `ridge` (0 = plain least squares)
 * and, when A is singular (too few distinct coalitions for the unknowns), grows from 1e-10·mean
 * diagonal until the factorisation succeeds; the λ used is returned.
 */
export function solveSymmetric(matrix: Matrix, rightHandSides: readonly Float64Array[], ridge = 0): {solutions: Float64Array[]; ridge: number} {
    const size = matrix.length;
    if (size === 0) return {solutions: rightHandSides.map(() => new Float64Array(0)), ridge};
    let diagonal = 0;
    for (let i = 0; i < size; i++) diagonal += Math.abs((matrix[i] as Float64Array)[i] as number);
    const scale = diagonal > 0 ? diagonal / size : 1;
    let shift = ridge;
    let lower = cholesky(matrix, shift);
    let step = 1e-10 * scale;
    while (lower === undefined) {
        shift = Math.max(shift, 0) + step;
        step *= 10;
        lower = cholesky(matrix, shift);
        if (step > 1e6 * scale) throw new RangeError("the regression's normal equations could not be solved");
    }
    const factor = lower;
    return {solutions: rightHandSides.map((rhs) => solveWithFactor(factor, rhs)), ridge: shift};
}

/** C(n, k) as a float (exact below 2^53). */
export function binomial(n: number, k: number): number {
    if (k < 0 || k > n) return 0;
    let result = 1;
    const smaller = Math.min(k, n - k);
    for (let i = 1; i <= smaller; i++) result = (result * (n - smaller + i)) / i;
    return result < 2 ** 53 ? Math.round(result) : result;
}

/** Calls `visit` with every k-subset of 0..n−1 as a sorted index array (lexicographic order). */
export function forEachCombination(n: number, k: number, visit: (indices: readonly number[]) => void): void {
    if (k < 0 || k > n) return;
    const indices = Array.from({length: k}, (_, i) => i);
    for (;;) {
        visit(indices);
        let position = k - 1;
        while (position >= 0 && indices[position] === n - k + position) position--;
        if (position < 0) return;
        indices[position] = (indices[position] as number) + 1;
        for (let i = position + 1; i < k; i++) indices[i] = (indices[i - 1] as number) + 1;
    }
}
