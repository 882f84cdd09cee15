/**
 * The window and vocabulary check every backend (and `glassbox serve`) makes before any work: a
 * request's context is not empty, context plus the tokens that follow it (a target to score, tokens
 * to generate) fit the context size, and every token id lies inside the vocabulary. One helper, so
 * that every backend refuses the same requests with the same typed errors.
 */
import {ContextOverflowError, InputError} from "../errors.js";
import type {BackendCapabilities, GenerateRequest, ScoreRequest, TokenId, VocabularyInfo} from "./backend-spec.js";

export interface TokenWindowLimits {
    /** Tokens one request may use (context and what follows it together). */
    contextSize: number;
    /** Vocabulary size; 0 when unknown (ids are then only checked to be non-negative integers). */
    vocabularySize: number;
    /** What fixes an overflow, for the error's hint. */
    overflowHint?: string;
    /** What the caller calls the context in messages ("context" by default; the server says "prompt"). */
    contextName?: string;
}

/** The limits a backend declares. */
export function windowLimits(
    backend: {readonly capabilities: Pick<BackendCapabilities, "contextSize">; readonly vocabulary: Pick<VocabularyInfo, "size">},
    overflowHint?: string,
): TokenWindowLimits {
    return {
        contextSize: backend.capabilities.contextSize,
        vocabularySize: backend.vocabulary.size,
        ...(overflowHint === undefined ? {} : {overflowHint}),
    };
}

/**
 * Refuses an empty context, a context that leaves fewer than `following` tokens of room, and token
 * ids outside the vocabulary. `followingName` names what follows the context ("target tokens",
 * "tokens to generate") in the overflow message.
 */
export function checkTokenWindow(context: readonly TokenId[], following: number, followingName: string, limits: TokenWindowLimits): void {
    const contextName = limits.contextName ?? "context";
    if (context.length === 0) {
        throw new InputError(`the ${contextName} is empty`, {expected: "at least one token (BOS counts)", received: "0 tokens"});
    }
    const total = context.length + following;
    if (total > limits.contextSize) {
        throw new ContextOverflowError(
            `${context.length} ${contextName} tokens + ${following} ${followingName} = ${total} tokens do not fit the context of ${limits.contextSize} tokens`,
            {
                expected: `at most ${limits.contextSize} tokens`,
                received: `${total} tokens`,
                hint: limits.overflowHint ?? "shorten the prompt or target, or use a model with a larger context",
                parameter: followingName === "tokens to generate" ? "maxTokens" : "contextSize",
                fields: {contextTokens: context.length, extraTokens: following, contextSize: limits.contextSize},
            },
        );
    }
    checkVocabulary(context, limits.vocabularySize);
}

/** Refuses token ids that are not integers inside the vocabulary (any non-negative integer when its size is unknown). */
export function checkVocabulary(tokens: readonly TokenId[], vocabularySize: number): void {
    for (const token of tokens) {
        if (!Number.isInteger(token) || token < 0 || (vocabularySize > 0 && token >= vocabularySize)) {
            throw new InputError(`token id ${token} is outside the vocabulary${vocabularySize > 0 ? ` of ${vocabularySize} tokens` : ""}`, {
                expected: vocabularySize > 0 ? `an integer from 0 to ${vocabularySize - 1}` : "a non-negative integer",
                received: String(token),
            });
        }
    }
}

/** A scoring request: a non-empty target, and context plus target inside the window and the vocabulary. */
export function checkScoreWindow(request: ScoreRequest, limits: TokenWindowLimits): void {
    if (request.target.length === 0) {
        throw new InputError("nothing to score: the target has no tokens", {
            expected: "at least one target token",
            hint: "give a non-empty target",
            parameter: "target",
        });
    }
    checkTokenWindow(request.context, request.target.length, "target tokens", limits);
    checkVocabulary(request.target, limits.vocabularySize);
}

/** A generation request: the context plus `maxTokens` inside the window, the context inside the vocabulary. */
export function checkGenerateWindow(request: Pick<GenerateRequest, "context" | "maxTokens">, limits: TokenWindowLimits): void {
    checkTokenWindow(request.context, request.maxTokens, "tokens to generate", limits);
}
