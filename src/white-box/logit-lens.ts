/**
 * The logit lens: the residual stream leaving each block read through the model's own final
 * RMSNorm and unembedding, as if the remaining blocks were skipped. At the last block it is the
 * model's output. Per layer and position: the top tokens and, when a target is given, its rank and
 * probability.
 */
import {InputError} from "../errors.js";
import {blockHook, type Tensor} from "../engine/hooks.js";
import type {Precision} from "../engine/forward.js";
import type {WhiteBoxModel} from "../engine/white-box-model.js";

export interface LensToken {
    token: number;
    probability: number;
}

export interface LensCell {
    top: LensToken[];
    /** 1-based rank of the target among all tokens, and its probability; absent without a target. */
    target?: {token: number; rank: number; probability: number};
}

export interface LogitLens {
    /** Hook read per row: `blocks.{i}.hook_resid_post`, one row per block. */
    layers: string[];
    /** `[layer][position]`. */
    cells: LensCell[][];
}

export interface LogitLensOptions {
    /** Tokens listed per cell (default 5). */
    top?: number;
    target?: number;
    precision?: Precision;
}

export function logitLens(model: WhiteBoxModel, tokens: readonly number[], options: LogitLensOptions = {}): LogitLens {
    const top = options.top ?? 5;
    const {vocabSize, layers} = model.config;
    if (!Number.isInteger(top) || top < 1)
        throw new InputError("the number of top tokens must be a positive integer", {parameter: "top", expected: "1 or more", received: String(top)});
    if (options.target !== undefined && (!Number.isInteger(options.target) || options.target < 0 || options.target >= vocabSize)) {
        throw new InputError("the target token is outside the vocabulary", {
            parameter: "target",
            expected: `a token id in [0, ${vocabSize})`,
            received: String(options.target),
        });
    }
    const names = Array.from({length: layers}, (_, layer) => blockHook(layer, "hook_resid_post"));
    const {cache} = model.runWithCache([tokens], names, options.precision === undefined ? {} : {precision: options.precision});
    return {
        layers: names,
        cells: names.map((name) => {
            const residual = cache.get(name);
            if (residual === undefined) throw new Error(`internal: ${name} was not cached`);
            return tokens.map((_, position) => lensCell(model, residual, position, top, options.target));
        }),
    };
}

/** Log-probabilities of the lens at one position: log-softmax of W_U · (gain ⊙ x / rms(x)), in float64. */
export function lensLogprobs(model: WhiteBoxModel, residual: Tensor, position: number): Float64Array {
    const {dim, vocabSize, normEps} = model.config;
    const {outputNorm, unembedding} = model.weights;
    const offset = position * dim;
    let squares = 0;
    for (let i = 0; i < dim; i++) squares += residual.data[offset + i]! ** 2;
    const scale = 1 / Math.sqrt(squares / dim + normEps);
    const normed = new Float64Array(dim);
    for (let i = 0; i < dim; i++) normed[i] = residual.data[offset + i]! * scale * outputNorm[i]!;
    const logits = new Float64Array(vocabSize);
    let largest = -Infinity;
    for (let v = 0; v < vocabSize; v++) {
        let total = 0;
        for (let i = 0; i < dim; i++) total += unembedding[v * dim + i]! * normed[i]!;
        logits[v] = total;
        largest = Math.max(largest, total);
    }
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[v]! - largest);
    const logSum = largest + Math.log(sum);
    for (let v = 0; v < vocabSize; v++) logits[v] = logits[v]! - logSum;
    return logits;
}

function lensCell(model: WhiteBoxModel, residual: Tensor, position: number, top: number, target: number | undefined): LensCell {
    const logprobs = lensLogprobs(model, residual, position);
    const order = Array.from(logprobs.keys()).sort((a, b) => logprobs[b]! - logprobs[a]! || a - b);
    const cell: LensCell = {top: order.slice(0, top).map((token) => ({token, probability: Math.exp(logprobs[token]!)}))};
    if (target !== undefined) {
        const value = logprobs[target]!;
        let rank = 1;
        for (let v = 0; v < logprobs.length; v++) if (logprobs[v]! > value || (logprobs[v] === value && v < target)) rank++;
        cell.target = {token: target, rank, probability: Math.exp(value)};
    }
    return cell;
}
