/**
 * LASSO by cyclic coordinate descent on standardised features, with the objective of
 * scikit-learn's Lasso: (1/(2m))‖y − Xβ − b‖² + α‖β‖₁. Features are centred and scaled to unit
 * (population) variance, y is centred, and the coefficients are mapped back to the original
 * 0/1 scale (β_j/σ_j, intercept ȳ − Σ β_j μ_j/σ_j), as ContextCite does. Constant features get 0.
 */

export interface LassoFit {
    coefficients: number[];
    intercept: number;
    converged: boolean;
    iterations: number;
}

export interface LassoOptions {
    maxIterations?: number;
    /** Stop when no coefficient moved by more than tolerance · sd(y) in a sweep (default 1e-7). */
    tolerance?: number;
}

interface Standardised {
    columns: Float64Array[];
    means: Float64Array;
    scales: Float64Array;
    yMean: number;
    yCentred: Float64Array;
    ySd: number;
}

function standardise(rows: readonly Uint8Array[], y: readonly number[]): Standardised {
    const m = rows.length;
    const n = rows[0]?.length ?? 0;
    const means = new Float64Array(n);
    const scales = new Float64Array(n);
    const columns = Array.from({length: n}, () => new Float64Array(m));
    for (let j = 0; j < n; j++) {
        const column = columns[j] as Float64Array;
        let sum = 0;
        for (let r = 0; r < m; r++) sum += column[r] = (rows[r] as Uint8Array)[j] as number;
        const mean = sum / m;
        let variance = 0;
        for (let r = 0; r < m; r++) variance += ((column[r] as number) - mean) ** 2;
        const scale = Math.sqrt(variance / m);
        means[j] = mean;
        scales[j] = scale;
        for (let r = 0; r < m; r++) column[r] = scale > 0 ? ((column[r] as number) - mean) / scale : 0;
    }
    const yMean = y.reduce((sum, value) => sum + value, 0) / m;
    const yCentred = Float64Array.from(y, (value) => value - yMean);
    const ySd = Math.sqrt(yCentred.reduce((sum, value) => sum + value * value, 0) / m);
    return {columns, means, scales, yMean, yCentred, ySd};
}

/** The smallest α that sets every coefficient to zero: max_j |x_jᵀ y| / m on standardised data. */
export function lassoAlphaMax(rows: readonly Uint8Array[], y: readonly number[]): number {
    const data = standardise(rows, y);
    const m = rows.length;
    let best = 0;
    for (const column of data.columns) {
        let dot = 0;
        for (let r = 0; r < m; r++) dot += (column[r] as number) * (data.yCentred[r] as number);
        best = Math.max(best, Math.abs(dot) / m);
    }
    return best;
}

export function fitLasso(rows: readonly Uint8Array[], y: readonly number[], alpha: number, options: LassoOptions = {}): LassoFit {
    const m = rows.length;
    const n = rows[0]?.length ?? 0;
    if (m === 0) return {coefficients: new Array<number>(n).fill(0), intercept: 0, converged: true, iterations: 0};
    const data = standardise(rows, y);
    const maxIterations = options.maxIterations ?? 1000;
    const tolerance = (options.tolerance ?? 1e-7) * Math.max(data.ySd, 1e-12);
    const beta = new Float64Array(n);
    const residual = Float64Array.from(data.yCentred);
    let converged = false;
    let iterations = 0;
    while (iterations < maxIterations) {
        iterations++;
        let largestStep = 0;
        for (let j = 0; j < n; j++) {
            if ((data.scales[j] as number) === 0) continue;
            const column = data.columns[j] as Float64Array;
            const old = beta[j] as number;
            let rho = 0;
            for (let r = 0; r < m; r++) rho += (column[r] as number) * (residual[r] as number);
            rho = rho / m + old; // unit variance: (1/m) Σ x² = 1
            const updated = Math.sign(rho) * Math.max(Math.abs(rho) - alpha, 0);
            const step = updated - old;
            if (step !== 0) {
                for (let r = 0; r < m; r++) residual[r] = (residual[r] as number) - step * (column[r] as number);
                beta[j] = updated;
                largestStep = Math.max(largestStep, Math.abs(step));
            }
        }
        if (largestStep <= tolerance) {
            converged = true;
            break;
        }
    }
    const coefficients = Array.from(beta, (value, j) => ((data.scales[j] as number) > 0 ? value / (data.scales[j] as number) : 0));
    const intercept = data.yMean - coefficients.reduce((sum, value, j) => sum + value * (data.means[j] as number), 0);
    return {coefficients, intercept, converged, iterations};
}

/** Predictions of a fit for 0/1 rows. */
export function lassoPredict(fit: {coefficients: readonly number[]; intercept: number}, rows: readonly Uint8Array[]): number[] {
    return rows.map((row) => fit.coefficients.reduce((sum, value, j) => sum + value * (row[j] as number), fit.intercept));
}

/**
 * Picks α by K-fold cross-validation over a geometric grid α_max · {1, 1/2, 1/5, 1/10, …, 1/1000}:
 * the α with the least mean squared held-out error.
 */
export function chooseLassoAlphaByCrossValidation(rows: readonly Uint8Array[], y: readonly number[], folds = 5): number {
    const alphaMax = lassoAlphaMax(rows, y);
    if (alphaMax === 0) return 0;
    const grid = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001].map((factor) => alphaMax * factor);
    const k = Math.max(2, Math.min(folds, rows.length));
    let bestAlpha = grid[grid.length - 1] as number;
    let bestError = Infinity;
    for (const alpha of grid) {
        let error = 0;
        for (let fold = 0; fold < k; fold++) {
            const trainRows: Uint8Array[] = [];
            const trainY: number[] = [];
            const testRows: Uint8Array[] = [];
            const testY: number[] = [];
            rows.forEach((row, r) => {
                if (r % k === fold) {
                    testRows.push(row);
                    testY.push(y[r] as number);
                } else {
                    trainRows.push(row);
                    trainY.push(y[r] as number);
                }
            });
            if (trainRows.length === 0 || testRows.length === 0) continue;
            const fit = fitLasso(trainRows, trainY, alpha, {maxIterations: 200});
            lassoPredict(fit, testRows).forEach((prediction, r) => (error += (prediction - (testY[r] as number)) ** 2));
        }
        if (error < bestError - 1e-15) {
            bestError = error;
            bestAlpha = alpha;
        }
    }
    return bestAlpha;
}
