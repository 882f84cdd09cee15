/**
 * From a prompt and a target text to a teacher-forced {@link ScoreRequest}. The prompt and the
 * target are tokenized together, as the model would read them, and the boundary is found by
 * decoding token prefixes: the context is the longest token prefix whose text lies inside the
 * prompt. When a token straddles the boundary (SentencePiece merges a prompt's trailing space, or
 * the end of a word, with the start of the target), that token is scored too, and the result says
 * so: `scoredText` then starts `scoredTextStartsEarlierBy` characters before the target, with a
 * `note`. A different text is never scored silently.
 */
import {InputError} from "../errors.js";
import type {ChatMessage, ModelBackend, PromptInput, ScoreRequest, TokenId} from "./contract.js";

/** The parts of a backend that alignment needs. */
export type TokenizingBackend = Pick<ModelBackend, "tokenize" | "detokenize" | "renderChat" | "vocabulary">;

export interface TokenPiece {
    token: TokenId;
    /** The text this token adds after the tokens before it ("�" for a partial UTF-8 character). */
    text: string;
}

export interface AlignedTarget {
    request: ScoreRequest;
    /** The target as given. */
    targetText: string;
    /** The text covered by the scored tokens: the target, or more when a token straddles the boundary. */
    scoredText: string;
    /** How many characters of the prompt side `scoredText` includes before the target (0 when aligned). */
    scoredTextStartsEarlierBy: number;
    /** Why `scoredText` differs from the target, when it does. */
    note: string | undefined;
    /** The scored tokens with their texts. */
    targetTokens: TokenPiece[];
    /** Number of context tokens (BOS and chat markup included). */
    contextTokenCount: number;
}

/** BOS (when the model wants one) followed by the tokens of `text`. */
export function tokenizeWithBos(backend: Pick<ModelBackend, "tokenize" | "vocabulary">, text: string): TokenId[] {
    const {addBos, bos} = backend.vocabulary;
    return [...(addBos && bos !== undefined ? [bos] : []), ...backend.tokenize(text)];
}

/** Tokens for a prompt on its own (for generation): BOS + text, or the chat rendered with an open assistant turn. */
export function promptTokens(backend: TokenizingBackend, prompt: PromptInput): TokenId[] {
    return prompt.kind === "text" ? tokenizeWithBos(backend, prompt.text) : backend.renderChat(prompt.messages);
}

export function alignTarget(backend: TokenizingBackend, prompt: PromptInput, target: string): AlignedTarget {
    if (target.trim() === "") {
        throw new InputError(target === "" ? "the target is empty" : "the target is only whitespace", {
            expected: "a target text with at least one visible character",
            received: JSON.stringify(target),
            hint: "give a target with visible text",
            parameter: "target",
        });
    }
    if (prompt.kind === "text") {
        const full = tokenizeWithBos(backend, prompt.text + target);
        // Decode without BOS: after BOS, SentencePiece keeps the first word's leading space.
        const bosCount = full.length - backend.tokenize(prompt.text + target).length;
        const decode = (tokens: readonly TokenId[]): string => backend.detokenize(tokens.slice(bosCount), false);
        const hint = tokenizeWithBos(backend, prompt.text).length;
        return alignAt(full, prompt.text, target, decode, hint, "the prompt");
    }
    checkChatEndsWithUser(prompt.messages);
    const decode = (tokens: readonly TokenId[]): string => backend.detokenize(tokens, true);
    const prefix = backend.renderChat(prompt.messages, "");
    const full = backend.renderChat(prompt.messages, target);
    return alignAt(full, decode(prefix), target, decode, commonPrefixLength(prefix, full), "the chat markup");
}

function checkChatEndsWithUser(messages: readonly ChatMessage[]): void {
    if (messages.length === 0) throw new InputError("the messages list is empty", {expected: "at least one user message"});
    const last = messages.at(-1);
    if (last?.role === "assistant") {
        throw new InputError(`message ${messages.length - 1} is an assistant message, but the target is the assistant's reply`, {
            expected: "messages that end with a user (or system) message",
            hint: "remove the final assistant message and give its text as the target",
            parameter: "target",
        });
    }
}

/**
 * Split `full` (tokens of prefixText + target) at the longest token prefix whose decoded text is a
 * prefix of `prefixText`. `guess` is where the boundary probably is (saves decoding).
 */
function alignAt(
    full: readonly TokenId[], prefixText: string, target: string,
    decode: (tokens: readonly TokenId[]) => string, guess: number, prefixName: string,
): AlignedTarget {
    const fitsPrefix = (count: number): boolean => prefixText.startsWith(decode(full.slice(0, count)));
    let boundary = Math.max(0, Math.min(guess, full.length - 1));
    while (boundary > 0 && !fitsPrefix(boundary)) boundary--;
    // Walk forward; a token may end inside a UTF-8 character, so look a few tokens ahead.
    for (let step = 1; step <= 4 && boundary + step < full.length; step++) {
        if (fitsPrefix(boundary + step)) {
            boundary += step;
            step = 0;
        }
    }
    if (boundary === 0) {
        throw new InputError("the prompt and the target merge into the first token, so no token is left to condition on", {
            hint: "start the target at a word boundary or use a model that prepends BOS",
        });
    }
    const contextText = decode(full.slice(0, boundary));
    const fullText = decode(full);
    const scoredText = fullText.slice(contextText.length);
    const earlier = prefixText.length - contextText.length;
    const targetTokens = pieces(full, boundary, decode);
    let note: string | undefined;
    if (earlier > 0) {
        note = `the first scored token also covers the last ${earlier} character${earlier === 1 ? "" : "s"} of ${prefixName} `
            + `(${JSON.stringify(prefixText.slice(contextText.length))}), because the tokenizer merges them with the start of the target; `
            + `the scores are for ${JSON.stringify(scoredText)}`;
    } else if (scoredText !== target) {
        note = `the tokenizer does not reproduce the target exactly; the scores are for ${JSON.stringify(scoredText)}`;
    }
    return {
        request: {context: full.slice(0, boundary), target: full.slice(boundary)},
        targetText: target,
        scoredText,
        scoredTextStartsEarlierBy: earlier,
        note,
        targetTokens,
        contextTokenCount: boundary,
    };
}

/**
 * Scored tokens with their texts. Byte tokens that end inside a UTF-8 character get "" and the
 * token that completes the character carries all of it, so the texts join to the scored text.
 */
function pieces(full: readonly TokenId[], from: number, decode: (tokens: readonly TokenId[]) => string): TokenPiece[] {
    const result: TokenPiece[] = [];
    let settled = decode(full.slice(0, from));
    for (let index = from; index < full.length; index++) {
        const after = decode(full.slice(0, index + 1));
        const token = full[index] as TokenId;
        if (after.endsWith("\uFFFD") && index < full.length - 1) {
            result.push({token, text: ""});
            continue;
        }
        result.push({token, text: after.startsWith(settled) ? after.slice(settled.length) : decode([token])});
        settled = after;
    }
    return result;
}

function commonPrefixLength(a: readonly TokenId[], b: readonly TokenId[]): number {
    let index = 0;
    while (index < a.length && index < b.length && a[index] === b[index]) index++;
    return index;
}
