/**
 * Integrated gradients: attribution_i = (x_i − x′_i) · ∫₀¹ ∂f/∂x_i (x′ + α (x − x′)) dα, the
 * integral taken by Gauss–Legendre quadrature on [0, 1]. `integratedGradients` works on any
 * gradient function; `embeddingIntegratedGradients` attributes a model's objective to its input
 * embeddings, running every step of the path as one sequence of a single batched backward pass.
 */
import {InputError} from "../errors.js";
import {evaluateObjective, type Objective, type ObjectiveTerm} from "./objectives.js";
import type {BackwardRules} from "./rules.js";
import type {WhiteBoxModel} from "./white-box-model.js";

export interface QuadratureRule {
    points: number[];
    weights: number[];
}

/** n-point Gauss–Legendre nodes and weights on [0, 1] (Newton iteration on P_n). */
export function gaussLegendre(n: number): QuadratureRule {
    if (!Number.isInteger(n) || n < 1) throw new InputError("the number of integration steps must be a positive integer", {received: String(n)});
    const points: number[] = [],
        weights: number[] = [];
    for (let i = 0; i < n; i++) {
        let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
        let derivative = 1;
        for (let iteration = 0; iteration < 100; iteration++) {
            let p0 = 1,
                p1 = x;
            for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
            if (n === 1) [p0, p1] = [1, x];
            derivative = (n * (x * p1 - p0)) / (x * x - 1);
            const step = p1 / derivative;
            x -= step;
            if (Math.abs(step) < 1e-15) break;
        }
        points.push((1 - x) / 2);
        weights.push(1 / ((1 - x * x) * derivative * derivative));
    }
    return {points, weights};
}

export function integratedGradients(
    input: ArrayLike<number>,
    baseline: ArrayLike<number>,
    gradientAt: (point: Float64Array) => ArrayLike<number>,
    steps = 50,
): Float64Array {
    const {points, weights} = gaussLegendre(steps);
    const attribution = new Float64Array(input.length);
    points.forEach((alpha, k) => {
        const point = Float64Array.from({length: input.length}, (_, i) => baseline[i]! + alpha * (input[i]! - baseline[i]!));
        const gradient = gradientAt(point);
        for (let i = 0; i < input.length; i++) attribution[i] = attribution[i]! + weights[k]! * gradient[i]!;
    });
    for (let i = 0; i < input.length; i++) attribution[i] = attribution[i]! * (input[i]! - baseline[i]!);
    return attribution;
}

export interface EmbeddingAttribution {
    /** `[length, dim]`: attribution of each embedding coordinate. */
    attributions: Float64Array;
    /** Per position: the sum over its coordinates. */
    perToken: Float64Array;
    /** f(input) − f(baseline) − Σ attributions: 0 for an exact integral (completeness). */
    convergenceDelta: number;
}

/**
 * IG of `objective` (over sequence 0) with respect to the input embeddings of `tokens`; the
 * baseline defaults to zero embeddings. `rules` turns it into IG of a rule-modified backward.
 */
export function embeddingIntegratedGradients(
    model: WhiteBoxModel,
    tokens: readonly number[],
    objective: Objective,
    options: {baseline?: Float32Array; steps?: number; rules?: Partial<BackwardRules>} = {},
): EmbeddingAttribution {
    const {dim} = model.config;
    const length = tokens.length;
    const {points, weights} = gaussLegendre(options.steps ?? 50);
    const input = model.runWithCache([tokens], ["hook_embed"], {precision: "f64"}).cache.get("hook_embed")!.data;
    const baseline = options.baseline ?? new Float32Array(length * dim);
    if (baseline.length !== length * dim) {
        throw new InputError("the baseline does not have one embedding per token", {expected: `${length * dim} values`, received: `${baseline.length} values`});
    }
    // The quadrature points, then α = 0 and α = 1 for the completeness check: one sequence each.
    const alphas = [...points, 0, 1];
    const termsOf = (sequence: number): ObjectiveTerm[] => objective.terms.map((term) => ({...term, sequence}));
    const result = model.backward({
        tokens: alphas.map(() => tokens),
        precision: "f64",
        rules: options.rules,
        objective: {terms: alphas.flatMap((_, sequence) => termsOf(sequence))},
        hooks: [
            {
                name: "hook_embed",
                fn: ({data}) => {
                    alphas.forEach((alpha, sequence) => {
                        const offset = sequence * length * dim;
                        for (let i = 0; i < length * dim; i++) data[offset + i] = baseline[i]! + alpha * (input[i]! - baseline[i]!);
                    });
                },
            },
        ],
    });
    const gradient = result.gradients.get("hook_embed")!.data;
    const valueAt = (sequence: number): number =>
        evaluateObjective({terms: termsOf(sequence)}, result.logits.data, alphas.length, length, model.config.vocabSize).value;
    const attributions = new Float64Array(length * dim);
    points.forEach((_, k) => {
        for (let i = 0; i < attributions.length; i++) attributions[i] = attributions[i]! + weights[k]! * gradient[k * length * dim + i]!;
    });
    const perToken = new Float64Array(length);
    for (let i = 0; i < attributions.length; i++) {
        attributions[i] = attributions[i]! * (input[i]! - baseline[i]!);
        perToken[Math.floor(i / dim)] = perToken[Math.floor(i / dim)]! + attributions[i]!;
    }
    const total = perToken.reduce((sum, value) => sum + value, 0);
    const difference = valueAt(points.length + 1) - valueAt(points.length);
    return {attributions, perToken, convergenceDelta: difference - total};
}
