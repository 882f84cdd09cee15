/**
 * The explain input file (docs/input-format.md): one JSON object holding exactly one of
 * `prompt`, `messages` or `question` + `documents`, plus optional `target`, `foil` and
 * `rationale`. Validated with zod; every problem becomes one InputError line naming the field.
 */
import {z} from "zod";
import {InputError} from "../errors.js";
import type {ChatRole} from "../model/backend-spec.js";
import type {StructuredInput} from "../units/types.js";

const roleSchema = z.enum(["system", "user", "assistant"]);
const spanSchema = z.strictObject({start: z.number().int().min(0), end: z.number().int().min(0)});
const rationaleSpanSchema = z.strictObject({
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    /** 0-based document (documents input) or message (chat input) the offsets point into. */
    part: z.number().int().min(0).optional(),
});
const common = {
    target: z.string().min(1).optional(),
    foil: z.string().min(1).optional(),
    rationale: z.array(rationaleSpanSchema).optional(),
};
const promptFileSchema = z.strictObject({prompt: z.string(), spans: z.array(spanSchema).optional(), ...common});
const chatFileSchema = z.strictObject({
    messages: z.array(z.strictObject({role: roleSchema, content: z.string()})).min(1),
    players: z.array(roleSchema).min(1).optional(),
    ...common,
});
const documentsFileSchema = z.strictObject({
    question: z.string().min(1),
    documents: z.array(z.union([z.string(), z.strictObject({title: z.string().optional(), text: z.string()})])).min(1),
    instruction: z.string().optional(),
    format: z.enum(["text", "chat"]).optional(),
    ...common,
});

/** A span of the input marked as the human rationale; `part` picks the document or message. */
export interface RationaleSpan {
    start: number;
    end: number;
    part?: number;
}

export interface ExplainInputFile {
    input: StructuredInput;
    target?: string;
    foil?: string;
    rationale?: RationaleSpan[];
}

/** Validate parsed JSON as an explain input. `origin` names the file in messages. */
export function parseExplainInput(json: unknown, origin: string): ExplainInputFile {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new InputError(`${origin} is not an explain input`, {expected: 'a JSON object with "prompt", "messages" or "question" + "documents"'});
    }
    const record = json as Record<string, unknown>;
    const shapes = ["prompt", "messages", "documents"].filter((key) => key in record);
    if (shapes.length !== 1) {
        throw new InputError(`${origin} must hold exactly one of "prompt", "messages" or "documents"`, {
            received: shapes.length === 0 ? `keys ${Object.keys(record).join(", ") || "(none)"}` : shapes.join(" and "),
            hint: "see docs/input-format.md",
        });
    }
    const extras = (file: {target?: string | undefined; foil?: string | undefined; rationale?: RationaleSpan[] | undefined}) => ({
        ...(file.target === undefined ? {} : {target: file.target}),
        ...(file.foil === undefined ? {} : {foil: file.foil}),
        ...(file.rationale === undefined
            ? {}
            : {rationale: file.rationale.map((span) => ({start: span.start, end: span.end, ...(span.part === undefined ? {} : {part: span.part})}))}),
    });
    if (shapes[0] === "prompt") {
        const file = check(promptFileSchema, record, origin);
        return {input: {kind: "prompt", prompt: file.prompt, ...(file.spans === undefined ? {} : {spans: file.spans})}, ...extras(file)};
    }
    if (shapes[0] === "messages") {
        const file = check(chatFileSchema, record, origin);
        const playerRoles: ChatRole[] = file.players ?? ["user"];
        return {input: {kind: "chat", messages: file.messages, playerRoles}, ...extras(file)};
    }
    const file = check(documentsFileSchema, record, origin);
    return {
        input: {
            kind: "documents",
            question: file.question,
            documents: file.documents.map((document) =>
                typeof document === "string" ? {text: document} : {...(document.title === undefined ? {} : {title: document.title}), text: document.text},
            ),
            ...(file.instruction === undefined ? {} : {instruction: file.instruction}),
            ...(file.format === undefined ? {} : {format: file.format}),
        },
        ...extras(file),
    };
}

/** Parse `--rationale` text: "START-END[,START-END…]", each optionally prefixed "PART:" (0-based document or message). */
export function parseRationaleFlag(text: string): RationaleSpan[] {
    const spans: RationaleSpan[] = [];
    for (const piece of text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "")) {
        const match = /^(?:(\d+):)?(\d+)-(\d+)$/.exec(piece);
        if (match === null) {
            throw new InputError(`the rationale has a malformed span "${piece}"`, {
                expected: "START-END or PART:START-END, comma-separated (character offsets)",
                parameter: "rationale",
            });
        }
        spans.push({start: Number(match[2]), end: Number(match[3]), ...(match[1] === undefined ? {} : {part: Number(match[1])})});
    }
    if (spans.length === 0) throw new InputError("the rationale is empty", {expected: "START-END[,START-END...]", parameter: "rationale"});
    return spans;
}

function check<T>(schema: z.ZodType<T>, value: unknown, origin: string): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
    throw new InputError(`${origin}: field ${path}: ${issue?.message ?? "invalid"}`, {hint: "see docs/input-format.md"});
}
