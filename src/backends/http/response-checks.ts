/**
 * Hand-written shape checks for the large, hot response bodies (scoring answers with one logprob
 * per prompt position, token lists): the same acceptance as the zod schemas they stand in for,
 * without building a parsed copy of every element. A check returns its input, typed, or throws a
 * {@link ShapeIssue} whose path is filled in on the way out (paths cost nothing until something
 * is wrong); http-client.ts validateResponse turns it into the BackendError that names the field.
 */

/** A field that does not have the documented shape: where (path from the root) and what is wrong. */
export class ShapeIssue {
    constructor(
        readonly path: PropertyKey[],
        readonly message: string,
    ) {}
}

/** A check of a parsed JSON body: the body, typed, or a thrown ShapeIssue. */
export type ResponseCheck<T> = (data: unknown) => T;

function kindOf(value: unknown): string {
    if (value === null) return "null";
    if (value === undefined) return "undefined";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number" && !Number.isFinite(value)) return "number (not finite)";
    return typeof value;
}

export function fail(expected: string, value: unknown): never {
    throw new ShapeIssue([], `Invalid input: expected ${expected}, received ${kindOf(value)}`);
}

/** Runs `check` on `value`, prefixing `segment` to the path of any issue it raises. */
export function within<T>(segment: PropertyKey, value: unknown, check: (value: unknown) => T): T {
    try {
        return check(value);
    } catch (error) {
        if (error instanceof ShapeIssue) error.path.unshift(segment);
        throw error;
    }
}

/** Rethrows `error`, prefixing `segments` to its path when it is a ShapeIssue (for checks written inline). */
export function rethrowWithin(error: unknown, ...segments: PropertyKey[]): never {
    if (error instanceof ShapeIssue) error.path.unshift(...segments);
    throw error;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function record(value: unknown): Record<string, unknown> {
    if (!isRecord(value)) fail("object", value);
    return value;
}

export function array(value: unknown): unknown[] {
    if (!Array.isArray(value)) fail("array", value);
    return value;
}

export function nonEmptyArray(value: unknown): unknown[] {
    const list = array(value);
    if (list.length === 0) throw new ShapeIssue([], "Too small: expected array to have >=1 items");
    return list;
}

export function isFiniteNumber(value: unknown): value is number {
    return typeof value === "number" && Number.isFinite(value);
}

export function finiteNumber(value: unknown): number {
    if (!isFiniteNumber(value)) fail("number", value);
    return value;
}

export function integer(value: unknown): number {
    if (!Number.isSafeInteger(value)) fail("int", value);
    return value as number;
}

export function optionalString(value: unknown): string | null | undefined {
    if (value !== undefined && value !== null && typeof value !== "string") fail("string", value);
    return value;
}

export function optionalNumber(value: unknown): number | null | undefined {
    if (value !== undefined && value !== null) finiteNumber(value);
    return value as number | null | undefined;
}

export function string(value: unknown): string {
    if (typeof value !== "string") fail("string", value);
    return value;
}

/** `[number | null, ...]`: one logprob per position, null where there is none. */
export function nullableNumbers(value: unknown): Array<number | null> {
    const list = array(value);
    for (let index = 0; index < list.length; index++) {
        const item = list[index];
        if (item !== null && !isFiniteNumber(item)) throw new ShapeIssue([index], `Invalid input: expected number or null, received ${kindOf(item)}`);
    }
    return list as Array<number | null>;
}

/** `[int, ...]`: token ids. */
export function integers(value: unknown): number[] {
    const list = array(value);
    for (let index = 0; index < list.length; index++) {
        if (!Number.isSafeInteger(list[index])) throw new ShapeIssue([index], `Invalid input: expected int, received ${kindOf(list[index])}`);
    }
    return list as number[];
}

/** `[[int, ...], ...]`: a token list per text. */
export function integerLists(value: unknown): number[][] {
    const list = array(value);
    for (let index = 0; index < list.length; index++) within(index, list[index], integers);
    return list as number[][];
}

/** `{tokens: [int, ...]}` (a tokenize answer; other fields are ignored). */
export function checkTokensAnswer(data: unknown): {tokens: number[]} {
    within("tokens", record(data)["tokens"], integers);
    return data as {tokens: number[]};
}

/** `{tokens: [[int, ...], ...]}` (a tokenize answer for a list of texts). */
export function checkTokenListsAnswer(data: unknown): {tokens: number[][]} {
    within("tokens", record(data)["tokens"], integerLists);
    return data as {tokens: number[][]};
}
