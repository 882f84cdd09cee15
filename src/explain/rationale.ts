/**
 * Human rationales: character spans of the input a person marked as the reason for the answer.
 * Spans are checked against their text and turned into a per-unit mask (a unit is in the
 * rationale when it overlaps a span) for plausibility metrics.
 */
import {InputError} from "../errors.js";
import type {RationaleSpan} from "./input-file.js";
import {describeSource, sourceText, type StructuredInput, type Unit, type UnitSource} from "../units/types.js";

/** The source a rationale span points into: the prompt, or document/message `part`. */
export function rationaleSource(input: StructuredInput, span: RationaleSpan): UnitSource {
    const label = `rationale span ${span.part === undefined ? "" : `${span.part}:`}${span.start}-${span.end}`;
    if (input.kind === "prompt") {
        if (span.part !== undefined)
            throw new InputError(`${label} names part ${span.part}, but the input is a single prompt`, {expected: "START-END without a part"});
        return {kind: "prompt"};
    }
    const count = input.kind === "documents" ? input.documents.length : input.messages.length;
    const noun = input.kind === "documents" ? "document" : "message";
    if (span.part === undefined) {
        throw new InputError(`${label} needs a ${noun} number`, {expected: `PART:START-END with PART a 0-based ${noun} index below ${count}`});
    }
    if (span.part >= count) {
        throw new InputError(`${label} is outside the input: there is no ${noun} ${span.part}`, {expected: `a 0-based ${noun} index below ${count}`});
    }
    if (input.kind === "documents") return {kind: "document", index: span.part};
    const message = input.messages[span.part];
    return {kind: "message", index: span.part, role: message?.role ?? "user"};
}

/** Validate every span against its source text; throws one InputError line for the first bad one. */
export function checkRationale(input: StructuredInput, spans: readonly RationaleSpan[]): void {
    for (const span of spans) {
        const source = rationaleSource(input, span);
        const length = sourceText(input, source).length;
        if (span.end <= span.start || span.end > length) {
            throw new InputError(
                `rationale span ${span.part === undefined ? "" : `${span.part}:`}${span.start}-${span.end} is outside the text of the ${describeSource(source)}`,
                {
                    expected: `0 ≤ START < END ≤ ${length}`,
                    received: `${span.start}-${span.end}`,
                    hint: "fix the rationale (character offsets)",
                    parameter: "rationale",
                },
            );
        }
    }
}

/** 1 for each unit that overlaps a rationale span, else 0. */
export function rationaleMask(input: StructuredInput, units: readonly Unit[], spans: readonly RationaleSpan[]): number[] {
    const resolved = spans.map((span) => ({source: rationaleSource(input, span), start: span.start, end: span.end}));
    return units.map((unit) => (resolved.some((span) => sameSourceIndex(span.source, unit.source) && span.start < unit.end && unit.start < span.end) ? 1 : 0));
}

function sameSourceIndex(a: UnitSource, b: UnitSource): boolean {
    if (a.kind !== b.kind) return false;
    return a.kind === "prompt" || (a as {index: number}).index === (b as {index: number}).index;
}
