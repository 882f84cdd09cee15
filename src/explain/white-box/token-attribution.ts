/**
 * White-box attribution to the context tokens, one row per target token ("component"): the
 * gradient's norm (saliency), input × gradient, integrated gradients along a path from a baseline
 * at the player positions, AttnLRP relevance (input × the gradient under the engine's LRP rules)
 * and attention (the last layer's pattern, or its rollout through every layer). Pure: a function
 * of the engine's model and token ids. Units come later (unit-sums.ts).
 */
import {attnLrpRules, cpLrpRules, type BackwardRules} from "../../engine/rules.js";
import type {ObjectiveTerm} from "../../engine/objectives.js";
import type {WhiteBoxModel} from "../../engine/white-box-model.js";
import {InputError} from "../../errors.js";
import type {TokenAttribution, TokenAttributionRequest} from "./token-attribution-types.js";
import {integratedGradientAttribution} from "./path-integral.js";

export type {AttentionAggregation, LrpRuleSet, TokenAttribution, TokenAttributionRequest} from "./token-attribution-types.js";

export function tokenAttribution(model: WhiteBoxModel, request: TokenAttributionRequest): TokenAttribution {
    if (request.players.length !== request.context.length) throw new Error("one player flag per context position is required");
    switch (request.method) {
        case "attention":
            return attentionAttribution(model, request);
        case "ig":
            return integratedGradientAttribution(model, request);
        default:
            return gradientAttribution(model, request);
    }
}

/** Objective terms for target `target`'s tokens, one per sequence `offset + j` (or all on `sequence`). */
function termsFor(
    contextLength: number,
    tokens: readonly number[],
    sign: number,
    kind: ObjectiveTerm["kind"],
    sequenceOf: (j: number) => number,
): ObjectiveTerm[] {
    return tokens.map((token, j) => ({sequence: sequenceOf(j), position: contextLength - 1 + j, token, kind, weight: sign}));
}

function rulesFor(request: TokenAttributionRequest): Partial<BackwardRules> | undefined {
    if (request.method !== "attnlrp") return undefined;
    return (request.lrpRules ?? "attnlrp") === "cplrp" ? cpLrpRules : attnLrpRules;
}

/** grad, ixg, attnlrp: one backward pass over a batch of one copy of the sequence per target token. */
function gradientAttribution(model: WhiteBoxModel, request: TokenAttributionRequest): TokenAttribution {
    const {dim} = model.config;
    const n = request.context.length;
    const kind = request.method === "attnlrp" ? "logit" : "logprob";
    const components: number[][] = [];
    const summedGradient = new Float64Array(n * dim);
    let valueInput = 0,
        relevanceTotal = 0,
        passes = 0;
    for (const {tokens, sign} of request.targets) {
        const sequence = [...request.context, ...tokens.slice(0, -1)];
        const length = sequence.length;
        const result = model.backward({
            tokens: tokens.map(() => sequence),
            objective: {terms: termsFor(n, tokens, sign, kind, (j) => j)},
            precision: request.precision ?? "f32",
            cache: ["hook_embed"],
            ...(request.method === "attnlrp" ? {rules: rulesFor(request)} : {}),
        });
        passes += tokens.length;
        valueInput += result.value;
        const gradient = result.gradients.get("hook_embed")!.data;
        const input = result.cache.get("hook_embed")!.data;
        tokens.forEach((_, j) => {
            const row: number[] = [];
            const base = j * length * dim;
            for (let p = 0; p < length; p++) {
                let dot = 0,
                    square = 0;
                for (let d = 0; d < dim; d++) {
                    const g = gradient[base + p * dim + d]!;
                    dot += input[base + p * dim + d]! * g;
                    square += g * g;
                    if (p < n) summedGradient[p * dim + d] = summedGradient[p * dim + d]! + g;
                }
                if (request.method === "attnlrp") relevanceTotal += dot;
                if (p < n) row.push(request.method === "grad" ? Math.sqrt(square) : dot);
            }
            components.push(row);
        });
    }
    const values =
        request.method === "grad"
            ? Array.from({length: n}, (_, p) => Math.hypot(...summedGradient.subarray(p * dim, (p + 1) * dim)))
            : Array.from({length: n}, (_, p) => components.reduce((sum, row) => sum + row[p]!, 0));
    return {
        components,
        values,
        valueInput,
        ...(request.method === "attnlrp" ? {relevanceTotal} : {}),
        forwardPasses: passes,
        backwardPasses: passes,
    };
}

/**
 * Attention from the position that predicts each target token to the context: the last layer's
 * pattern averaged over heads ("raw"), or the rollout Π (½ A_l + ½ I) over layers (Abnar &
 * Zuidema 2020). Foil rows, in a contrastive run, come from the foil's sequence, negated.
 */
function attentionAttribution(model: WhiteBoxModel, request: TokenAttributionRequest): TokenAttribution {
    const {layers, heads} = model.config;
    const n = request.context.length;
    const aggregation = request.attention ?? "raw";
    const components: number[][] = [];
    for (const {tokens, sign} of request.targets) {
        const sequence = [...request.context, ...tokens.slice(0, -1)];
        const length = sequence.length;
        const names = Array.from({length: layers}, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
        const {cache} = model.runWithCache([sequence], aggregation === "raw" ? [names.at(-1)!] : names, {precision: request.precision ?? "f32"});
        const averaged = (name: string): Float64Array => {
            const pattern = cache.get(name)!.data;
            const mean = new Float64Array(length * length);
            for (let h = 0; h < heads; h++) for (let i = 0; i < length * length; i++) mean[i] = mean[i]! + pattern[h * length * length + i]! / heads;
            return mean;
        };
        let flow = averaged(names.at(-1)!);
        if (aggregation === "rollout") {
            flow = identity(length);
            for (const name of names) {
                const mixed = averaged(name);
                for (let i = 0; i < length; i++) for (let k = 0; k < length; k++) mixed[i * length + k] = 0.5 * mixed[i * length + k]! + (i === k ? 0.5 : 0);
                flow = multiply(mixed, flow, length);
            }
        }
        tokens.forEach((_, j) => components.push(Array.from({length: n}, (_, p) => sign * flow[(n - 1 + j) * length + p]!)));
    }
    const values = Array.from({length: n}, (_, p) => components.reduce((sum, row) => sum + row[p]!, 0));
    const forwardPasses = request.targets.length;
    return {components, values, forwardPasses, backwardPasses: 0};
}

function identity(size: number): Float64Array {
    const out = new Float64Array(size * size);
    for (let i = 0; i < size; i++) out[i * size + i] = 1;
    return out;
}

function multiply(a: Float64Array, b: Float64Array, size: number): Float64Array {
    const out = new Float64Array(size * size);
    for (let i = 0; i < size; i++)
        for (let k = 0; k < size; k++) for (let j = 0; j < size; j++) out[i * size + j] = out[i * size + j]! + a[i * size + k]! * b[k * size + j]!;
    return out;
}

/** Refuses a request the methods cannot run, naming the parameter. */
export function checkTokenAttributionRequest(request: Pick<TokenAttributionRequest, "targets">): void {
    if (request.targets.length === 0 || request.targets.some((target) => target.tokens.length === 0)) {
        throw new InputError("white-box attribution needs at least one target token", {parameter: "target", hint: "give a non-empty target"});
    }
}
