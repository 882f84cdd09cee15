/**
 * Model-token offsets over a text for `--unit token`. Context tokens of a prompt live in
 * src/protocol/tokens.ts, target alignment in src/protocol/alignment.ts.
 */
import type {Backend} from "../model/backend-spec.js";
import type {TextSpan, TokenOffsetsFunction} from "../units/types.js";

/**
 * Model-token spans over each text (one batch of tokenize and token-text calls). When the token
 * texts join to the text exactly, the spans come from their lengths; otherwise each token's text
 * is searched for from the previous end, and tokens not found get empty spans (the token splitter
 * merges those into the next).
 */
export async function tokenOffsetsFor(backend: Backend, texts: readonly string[]): Promise<Map<string, TextSpan[]>> {
    const unique = [...new Set(texts)];
    const offsets = new Map<string, TextSpan[]>();
    if (unique.length === 0) return offsets;
    const tokens = await backend.tokenize(unique);
    const pieces = await backend.tokenTexts(tokens.map((row) => ({tokens: row})));
    unique.forEach((text, index) => offsets.set(text, spansOf(text, pieces[index] ?? [])));
    return offsets;
}

/** Model-token spans over one text (see {@link tokenOffsetsFor}). */
export async function tokenOffsets(backend: Backend, text: string): Promise<TextSpan[]> {
    return (await tokenOffsetsFor(backend, [text])).get(text) ?? [];
}

/**
 * Runs a segmentation that may split texts into model tokens: once to learn which texts it splits,
 * then again with their offsets, read in one batch (segmentation itself stays synchronous).
 */
export async function withTokenOffsets<T>(backend: Backend, segment: (options: {tokenOffsets: TokenOffsetsFunction}) => T): Promise<T> {
    const asked = new Set<string>();
    const first = segment({
        tokenOffsets: (text) => {
            asked.add(text);
            return [{start: 0, end: text.length}];
        },
    });
    if (asked.size === 0) return first;
    const offsets = await tokenOffsetsFor(backend, [...asked]);
    return segment({tokenOffsets: (text) => offsets.get(text) ?? []});
}

function spansOf(text: string, pieces: readonly string[]): TextSpan[] {
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
