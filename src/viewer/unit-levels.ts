/**
 * Coarser unit levels for re-aggregation in the page: words, sentences, paragraphs and whole
 * sources, found with glassbox's own splitters, each unit assigned to the group it overlaps
 * most (a whitespace-only token, overlapping none, goes to the nearest group). A group spans its
 * units without surrounding whitespace. A level is kept
 * only when it has fewer groups than the finer one before it (and, below the whole-source level,
 * more than one group per source).
 */
import {splitParagraphs, splitSentences, splitWords} from "../units/splitters.js";
import type {TextSpan} from "../units/types.js";
import type {ViewGroup, ViewLevel, ViewSource} from "./view-model.js";

const granularity = ["token", "word", "sentence", "paragraph"] as const;

const splitters: Record<string, (text: string) => TextSpan[]> = {
    word: splitWords,
    sentence: splitSentences,
    paragraph: splitParagraphs,
};

/** Levels from the result's own units (first) to the whole sources (last). */
export function unitLevels(baseKind: string, units: readonly ViewGroup[], sources: readonly ViewSource[], wholeSourceKind: string): ViewLevel[] {
    const levels: ViewLevel[] = [{kind: baseKind, groups: [...units], unitGroup: units.map((_unit, index) => index)}];
    const baseRank = granularity.indexOf(baseKind as (typeof granularity)[number]);
    const candidates: {kind: string; split: (text: string) => TextSpan[]}[] = [];
    if (baseRank >= 0) {
        for (const kind of granularity.slice(baseRank + 1)) candidates.push({kind, split: splitters[kind]!});
    }
    if (baseKind !== wholeSourceKind) candidates.push({kind: wholeSourceKind, split: (text) => [{start: 0, end: text.length}]});
    for (const candidate of candidates) {
        const level = groupUnits(candidate.kind, units, sources, candidate.split);
        const previous = levels[levels.length - 1]!;
        // One group per source is the whole-source level, named as such.
        const wholeSources = candidate.kind !== wholeSourceKind && level.groups.length <= sources.length;
        if (level.groups.length > 0 && level.groups.length < previous.groups.length && !wholeSources) levels.push(level);
    }
    return levels;
}

/** Assign every unit to one span of its source; groups become the extent of their units. */
export function groupUnits(kind: string, units: readonly ViewGroup[], sources: readonly ViewSource[], split: (text: string) => TextSpan[]): ViewLevel {
    const spansBySource = sources.map((source) => split(source.text));
    const assigned: {source: number; span: number}[] = units.map((unit) => ({source: unit.source, span: bestSpan(spansBySource[unit.source] ?? [], unit)}));
    const groupIds = new Map<string, number>();
    const groups: ViewGroup[] = [];
    const unitGroup: number[] = [];
    // Units are in reading order, so groups come out in reading order too.
    units.forEach((unit, index) => {
        const key = `${assigned[index]!.source}:${assigned[index]!.span}`;
        let group = groupIds.get(key);
        if (group === undefined) {
            group = groups.length;
            groupIds.set(key, group);
            groups.push({source: unit.source, start: unit.start, end: unit.end});
        } else {
            const extent = groups[group]!;
            extent.start = Math.min(extent.start, unit.start);
            extent.end = Math.max(extent.end, unit.end);
        }
        unitGroup.push(group);
    });
    // Shade a group's words, not the spaces its first token brings along.
    for (const group of groups) {
        const text = sources[group.source]?.text ?? "";
        let start = group.start;
        let end = group.end;
        while (start < end && /\s/.test(text[start] ?? "")) start++;
        while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
        if (end > start) {
            group.start = start;
            group.end = end;
        }
    }
    return {kind, groups, unitGroup};
}

/** Index of the span overlapping `unit` most; with no overlap, the nearest (ties to the later one). */
export function bestSpan(spans: readonly TextSpan[], unit: {start: number; end: number}): number {
    if (spans.length === 0) return -1;
    // First span ending after the unit starts.
    let low = 0;
    let high = spans.length;
    while (low < high) {
        const middle = (low + high) >> 1;
        if (spans[middle]!.end <= unit.start) low = middle + 1;
        else high = middle;
    }
    let best = -1;
    let bestOverlap = 0;
    for (let index = low; index < spans.length && spans[index]!.start < unit.end; index++) {
        const span = spans[index]!;
        const overlap = Math.min(span.end, unit.end) - Math.max(span.start, unit.start);
        if (overlap > bestOverlap) {
            best = index;
            bestOverlap = overlap;
        }
    }
    if (best >= 0) return best;
    if (low >= spans.length) return spans.length - 1;
    if (low === 0) return 0;
    const before = unit.start - spans[low - 1]!.end;
    const after = spans[low]!.start - unit.end;
    return after <= before ? low : low - 1;
}
