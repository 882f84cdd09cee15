/**
 * One dataset item (docs/datasets.md): an id, an input in one of the explain input shapes
 * (prompt, messages, question + documents) or a bare question, optional answer options for
 * multiple choice, an optional gold label and optional human rationale spans.
 */
import {z} from "zod";
import {InputError} from "../errors.js";
import {parseExplainInput, type RationaleSpan} from "../explain/input-file.js";
import {canonicalJson, sha256Hex} from "../foundation/canonical-json.js";
import type {StructuredInput} from "../units/types.js";

export interface DatasetItem {
    id: string;
    /** 1-based line of the JSONL file (0 for items built in code). */
    line: number;
    input: StructuredInput;
    /** Candidate answers for multiple choice / classification; the prediction is one of them. */
    options?: string[];
    /** Gold label: an option's text when options are given, otherwise free text. */
    label?: string;
    rationale?: RationaleSpan[];
    /** A fixed target to explain instead of the model's own answer. */
    target?: string;
    /** Free-form fields kept for the user (never read by the checks). */
    meta?: Record<string, unknown>;
    /** Hash of everything above except line and meta: a changed item is re-evaluated on resume. */
    hash: string;
}

const datasetFields = new Set(["id", "options", "label", "meta"]);

const extraSchema = z.object({
    id: z.union([z.string().min(1), z.number().int()]),
    options: z.array(z.string().min(1)).min(2).optional(),
    label: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
});

/** Validates one parsed JSON value as an item; throws InputError naming the field. */
export function parseDatasetItem(json: unknown, line: number): DatasetItem {
    const origin = `line ${line}`;
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new InputError(`${origin} is not a JSON object`, {received: Array.isArray(json) ? "an array" : json === null ? "null" : typeof json});
    }
    const record = json as Record<string, unknown>;
    const extraResult = extraSchema.safeParse(Object.fromEntries(Object.entries(record).filter(([key]) => datasetFields.has(key))));
    if (!extraResult.success) {
        const issue = extraResult.error.issues[0];
        const path = issue === undefined || issue.path.length === 0 ? "id" : issue.path.map(String).join(".");
        throw new InputError(`${origin}: field ${path}: ${issue?.message ?? "invalid"}`, {hint: "see docs/datasets.md"});
    }
    const extra = extraResult.data;
    const inputPart: Record<string, unknown> = Object.fromEntries(Object.entries(record).filter(([key]) => !datasetFields.has(key)));
    if ("question" in inputPart && !("documents" in inputPart)) {
        const {question, ...rest} = inputPart;
        if (typeof question !== "string" || question.trim() === "") throw new InputError(`${origin}: field question: expected a non-empty string`);
        if ("instruction" in rest || "format" in rest)
            throw new InputError(`${origin}: "instruction" and "format" need "documents"`, {hint: "see docs/datasets.md"});
        Object.assign(inputPart, {prompt: question});
        delete inputPart.question;
        Object.assign(inputPart, rest);
    }
    const parsed = parseExplainInput(inputPart, origin);
    const options = extra.options;
    if (options !== undefined && new Set(options).size !== options.length) throw new InputError(`${origin}: field options: options must be distinct`);
    let label: string | undefined;
    if (extra.label !== undefined) {
        if (typeof extra.label === "number") {
            if (options === undefined || extra.label >= options.length) {
                throw new InputError(`${origin}: field label: an index label needs options and must be below their count`, {received: String(extra.label)});
            }
            label = options[extra.label];
        } else {
            if (options !== undefined && !options.includes(extra.label)) {
                throw new InputError(`${origin}: field label: "${extra.label}" is not one of the options`, {
                    expected: options.map((option) => JSON.stringify(option)).join(", "),
                });
            }
            label = extra.label;
        }
    }
    const core = {
        id: String(extra.id),
        input: parsed.input,
        ...(options === undefined ? {} : {options}),
        ...(label === undefined ? {} : {label}),
        ...(parsed.rationale === undefined ? {} : {rationale: parsed.rationale}),
        ...(parsed.target === undefined ? {} : {target: parsed.target}),
    };
    return {...core, line, ...(extra.meta === undefined ? {} : {meta: extra.meta}), hash: sha256Hex(canonicalJson(core))};
}

/** An item built in code (tests, organisms): validated like a line. */
export function datasetItem(json: Record<string, unknown>): DatasetItem {
    return parseDatasetItem(json, 0);
}
