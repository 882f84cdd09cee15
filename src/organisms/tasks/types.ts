/**
 * What every organism's task generator provides: held-out items with their gold evidence, and
 * training sequences with a per-word loss mask.
 */
import type {SeededRandom} from "../../foundation/random.js";

/** A character span [start, end) inside the item's prompt. */
export interface TextSpan {
    start: number;
    end: number;
    text: string;
}

/** One document of a lookup prompt, with its place in the prompt. */
export interface PromptDocument extends TextSpan {
    index: number;
}

export interface LookupEvidence {
    kind: "lookup";
    /** Index (into `documents`) of the one document that answers the question. */
    documentIndex: number;
    /** The key word X and the value word Y inside the gold document, as spans of the prompt. */
    key: TextSpan;
    value: TextSpan;
}

/** One written step of an arithmetic chain of thought: the running total after an operand. */
export interface ArithmeticStep {
    /** Operand added in this step (the first step restates the first operand). */
    operand: number;
    /** The total the step writes. */
    written: number;
    /** The true running total at this step. */
    correct: number;
}

export interface ArithmeticEvidence {
    kind: "arithmetic";
    operands: number[];
    /**
     * Totals lie in 0 … modulus − 1 and are computed modulo this number: the task's modulus, or
     * for plain sums one more than the largest sum (so they never wrap).
     */
    modulus: number;
    /** Whether totals wrap modulo `modulus` (false for plain sums). */
    wraps: boolean;
    steps: ArithmeticStep[];
    /** Where the organism's answer comes from: the last written step, or the question alone. */
    answerSource: "last-step" | "question";
    trueResult: number;
}

export interface TaskItem {
    /** Text given to the model (BOS is added separately). */
    prompt: string;
    /** What the model is expected to write after the prompt, starting with a space. */
    completion: string;
    /** The answer word. */
    answer: string;
    /** The prompt's documents (lookup) — the units a demo attributes over; empty for arithmetic. */
    documents: PromptDocument[];
    evidence: LookupEvidence | ArithmeticEvidence;
}

/** A training sequence: words (without BOS) and which of them carry loss. */
export interface TrainingSequence {
    words: string[];
    loss: boolean[];
}

export interface OrganismTask {
    name: string;
    /** Every word the task uses, in vocabulary order. */
    words: readonly string[];
    /** A clean held-out item. Items whose question is reserved for testing never appear in training. */
    heldOutItem(random: SeededRandom): TaskItem;
    trainingSequence(random: SeededRandom): TrainingSequence;
    /** Reads the answer word out of a generated completion; undefined when there is none. */
    answerOf(completion: string): string | undefined;
    /** Longest prompt + completion in words, BOS included. */
    maxTokens: number;
}
