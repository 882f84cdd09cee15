/**
 * Tokens through the backend specification: single-text conveniences over the batched calls, BOS
 * + tokenize, the tokens of a prompt, and token text in context. Every caller (explain, checks,
 * reasoning, the server, the CLI) goes through these instead of redoing them by hand.
 */
import type {Backend, ChatMessage, PromptInput, TokenId} from "../model/backend-spec.js";

/** The parts of a backend that the text side needs. */
export type TokenizingBackend = Pick<Backend, "tokenize" | "detokenize" | "tokenTexts" | "renderChat" | "vocabulary">;

/** Tokens of one text (no BOS). */
export async function tokenizeText(backend: Pick<Backend, "tokenize">, text: string): Promise<TokenId[]> {
    const [tokens] = await backend.tokenize([text]);
    return tokens ?? [];
}

/** Text of one token sequence (special tokens rendered only where `special`). */
export async function detokenizeTokens(backend: Pick<Backend, "detokenize">, tokens: readonly TokenId[], special = false): Promise<string> {
    const [text] = await backend.detokenize([tokens], {special});
    return text ?? "";
}

/** One conversation rendered with the model's template (see {@link Backend.renderChat}). */
export async function renderChatTokens(backend: Pick<Backend, "renderChat">, messages: readonly ChatMessage[], assistantResponse?: string): Promise<TokenId[]> {
    const [tokens] = await backend.renderChat([assistantResponse === undefined ? {messages} : {messages, assistantResponse}]);
    return tokens ?? [];
}

/** BOS (when the model wants one) followed by `tokens`. */
export function withBos(backend: Pick<Backend, "vocabulary">, tokens: readonly TokenId[]): TokenId[] {
    const {addBos, bos} = backend.vocabulary;
    return [...(addBos && bos !== undefined ? [bos] : []), ...tokens];
}

/** BOS (when the model wants one) followed by the tokens of `text`. */
export async function tokenizeWithBos(backend: Pick<Backend, "tokenize" | "vocabulary">, text: string): Promise<TokenId[]> {
    return withBos(backend, await tokenizeText(backend, text));
}

/** {@link tokenizeWithBos} for many texts in one batched call. */
export async function tokenizeManyWithBos(backend: Pick<Backend, "tokenize" | "vocabulary">, texts: readonly string[]): Promise<TokenId[][]> {
    if (texts.length === 0) return [];
    return (await backend.tokenize(texts)).map((tokens) => withBos(backend, tokens));
}

/** Tokens for a prompt on its own (for generation): BOS + text, or the chat rendered with an open assistant turn. */
export async function promptTokens(backend: Pick<Backend, "tokenize" | "renderChat" | "vocabulary">, prompt: PromptInput): Promise<TokenId[]> {
    return prompt.kind === "text" ? tokenizeWithBos(backend, prompt.text) : renderChatTokens(backend, prompt.messages);
}

/** What `token` adds to the text after `previous` (see {@link Backend.tokenTexts}). */
export async function tokenText(backend: Pick<Backend, "tokenTexts">, token: TokenId, previous: readonly TokenId[] = []): Promise<string> {
    const [row] = await backend.tokenTexts([{tokens: [token], previous}]);
    return row?.[0] ?? "";
}

/** What each of `tokens` adds to the text, in sequence, after `previous`. */
export async function tokenTextsAfter(backend: Pick<Backend, "tokenTexts">, tokens: readonly TokenId[], previous: readonly TokenId[] = []): Promise<string[]> {
    if (tokens.length === 0) return [];
    const [row] = await backend.tokenTexts([{tokens, previous}]);
    return row ?? [];
}

/**
 * Context tokens for a prompt: BOS (when the model wants one) + the prompt's tokens; chat input is
 * rendered with the model's template and ends with an open assistant turn. Never empty: an empty
 * prompt on a model without BOS falls back to its EOS token as a separator.
 */
export async function contextTokens(backend: Backend, prompt: PromptInput): Promise<TokenId[]> {
    return nonEmptyContext(backend, await promptTokens(backend, prompt));
}

/** `tokens`, or the model's BOS (else EOS) alone when they are empty. */
export function nonEmptyContext(backend: Pick<Backend, "vocabulary">, tokens: TokenId[]): TokenId[] {
    if (tokens.length === 0) tokens.push(backend.vocabulary.bos ?? backend.vocabulary.eos ?? 0);
    return tokens;
}
