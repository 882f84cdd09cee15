/**
 * A llama-family decoder whose insides can be read, patched and differentiated: `run`,
 * `runWithCache` (keeps only the activations asked for), `runWithHooks` (read, replace or add at
 * any hook point) and `backward` (gradients of a scalar objective of the logits at the input
 * embeddings and any hook point, under plain or LRP-family rules, and, under the plain rules, with
 * respect to every weight: training is this backward pass). Pure: weights come in decoded.
 */
import {ContextOverflowError, InputError} from "../errors.js";
import type {EngineConfig} from "./config.js";
import {runBackward} from "./backward.js";
import {runForward, type Precision} from "./forward.js";
import {forgetTranspose} from "./kernels/matmul.js";
import {checkHookNames, HookSet, type CacheFilter, type Hook, type Tensor} from "./hooks.js";
import type {Objective} from "./objectives.js";
import {gradientRules, resolveRules, type BackwardRules} from "./rules.js";
import {weightGradientsFit, type WeightGradients} from "./weight-gradients.js";
import {buildWeights, type BuildOptions, type EngineWeights, type ModelPlan, type TensorDescription} from "./weights.js";

/** A batch of token-id sequences of equal length. */
export type TokenBatch = readonly (readonly number[])[];

export interface RunOptions {
    /** "f32" (default) or "f64", the reference path. */
    precision?: Precision;
}

export interface HookedRunOptions extends RunOptions {
    /** Activations to keep, by hook name or predicate; none by default. */
    cache?: CacheFilter;
}

export interface RunResult {
    /** `[sequences, length, vocabSize]`. */
    logits: Tensor;
    cache: Map<string, Tensor>;
}

export interface BackwardRequest extends HookedRunOptions {
    tokens: TokenBatch;
    objective: Objective;
    /** Rules per layer kind; unspecified kinds take the plain gradient. */
    rules?: Partial<BackwardRules>;
    hooks?: readonly Hook[];
    /** Hook names whose gradient to return; "hook_embed" (the input embeddings) is always included. */
    gradientsAt?: readonly string[];
    /**
     * Gradients with respect to the weights are added to these arrays (see `zeroWeightGradients`);
     * plain gradient rules only.
     */
    weightGradients?: WeightGradients;
}

export interface BackwardResult extends RunResult {
    value: number;
    gradients: Map<string, Tensor>;
}

export class WhiteBoxModel {
    constructor(
        readonly config: EngineConfig,
        readonly weights: EngineWeights,
    ) {}

    static fromPlan(plan: ModelPlan, readTensor: (tensor: TensorDescription) => Uint8Array, options: BuildOptions = {}): WhiteBoxModel {
        return new WhiteBoxModel(plan.config, buildWeights(plan, readTensor, options));
    }

    /**
     * Call after changing weights in place (an optimizer step): the float32 backward pass keeps a
     * transpose of each matrix, which this drops. (The float64 path keeps nothing.)
     */
    weightsChanged(): void {
        const {weights} = this;
        for (const matrix of [weights.unembedding, ...weights.blocks.flatMap((b) => [b.query, b.key, b.value, b.output, b.gate, b.up, b.down])]) {
            forgetTranspose(matrix);
        }
    }

    run(tokens: TokenBatch, options: RunOptions = {}): Tensor {
        return this.runWithHooks(tokens, [], options).logits;
    }

    runWithCache(tokens: TokenBatch, filter: CacheFilter, options: RunOptions = {}): RunResult {
        return this.runWithHooks(tokens, [], {...options, cache: filter});
    }

    runWithHooks(tokens: TokenBatch, hooks: readonly Hook[], options: HookedRunOptions = {}): RunResult {
        this.checkTokens(tokens);
        const hookSet = new HookSet(this.config.layers, hooks, options.cache);
        const {logits} = runForward(this, tokens, options.precision ?? "f32", hookSet, false);
        return {logits, cache: hookSet.cache};
    }

    backward(request: BackwardRequest): BackwardResult {
        this.checkTokens(request.tokens);
        const recordAt = new Set(["hook_embed", ...(request.gradientsAt ?? [])]);
        checkHookNames(recordAt, this.config.layers);
        const precision = request.precision ?? "f32";
        const rules = resolveRules(request.rules);
        if (request.weightGradients !== undefined) this.checkWeightGradients(request.weightGradients, rules);
        const hookSet = new HookSet(this.config.layers, request.hooks ?? [], request.cache);
        const {logits, tape} = runForward(this, request.tokens, precision, hookSet, true);
        const {value, gradients} = runBackward(this, tape!, request.objective, rules, precision, recordAt, request.weightGradients);
        return {logits, cache: hookSet.cache, value, gradients};
    }

    private checkWeightGradients(weightGradients: WeightGradients, rules: BackwardRules): void {
        const modified = (Object.keys(gradientRules) as (keyof BackwardRules)[]).filter((kind) => rules[kind] !== gradientRules[kind]);
        if (modified.length > 0) {
            throw new InputError("weight gradients are computed under the plain gradient rules only", {
                parameter: "rules",
                expected: "no rule overrides when weightGradients is given",
                received: `overridden rules for ${modified.join(", ")}`,
                hint: "run the LRP-family backward pass without weightGradients",
            });
        }
        const mismatch = weightGradientsFit(this.config, this.weights, weightGradients);
        if (mismatch !== undefined) {
            throw new InputError("the weight gradients do not fit the model", {
                parameter: "weightGradients",
                expected: "arrays shaped like the model's weights (zeroWeightGradients(model.weights))",
                received: mismatch,
            });
        }
    }

    /** Equal-length, non-empty sequences of valid token ids, within the context. */
    checkTokens(tokens: TokenBatch): void {
        const first = tokens[0];
        if (first === undefined || first.length === 0) throw new InputError("the batch is empty", {expected: "at least one sequence of at least one token"});
        tokens.forEach((sequence, index) => {
            if (sequence.length !== first.length) {
                throw new InputError("the sequences of a batch must have the same length", {
                    expected: `${first.length} tokens (the length of sequence 0)`,
                    received: `${sequence.length} tokens in sequence ${index}`,
                    hint: "run sequences of different lengths in separate calls",
                });
            }
            const bad = sequence.findIndex((token) => !Number.isInteger(token) || token < 0 || token >= this.config.vocabSize);
            if (bad >= 0) {
                throw new InputError(`token id at position ${bad} of sequence ${index} is outside the vocabulary`, {
                    expected: `an integer in [0, ${this.config.vocabSize})`,
                    received: String(sequence[bad]),
                });
            }
        });
        if (first.length > this.config.contextLength) {
            throw new ContextOverflowError("the sequences are longer than the model's context", {
                expected: `at most ${this.config.contextLength} positions`,
                received: `${first.length} tokens`,
            });
        }
    }
}
