/**
 * A llama-family decoder whose insides can be read, patched and differentiated: `run`,
 * `runWithCache` (keeps only the activations asked for), `runWithHooks` (read, replace or add at
 * any hook point) and `backward` (gradients of a scalar objective of the logits at the input
 * embeddings and any hook point, under plain or LRP-family rules). Pure: weights come in decoded.
 */
import {ContextOverflowError, InputError} from "../errors.js";
import type {EngineConfig} from "./config.js";
import {runBackward} from "./backward.js";
import {runForward, type Precision} from "./forward.js";
import {checkHookNames, HookSet, type CacheFilter, type Hook, type Tensor} from "./hooks.js";
import type {Objective} from "./objectives.js";
import {resolveRules, type BackwardRules} from "./rules.js";
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
        const hookSet = new HookSet(this.config.layers, request.hooks ?? [], request.cache);
        const {logits, tape} = runForward(this, request.tokens, precision, hookSet, true);
        const {value, gradients} = runBackward(this, tape!, request.objective, resolveRules(request.rules), precision, recordAt);
        return {logits, cache: hookSet.cache, value, gradients};
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
