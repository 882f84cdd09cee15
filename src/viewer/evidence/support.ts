/** Small helpers of the evidence builders: facts from numbers, yes/no, rounds, the item's status. */
import {z} from "zod";
import {formatNumber} from "../render/basics.js";
import type {EvidenceSection, Fact} from "../view-model.js";

/** A number as JSON stores it: NaN and ±Infinity were written as null. */
export const storedNumber = z.number().nullable();

export function fact(label: string, value: number | string | boolean | null | undefined, note = ""): Fact {
    const text =
        typeof value === "number" || value === null || value === undefined ? formatNumber(value ?? null) : typeof value === "boolean" ? yesNo(value) : value;
    return {label, value: text, note};
}

export function yesNo(value: boolean | null | undefined): string {
    return value === true ? "yes" : value === false ? "no" : "n/a";
}

/** Facts of the stored item record itself: its status and, when there is one, the error or note stored with it. */
export function statusFacts(record: Record<string, unknown>): Fact[] {
    const facts: Fact[] = [];
    if (typeof record.status === "string") facts.push({label: "item status", value: record.status, note: ""});
    if (typeof record.error === "string") facts.push({label: "note", value: record.error, note: "stored with the item"});
    return facts;
}

export function factsSection(title: string, facts: Fact[]): EvidenceSection {
    return {kind: "facts", title, facts};
}

/** Ranks (1 = largest) of values, ties in input order; null values get no rank. */
export function ranks(values: readonly (number | null)[]): (number | null)[] {
    const order = values
        .map((value, index) => ({value, index}))
        .filter((entry): entry is {value: number; index: number} => entry.value !== null)
        .sort((a, b) => b.value - a.value || a.index - b.index);
    const result: (number | null)[] = values.map(() => null);
    order.forEach((entry, rank) => (result[entry.index] = rank + 1));
    return result;
}

/** Area over a 0/1 curve: the mean of 1 − y (as the check computes it per item). */
export function areaOverCurve(points: readonly {y: number}[]): number | null {
    return points.length === 0 ? null : points.reduce((sum, point) => sum + (1 - point.y), 0) / points.length;
}
