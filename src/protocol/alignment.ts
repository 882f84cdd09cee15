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
import type {ChatMessage, PromptInput, ScoreRequest, TokenId} from "../model/backend-spec.js";
import {withBos, type TokenizingBackend} from "./tokens.js";

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

export async function alignTarget(backend: TokenizingBackend, prompt: PromptInput, target: string): Promise<AlignedTarget> {
    if (target.trim() === "") {
        throw new InputError(target === "" ? "the target is empty" : "the target is only whitespace", {
            expected: "a target text with at least one visible character",
            received: JSON.stringify(target),
            hint: "give a target with visible text",
            parameter: "target",
        });
    }
    if (prompt.kind === "text") {
        const [withTarget, promptOnly] = await backend.tokenize([prompt.text + target, prompt.text]);
        const full = withBos(backend, withTarget ?? []);
        // Decode without BOS: after BOS, SentencePiece keeps the first word's leading space.
        const bosCount = full.length - (withTarget ?? []).length;
        const decoder = new PrefixDecoder(backend, full, bosCount, false);
        const hint = withBos(backend, promptOnly ?? []).length;
        return alignAt(backend, full, prompt.text, target, decoder, hint, "the prompt");
    }
    checkChatEndsWithUser(prompt.messages);
    const [prefix, full] = await backend.renderChat([
        {messages: prompt.messages, assistantResponse: ""},
        {messages: prompt.messages, assistantResponse: target},
    ]);
    if (prefix === undefined || full === undefined) throw new InputError("the backend rendered no tokens for the chat");
    const decoder = new PrefixDecoder(backend, full, 0, true);
    const [prefixText] = await backend.detokenize([prefix], {special: true});
    return alignAt(backend, full, prefixText ?? "", target, decoder, commonPrefixLength(prefix, full), "the chat markup");
}

/**
 * Text of token prefixes of one sequence (`skip` leading tokens left out), decoded in batches and
 * remembered, so that a boundary search costs one or two round trips on a remote tokenizer.
 */
class PrefixDecoder {
    private readonly known = new Map<number, string>();

    constructor(
        private readonly backend: Pick<TokenizingBackend, "detokenize">,
        private readonly full: readonly TokenId[],
        private readonly skip: number,
        private readonly special: boolean,
    ) {}

    /** Decodes the prefixes of these lengths that are not known yet, in one call. */
    async prefetch(counts: readonly number[]): Promise<void> {
        const missing = [...new Set(counts.filter((count) => count >= 0 && count <= this.full.length && !this.known.has(count)))];
        if (missing.length === 0) return;
        const texts = await this.backend.detokenize(
            missing.map((count) => this.full.slice(this.skip, Math.max(this.skip, count))),
            {special: this.special},
        );
        missing.forEach((count, index) => this.known.set(count, texts[index] ?? ""));
    }

    async text(count: number): Promise<string> {
        await this.prefetch([count]);
        return this.known.get(count) ?? "";
    }
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
 * prefix of `prefixText`. `guess` is where the boundary probably is (the prefixes around it are
 * decoded in one batch).
 */
async function alignAt(
    backend: TokenizingBackend,
    full: readonly TokenId[],
    prefixText: string,
    target: string,
    decoder: PrefixDecoder,
    guess: number,
    prefixName: string,
): Promise<AlignedTarget> {
    const fitsPrefix = async (count: number): Promise<boolean> => prefixText.startsWith(await decoder.text(count));
    let boundary = Math.max(0, Math.min(guess, full.length - 1));
    await decoder.prefetch([full.length, ...Array.from({length: 8}, (_, offset) => boundary - 3 + offset)]);
    while (boundary > 0 && !(await fitsPrefix(boundary))) boundary--;
    // Walk forward; a token may end inside a UTF-8 character, so look a few tokens ahead.
    for (let step = 1; step <= 4 && boundary + step < full.length; step++) {
        if (await fitsPrefix(boundary + step)) {
            boundary += step;
            step = 0;
        }
    }
    if (boundary === 0) {
        throw new InputError("the prompt and the target merge into the first token, so no token is left to condition on", {
            hint: "start the target at a word boundary or use a model that prepends BOS",
        });
    }
    const contextText = await decoder.text(boundary);
    const fullText = await decoder.text(full.length);
    const scoredText = fullText.slice(contextText.length);
    const earlier = prefixText.length - contextText.length;
    const [texts] = await backend.tokenTexts([{tokens: full.slice(boundary), previous: full.slice(0, boundary)}]);
    const targetTokens = full.slice(boundary).map((token, index) => ({token, text: texts?.[index] ?? ""}));
    let note: string | undefined;
    if (earlier > 0) {
        note =
            `the first scored token also covers the last ${earlier} character${earlier === 1 ? "" : "s"} of ${prefixName} ` +
            `(${JSON.stringify(prefixText.slice(contextText.length))}), because the tokenizer merges them with the start of the target; ` +
            `the scores are for ${JSON.stringify(scoredText)}`;
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

function commonPrefixLength(a: readonly TokenId[], b: readonly TokenId[]): number {
    let index = 0;
    while (index < a.length && index < b.length && a[index] === b[index]) index++;
    return index;
}
