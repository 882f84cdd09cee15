/**
 * Turning prompts into tokens for the model game: the context of a rendered coalition, the fixed
 * target tokens (aligned once, on the full input), token texts, and model-token offsets over a
 * text for `--unit token`. Target alignment itself lives in src/model/alignment.ts.
 */
import {promptTokens} from "../model/alignment.js";
import type {ModelBackend, PromptInput, TokenId} from "../model/contract.js";
import type {TextSpan} from "../units/types.js";

/**
 * Context tokens for a prompt: BOS (when the model wants one) + the prompt's tokens; chat input is
 * rendered with the model's template and ends with an open assistant turn. Never empty: an empty
 * prompt on a model without BOS falls back to its EOS token as a separator.
 */
export function contextTokens(backend: ModelBackend, prompt: PromptInput): TokenId[] {
    const tokens = promptTokens(backend, prompt);
    if (tokens.length === 0) tokens.push(backend.vocabulary.bos ?? backend.vocabulary.eos ?? 0);
    return tokens;
}

/**
 * Text of each token in sequence, as the difference of successive prefix detokenizations after
 * `context` (so a SentencePiece word start keeps its leading space).
 */
export function tokenTexts(backend: ModelBackend, tokens: readonly TokenId[], context: readonly TokenId[] = []): string[] {
    const texts: string[] = [];
    let previous = backend.detokenize(context);
    for (let index = 0; index < tokens.length; index += 1) {
        const prefix = backend.detokenize([...context, ...tokens.slice(0, index + 1)]);
        texts.push(prefix.startsWith(previous) ? prefix.slice(previous.length) : backend.detokenize([tokens[index] as TokenId]));
        previous = prefix;
    }
    return texts;
}

/**
 * Model-token spans over `text`. When detokenizing the tokens gives back the text exactly, the
 * spans come from prefix lengths; otherwise each token's text is searched for from the previous
 * end, and tokens not found get empty spans (the token splitter merges those into the next).
 */
export function tokenOffsets(backend: ModelBackend, text: string): TextSpan[] {
    const tokens = backend.tokenize(text);
    const pieces = tokenTexts(backend, tokens);
    const spans: TextSpan[] = [];
    const exact = pieces.join("") === text;
    let cursor = 0;
    for (const piece of pieces) {
        if (exact) {
            spans.push({start: cursor, end: cursor + piece.length});
            cursor += piece.length;
            continue;
        }
        const found = piece === "" ? -1 : text.indexOf(piece, cursor);
        if (found >= 0 && found - cursor <= 2) {
            spans.push({start: cursor, end: found + piece.length});
            cursor = found + piece.length;
        } else {
            spans.push({start: cursor, end: cursor});
        }
    }
    if (spans.length > 0 && cursor < text.length) {
        const last = spans[spans.length - 1] as TextSpan;
        last.end = text.length;
    }
    return spans;
}
