/**
 * From context tokens to the units of explain(): each token is placed in the text the model sees
 * (its token texts joined), each player source (the prompt, a document, a message) is found in
 * that text in reading order, and a token belongs to the unit it overlaps most. Tokens of the
 * template (BOS, headers, chat markup) belong to no unit. Token scores sum to unit scores.
 */
import {InputError} from "../../errors.js";
import {forEachPlayerSource, type SegmentedInput} from "../../units/segmented-input.js";
import {describeSource, sameSource} from "../../units/types.js";

/** Per context token: the unit it belongs to, or −1 for the template. */
export function unitOfTokens(segmented: SegmentedInput, tokenTexts: readonly string[]): number[] {
    const starts: number[] = [];
    let text = "";
    for (const piece of tokenTexts) {
        starts.push(text.length);
        text += piece;
    }
    const ranges: {start: number; end: number; unit: number}[] = [];
    let cursor = 0;
    forEachPlayerSource(segmented.input, (source, sourceText) => {
        const at = text.indexOf(sourceText, cursor);
        if (at < 0) {
            throw new InputError(`the text of ${describeSource(source)} is not found in the model's tokens of the prompt`, {
                parameter: "input",
                expected: "every player text to appear verbatim in the rendered prompt",
                received: JSON.stringify(sourceText.slice(0, 60)),
                hint: "normalise the text's whitespace, or use a black-box method, which needs no token alignment",
            });
        }
        for (const unit of segmented.units) {
            if (sameSource(unit.source, source)) ranges.push({start: at + unit.start, end: at + unit.end, unit: unit.index});
        }
        cursor = at + sourceText.length;
    });
    return tokenTexts.map((piece, index) => {
        const start = starts[index]!,
            end = start + piece.length;
        let best = -1,
            bestOverlap = 0;
        for (const range of ranges) {
            const overlap = Math.min(end, range.end) - Math.max(start, range.start);
            if (overlap > bestOverlap) [best, bestOverlap] = [range.unit, overlap];
        }
        return best;
    });
}

/** Token scores summed per unit. */
export function sumToUnits(tokenScores: readonly number[], unitOf: readonly number[], unitCount: number): number[] {
    const sums = new Array<number>(unitCount).fill(0);
    tokenScores.forEach((score, index) => {
        const unit = unitOf[index]!;
        if (unit >= 0) sums[unit] = sums[unit]! + score;
    });
    return sums;
}
