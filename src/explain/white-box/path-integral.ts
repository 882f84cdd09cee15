/**
 * Integrated gradients at the input embeddings of the player positions, with adaptive
 * refinement of the path. The path [0, 1] starts as one interval integrated by the chosen rule
 * (Gauss–Legendre or midpoint Riemann, `steps` points). Completeness holds on every piece of the
 * path: over [a, b] the attributions must sum to f(b) − f(a). While the total convergence delta
 * exceeds `tolerance` × |f(x) − f(baseline)|, the intervals whose own gap is largest are halved and
 * integrated again, until the gradient evaluations reach `maxSteps`. Steep stretches of the path
 * (a softmax saturating) get the points; `tolerance: 0` keeps the plain rule.
 */
import type {WhiteBoxModel} from "../../engine/white-box-model.js";
import {InputError} from "../../errors.js";
import {baselineEmbeddings, defaultIntegrationSteps, quadrature} from "./integration.js";
import type {TokenAttribution, TokenAttributionRequest} from "./token-attribution-types.js";

export const defaultTolerance = 0.01;
export const defaultMaxSteps = 1024;
/** Sequences in one batched backward pass of the path (the points of one target token's path, or of several). */
const sequencesPerPass = 64;

interface Interval {
    a: number;
    b: number;
    /** components × context positions: this interval's share of the attributions. */
    rows: Float64Array[];
}

interface TargetPath {
    sequence: number[];
    tokens: readonly number[];
    sign: number;
    input: ArrayLike<number>;
}

export function integratedGradientAttribution(model: WhiteBoxModel, request: TokenAttributionRequest): TokenAttribution {
    const n = request.context.length;
    const steps = request.steps ?? defaultIntegrationSteps;
    const rule = quadrature(steps, request.integration ?? "gauss-legendre");
    const tolerance = request.tolerance ?? defaultTolerance;
    const maxSteps = request.maxSteps ?? defaultMaxSteps;
    if (!(tolerance >= 0)) throw new InputError("the tolerance must be zero or positive", {parameter: "tolerance", received: String(tolerance)});
    if (!Number.isInteger(maxSteps) || maxSteps < steps) {
        throw new InputError("maxSteps must be an integer of at least steps", {
            parameter: "maxSteps",
            expected: `at least ${steps}`,
            received: String(maxSteps),
        });
    }
    const baseline = baselineEmbeddings(model, request.baseline ?? {kind: "mean"}, n);
    const precision = request.precision ?? "f32";
    const paths: TargetPath[] = request.targets.map(({tokens, sign}) => {
        const sequence = [...request.context, ...tokens.slice(0, -1)];
        return {sequence, tokens, sign, input: model.runWithCache([sequence], ["hook_embed"], {precision}).cache.get("hook_embed")!.data};
    });
    const components = paths.reduce((count, path) => count + path.tokens.length, 0);
    const endpointValues = new Map<number, number>();
    let gradientEvaluations = 0,
        sequencesRun = 0;

    /** Runs every α (and the endpoints not yet known) for every component: the dots (x − x′)·∇f per position, and the values. */
    const run = (alphas: readonly number[]): {dots: Float64Array[][]; values: Map<number, number>} => {
        const dots: Float64Array[][] = alphas.map(() => []);
        const values = new Map<number, number>();
        let component = 0;
        for (const path of paths) {
            // At most `sequencesPerPass` sequences per backward pass: memory grows with the batch.
            const chunk = Math.max(1, Math.floor(sequencesPerPass / path.tokens.length));
            for (let from = 0; from < alphas.length; from += chunk) {
                const part = alphas.slice(from, from + chunk);
                const result = runPath(model, path, part, baseline, request.players, precision);
                sequencesRun += part.length * path.tokens.length;
                path.tokens.forEach((_, j) => {
                    part.forEach((alpha, k) => {
                        dots[from + k]![component + j] = result.dots[j]![k]!;
                        values.set(alpha, (values.get(alpha) ?? 0) + result.values[j]![k]!);
                    });
                });
            }
            component += path.tokens.length;
        }
        return {dots, values};
    };

    const integrate = (intervals: {a: number; b: number}[]): Interval[] => {
        const alphas = intervals.flatMap(({a, b}) => rule.points.map((point) => a + (b - a) * point));
        const endpoints = [...new Set(intervals.flatMap(({a, b}) => [a, b]))].filter((alpha) => !endpointValues.has(alpha));
        const {dots, values} = run([...alphas, ...endpoints]);
        gradientEvaluations += alphas.length;
        for (const alpha of endpoints) endpointValues.set(alpha, values.get(alpha)!);
        return intervals.map(({a, b}, i) => {
            const rows = Array.from({length: components}, () => new Float64Array(n));
            rule.weights.forEach((weight, k) => {
                const row = dots[i * rule.points.length + k]!;
                row.forEach((dot, c) => {
                    for (let p = 0; p < n; p++) rows[c]![p] = rows[c]![p]! + (b - a) * weight * dot[p]!;
                });
            });
            return {a, b, rows};
        });
    };
    const gapOf = (interval: Interval): number =>
        endpointValues.get(interval.b)! - endpointValues.get(interval.a)! - interval.rows.reduce((sum, row) => sum + row.reduce((s, v) => s + v, 0), 0);

    let intervals = integrate([{a: 0, b: 1}]);
    const change = (): number => endpointValues.get(1)! - endpointValues.get(0)!;
    for (;;) {
        const delta = -intervals.reduce((sum, interval) => sum + gapOf(interval), 0);
        if (Math.abs(delta) <= tolerance * Math.abs(change())) break;
        const threshold = (tolerance * Math.abs(change())) / intervals.length;
        const ranked = [...intervals].sort((x, y) => Math.abs(gapOf(y)) - Math.abs(gapOf(x)));
        let chosen = ranked.filter((interval) => Math.abs(gapOf(interval)) > threshold);
        if (chosen.length === 0) chosen = ranked.slice(0, 1);
        const room = Math.floor((maxSteps - gradientEvaluations) / (2 * steps));
        if (room < 1) break;
        chosen = chosen.slice(0, room);
        const halves = chosen.flatMap(({a, b}) => [
            {a, b: (a + b) / 2},
            {a: (a + b) / 2, b},
        ]);
        const refined = integrate(halves);
        intervals = [...intervals.filter((interval) => !chosen.includes(interval)), ...refined].sort((x, y) => x.a - y.a);
    }

    const rows = Array.from({length: components}, (_, c) =>
        Array.from({length: n}, (_, p) => intervals.reduce((sum, interval) => sum + interval.rows[c]![p]!, 0)),
    );
    const values = Array.from({length: n}, (_, p) => rows.reduce((sum, row) => sum + row[p]!, 0));
    const total = values.reduce((sum, value) => sum + value, 0);
    const valueInput = endpointValues.get(1)!,
        valueBaseline = endpointValues.get(0)!;
    return {
        components: rows,
        values,
        valueInput,
        valueBaseline,
        convergenceDelta: total - (valueInput - valueBaseline),
        gradientEvaluations,
        intervals: intervals.length,
        forwardPasses: sequencesRun + paths.length,
        backwardPasses: sequencesRun,
    };
}

/** One batched backward pass of `path` at every α: per target token j and α k, the dots per position and the signed log-probability. */
function runPath(
    model: WhiteBoxModel,
    path: TargetPath,
    alphas: readonly number[],
    baseline: Float64Array,
    players: readonly boolean[],
    precision: "f32" | "f64",
): {dots: Float64Array[][]; values: number[][]} {
    const {dim, vocabSize} = model.config;
    const n = players.length;
    const length = path.sequence.length;
    const count = path.tokens.length * alphas.length;
    const result = model.backward({
        tokens: Array.from({length: count}, () => path.sequence),
        objective: {
            terms: path.tokens.flatMap((token, j) =>
                alphas.map((_, k) => ({sequence: j * alphas.length + k, position: n - 1 + j, token, kind: "logprob" as const, weight: path.sign})),
            ),
        },
        precision,
        hooks: [
            {
                name: "hook_embed",
                fn: ({data}) => {
                    for (let s = 0; s < count; s++) {
                        const alpha = alphas[s % alphas.length]!;
                        for (let p = 0; p < n; p++) {
                            if (!players[p]) continue;
                            for (let d = 0; d < dim; d++) {
                                const i = p * dim + d;
                                data[s * length * dim + i] = baseline[i]! + alpha * (path.input[i]! - baseline[i]!);
                            }
                        }
                    }
                },
            },
        ],
    });
    const gradient = result.gradients.get("hook_embed")!.data;
    const logits = result.logits.data;
    const dots: Float64Array[][] = [],
        values: number[][] = [];
    path.tokens.forEach((token, j) => {
        const jDots: Float64Array[] = [],
            jValues: number[] = [];
        alphas.forEach((_, k) => {
            const s = j * alphas.length + k;
            const row = new Float64Array(n);
            for (let p = 0; p < n; p++) {
                if (!players[p]) continue;
                let dot = 0;
                for (let d = 0; d < dim; d++) dot += gradient[s * length * dim + p * dim + d]! * (path.input[p * dim + d]! - baseline[p * dim + d]!);
                row[p] = dot;
            }
            jDots.push(row);
            jValues.push(path.sign * logProb(logits, (s * length + n - 1 + j) * vocabSize, vocabSize, token));
        });
        dots.push(jDots);
        values.push(jValues);
    });
    return {dots, values};
}

function logProb(logits: ArrayLike<number>, offset: number, vocabulary: number, token: number): number {
    let largest = -Infinity;
    for (let v = 0; v < vocabulary; v++) largest = Math.max(largest, logits[offset + v]!);
    let total = 0;
    for (let v = 0; v < vocabulary; v++) total += Math.exp(logits[offset + v]! - largest);
    return logits[offset + token]! - largest - Math.log(total);
}
