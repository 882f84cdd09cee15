/**
 * Rendering one source string with some of its units removed.
 *
 * The source is cut into pieces: unit spans and the gaps between them. Gaps are template and
 * always kept. In "placeholder" mode a removed unit's text becomes the placeholder and nothing
 * else changes. In "delete" mode the unit's text disappears and whitespace is tidied so that a
 * deletion never leaves doubled separators: between two consecutive kept pieces, when removed
 * units sat between them, only one of the whitespace gaps that separated them survives (the one
 * with the most line breaks, the first on a tie); a gap that contains anything but whitespace is
 * kept as it is; whitespace at the very start or end survives only when no unit was removed
 * before (after) the first (last) kept piece. So deleting "b" from "a b c" gives "a c", deleting
 * the middle paragraph of "P1\n\nP2\n\nP3" gives "P1\n\nP3", and deleting "a" gives "b c".
 */
import type {TextSpan} from "./types.js";

export type RemovalMode = "delete" | "placeholder";

export interface RenderTextOptions {
    removal: RemovalMode;
    placeholder: string;
}

/** `spans` sorted and non-overlapping; `kept[i]` says whether spans[i] stays. */
export function renderWithRemovals(text: string, spans: readonly TextSpan[], kept: readonly boolean[], options: RenderTextOptions): string {
    if (options.removal === "placeholder") {
        let output = "";
        let cursor = 0;
        spans.forEach((span, index) => {
            output += text.slice(cursor, span.start) + (kept[index] === true ? text.slice(span.start, span.end) : options.placeholder);
            cursor = span.end;
        });
        return output + text.slice(cursor);
    }
    type Piece = {kind: "solid"; text: string} | {kind: "space"; text: string} | {kind: "removed"};
    const pieces: Piece[] = [];
    const pushGap = (gap: string) => {
        if (gap === "") return;
        pieces.push(/^\s*$/u.test(gap) ? {kind: "space", text: gap} : {kind: "solid", text: gap});
    };
    let cursor = 0;
    spans.forEach((span, index) => {
        pushGap(text.slice(cursor, span.start));
        pieces.push(kept[index] === true ? {kind: "solid", text: text.slice(span.start, span.end)} : {kind: "removed"});
        cursor = span.end;
    });
    pushGap(text.slice(cursor));

    let output = "";
    let seenSolid = false;
    let pendingSpaces: string[] = [];
    let removedSinceSolid = false;
    for (const piece of pieces) {
        if (piece.kind === "removed") {
            removedSinceSolid = true;
            continue;
        }
        if (piece.kind === "space") {
            pendingSpaces.push(piece.text);
            continue;
        }
        if (!seenSolid) {
            if (!removedSinceSolid) output += pendingSpaces.join("");
        } else if (removedSinceSolid) {
            output += strongestSpace(pendingSpaces);
        } else {
            output += pendingSpaces.join("");
        }
        output += piece.text;
        seenSolid = true;
        pendingSpaces = [];
        removedSinceSolid = false;
    }
    if (!removedSinceSolid) output += pendingSpaces.join("");
    return output;
}

function strongestSpace(spaces: readonly string[]): string {
    let best = "";
    let bestBreaks = -1;
    for (const space of spaces) {
        const breaks = space.split("\n").length - 1;
        if (breaks > bestBreaks) {
            best = space;
            bestBreaks = breaks;
        }
    }
    return best;
}
