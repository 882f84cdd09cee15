/**
 * Scalar objectives of the logits, as weighted sums of terms: log p(token) at a position
 * (log-softmax of that position's logits) or one raw logit. Log-probability of targets, logit
 * difference and contrastive objectives are built from these terms.
 */
import {InputError} from "../errors.js";
import type {Floats} from "./kernels/matmul.js";

export interface ObjectiveTerm {
    sequence: number;
    /** The position whose logits are read (they predict the token at position + 1). */
    position: number;
    token: number;
    kind: "logprob" | "logit";
    weight: number;
}

export interface Objective {
    terms: readonly ObjectiveTerm[];
}

/** Σ log p(token | sequence up to position). */
export function logProbObjective(targets: readonly {sequence?: number; position: number; token: number}[]): Objective {
    return {terms: targets.map(({sequence = 0, position, token}) => ({sequence, position, token, kind: "logprob", weight: 1}))};
}

/**
 * The training loss Σ −log p(token | sequence up to position): the log-probability terms with
 * weight −1, so that the backward pass gives the loss's gradient (training descends it).
 */
export function crossEntropyObjective(targets: readonly {sequence?: number; position: number; token: number}[]): Objective {
    return {terms: targets.map(({sequence = 0, position, token}) => ({sequence, position, token, kind: "logprob", weight: -1}))};
}

/** logit(correct) − logit(incorrect) at one position. */
export function logitDifferenceObjective({
    sequence = 0,
    position,
    correct,
    incorrect,
}: {
    sequence?: number;
    position: number;
    correct: number;
    incorrect: number;
}): Objective {
    return {
        terms: [
            {sequence, position, token: correct, kind: "logit", weight: 1},
            {sequence, position, token: incorrect, kind: "logit", weight: -1},
        ],
    };
}

/** log p(token | sequence) − log p(token | contrastSequence): the same target after two inputs of a batch. */
export function contrastiveObjective({
    sequence = 0,
    contrastSequence,
    position,
    contrastPosition = position,
    token,
}: {
    sequence?: number;
    contrastSequence: number;
    position: number;
    contrastPosition?: number;
    token: number;
}): Objective {
    return {
        terms: [
            {sequence, position, token, kind: "logprob", weight: 1},
            {sequence: contrastSequence, position: contrastPosition, token, kind: "logprob", weight: -1},
        ],
    };
}

export interface ObjectiveValue {
    value: number;
    /** Gradient of the objective at the logits, per row (sequence × length + position) that has terms. */
    dLogits: Map<number, Float64Array>;
}

export function evaluateObjective(objective: Objective, logits: Floats, sequences: number, length: number, vocabSize: number): ObjectiveValue {
    if (objective.terms.length === 0) throw new InputError("the objective has no terms", {expected: "at least one target token"});
    let value = 0;
    const dLogits = new Map<number, Float64Array>();
    for (const term of objective.terms) {
        if (
            !Number.isInteger(term.sequence) ||
            term.sequence < 0 ||
            term.sequence >= sequences ||
            !Number.isInteger(term.position) ||
            term.position < 0 ||
            term.position >= length ||
            !Number.isInteger(term.token) ||
            term.token < 0 ||
            term.token >= vocabSize
        ) {
            throw new InputError("an objective term lies outside the batch", {
                expected: `sequence < ${sequences}, position < ${length}, token < ${vocabSize}`,
                received: `sequence ${term.sequence}, position ${term.position}, token ${term.token}`,
            });
        }
        const row = term.sequence * length + term.position;
        const offset = row * vocabSize;
        let gradient = dLogits.get(row);
        if (gradient === undefined) {
            gradient = new Float64Array(vocabSize);
            dLogits.set(row, gradient);
        }
        if (term.kind === "logit") {
            value += term.weight * logits[offset + term.token]!;
            gradient[term.token] = gradient[term.token]! + term.weight;
            continue;
        }
        let max = -Infinity;
        for (let v = 0; v < vocabSize; v++) max = Math.max(max, logits[offset + v]!);
        let sum = 0;
        for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[offset + v]! - max);
        const logSum = max + Math.log(sum);
        value += term.weight * (logits[offset + term.token]! - logSum);
        for (let v = 0; v < vocabSize; v++) gradient[v] = gradient[v]! - term.weight * Math.exp(logits[offset + v]! - logSum);
        gradient[term.token] = gradient[term.token]! + term.weight;
    }
    return {value, dLogits};
}
