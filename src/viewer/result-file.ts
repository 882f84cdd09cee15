/**
 * Reading a glassbox result for display: any JSON object with `schemaVersion` and `kind`. The
 * version is checked first (an unknown one is named, with the versions this build understands);
 * an explain result is then validated field by field for what the viewer draws; other kinds
 * (score, generate, the checks) are shown generically.
 */
import {z} from "zod";
import {InputError} from "../errors.js";
import type {ExplainResult} from "../explain/types.js";

/** Result schema versions this viewer can draw. */
export const understoodSchemaVersions: readonly number[] = [1];

export type ViewableResult = {kind: "explain"; result: ExplainResult} | {kind: "other"; resultKind: string; result: Record<string, unknown>};

const headerSchema = z.object({schemaVersion: z.number().int(), kind: z.string().min(1)}).loose();

const finite = z.number().nullable();
const sourceSchema = z.union([
    z.object({kind: z.literal("prompt")}),
    z.object({kind: z.literal("document"), index: z.number().int().min(0)}),
    z.object({kind: z.literal("message"), index: z.number().int().min(0), role: z.string()}),
]);
const unitSchema = z.object({
    index: z.number().int().min(0),
    kind: z.string(),
    source: sourceSchema,
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    text: z.string(),
});
const explainSchema = z
    .object({
        schemaVersion: z.number().int(),
        kind: z.literal("explain"),
        input: z.union([
            z.object({kind: z.literal("prompt"), prompt: z.string()}).loose(),
            z.object({kind: z.literal("chat"), messages: z.array(z.object({role: z.string(), content: z.string()}).loose())}).loose(),
            z
                .object({
                    kind: z.literal("documents"),
                    question: z.string(),
                    documents: z.array(z.object({title: z.string().optional(), text: z.string()}).loose()),
                })
                .loose(),
        ]),
        unit: z.string(),
        units: z.array(unitSchema),
        target: z.object({text: z.string(), tokens: z.array(z.object({id: z.number(), text: z.string()}).loose())}).loose(),
        values: z.array(finite),
        standardErrors: z.array(finite).optional(),
        componentLabels: z.array(z.string()),
        componentValues: z.array(z.array(finite)).optional(),
        method: z.string(),
        valueKind: z.string(),
    })
    .loose();

/** Validate parsed JSON as a viewable result; `label` names it in messages ("RESULT.json"). */
export function parseViewableResult(data: unknown, label: string): ViewableResult {
    const header = headerSchema.safeParse(data);
    if (!header.success) {
        throw new InputError(`${label} is not a glassbox result`, {
            expected: "a JSON object with schemaVersion and kind (a glassbox JSON result)",
            received: describeJson(data),
        });
    }
    const {schemaVersion, kind} = header.data;
    if (!understoodSchemaVersions.includes(schemaVersion)) {
        throw new InputError(`${label} has schemaVersion ${schemaVersion}, which this glassbox does not understand`, {
            expected: `schemaVersion ${understoodSchemaVersions.join(" or ")}`,
            hint:
                schemaVersion > Math.max(...understoodSchemaVersions)
                    ? "upgrade glassbox to read it"
                    : "re-run the command with this glassbox to write a current file",
        });
    }
    if (kind !== "explain") return {kind: "other", resultKind: kind, result: header.data as Record<string, unknown>};
    const parsed = explainSchema.safeParse(data);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined ? "" : issue.path.join(".");
        throw new InputError(`${label} is not a valid explain result${where === "" ? "" : ` (at ${where})`}`, {
            expected: "the explain schema (docs/schema-explain.md)",
            received: issue?.message ?? "an invalid object",
        });
    }
    const result = parsed.data as unknown as ExplainResult;
    checkExplainShape(result, label);
    return {kind: "explain", result};
}

/** Parse JSON text, then {@link parseViewableResult}. */
export function parseViewableResultText(text: string, label: string): ViewableResult {
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
        throw new InputError(`${label} is not valid JSON (${reason})`, {hint: "give a JSON result written by glassbox"});
    }
    return parseViewableResult(data, label);
}

function checkExplainShape(result: ExplainResult, label: string): void {
    const count = result.units.length;
    const mismatch = (what: string, length: number): InputError =>
        new InputError(`${label}: ${what} has ${length} entries but there are ${count} units`, {expected: `${count} entries, one per unit`});
    if (result.values.length !== count) throw mismatch("values", result.values.length);
    if (result.standardErrors !== undefined && result.standardErrors.length !== count) throw mismatch("standardErrors", result.standardErrors.length);
    const rows = result.componentValues;
    if (rows !== undefined) {
        if (rows.length !== result.componentLabels.length) {
            throw new InputError(`${label}: componentValues has ${rows.length} rows but componentLabels has ${result.componentLabels.length}`, {
                expected: "one row per component label",
            });
        }
        rows.forEach((row, index) => {
            if (row.length !== count) throw mismatch(`componentValues row ${index}`, row.length);
        });
    }
}

function describeJson(data: unknown): string {
    if (data === null) return "null";
    if (Array.isArray(data)) return "an array";
    if (typeof data !== "object") return `a ${typeof data}`;
    const keys = Object.keys(data).slice(0, 5);
    return keys.length === 0 ? "an empty object" : `an object with ${keys.join(", ")}`;
}
