/**
 * Integrated gradients' settings: the baseline embeddings the path starts from and the quadrature
 * rule on [0, 1] (Gauss–Legendre or the midpoint Riemann sum), checked with errors that name the
 * parameter.
 */
import {gaussLegendre} from "../../engine/integrated-gradients.js";
import type {WhiteBoxModel} from "../../engine/white-box-model.js";
import {InputError} from "../../errors.js";

export const integrationMethods = ["gauss-legendre", "riemann"] as const;
export type IntegrationMethod = (typeof integrationMethods)[number];

export const baselineKinds = ["mean", "zero", "token"] as const;

/**
 * Where the path starts, for the player positions only (the template keeps its embeddings):
 * the mean token embedding (default), zero embeddings, the embedding of one token, or explicit
 * embeddings of shape [context tokens, width].
 */
export type IntegratedGradientsBaseline = {kind: "mean"} | {kind: "zero"} | {kind: "token"; token: number} | {kind: "embeddings"; data: ArrayLike<number>};

export const defaultIntegrationSteps = 32;

export interface QuadraturePoints {
    points: number[];
    weights: number[];
}

/** Nodes and weights on [0, 1]; `steps` must be a positive integer. */
export function quadrature(steps: number, method: IntegrationMethod): QuadraturePoints {
    if (!Number.isInteger(steps) || steps < 1) {
        throw new InputError("integrated gradients needs at least one integration step", {
            parameter: "steps",
            expected: "a positive integer number of steps (default 32)",
            received: String(steps),
            hint: "give steps of 1 or more; the convergence delta says whether they suffice",
        });
    }
    if (method === "gauss-legendre") return gaussLegendre(steps);
    return {points: Array.from({length: steps}, (_, k) => (k + 0.5) / steps), weights: Array.from({length: steps}, () => 1 / steps)};
}

/** The baseline as `[positions, width]` embeddings (rows of non-player positions are not read). */
export function baselineEmbeddings(model: WhiteBoxModel, baseline: IntegratedGradientsBaseline, positions: number): Float64Array {
    const {dim, vocabSize} = model.config;
    const out = new Float64Array(positions * dim);
    const embedding = model.weights.tokenEmbedding;
    switch (baseline.kind) {
        case "zero":
            return out;
        case "mean": {
            const mean = new Float64Array(dim);
            for (let v = 0; v < vocabSize; v++) for (let d = 0; d < dim; d++) mean[d] = mean[d]! + embedding[v * dim + d]! / vocabSize;
            for (let p = 0; p < positions; p++) out.set(mean, p * dim);
            return out;
        }
        case "token": {
            if (!Number.isInteger(baseline.token) || baseline.token < 0 || baseline.token >= vocabSize) {
                throw new InputError("the baseline token is outside the vocabulary", {
                    parameter: "baseline",
                    expected: `a token id in [0, ${vocabSize})`,
                    received: String(baseline.token),
                });
            }
            const row = embedding.subarray(baseline.token * dim, (baseline.token + 1) * dim);
            for (let p = 0; p < positions; p++) out.set(row, p * dim);
            return out;
        }
        case "embeddings": {
            if (baseline.data.length !== positions * dim) {
                throw new InputError("the baseline does not have one embedding per context token", {
                    parameter: "baseline",
                    expected: `${positions * dim} values: [${positions} context tokens, ${dim} width]`,
                    received: `${baseline.data.length} values`,
                    hint: "give one row of the model's width per context token (BOS and template included)",
                });
            }
            for (let i = 0; i < out.length; i++) out[i] = baseline.data[i]!;
            return out;
        }
    }
}

/** The baseline in words, for results. */
export function describeBaseline(baseline: IntegratedGradientsBaseline): string {
    switch (baseline.kind) {
        case "mean":
            return "mean token embedding";
        case "zero":
            return "zero embeddings";
        case "token":
            return `embedding of token ${baseline.token}`;
        case "embeddings":
            return "given embeddings";
    }
}
