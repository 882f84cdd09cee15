/** Shared by the routes: body validation that names the field, and errors as OpenAI-style answers. */
import type {z} from "zod";
import {isGlassboxError} from "../errors.js";
import {InputError} from "../errors.js";

export interface RouteResult {
    status: number;
    body: unknown;
    headers?: Record<string, string>;
}

export function parseBody<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const param =
        issue === undefined || issue.path.length === 0
            ? "(body)"
            : issue.path
                  .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
                  .join("")
                  .replace(/^\./, "");
    throw new InputError(`invalid request: ${param}: ${issue?.message ?? "invalid"}`, {fields: {param}});
}

/** An error as the JSON answer OpenAI-compatible clients expect: {object: "error", message, type, param, code}. */
export function errorResult(error: unknown): RouteResult {
    const glassbox = isGlassboxError(error) ? error : undefined;
    const explicit = glassbox?.fields["status"];
    const status =
        typeof explicit === "number"
            ? explicit
            : glassbox === undefined
              ? 500
              : glassbox.code === "invalid-input" ||
                  glassbox.code === "invalid-argument" ||
                  glassbox.code === "context-overflow" ||
                  glassbox.code === "capability"
                ? 400
                : 500;
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "error") : String(error);
    const param = glassbox?.fields["param"];
    const type =
        status === 400
            ? "BadRequestError"
            : status === 404
              ? "NotFoundError"
              : status === 401
                ? "AuthenticationError"
                : status === 413
                  ? "PayloadTooLargeError"
                  : "InternalServerError";
    return {
        status,
        body: {object: "error", message, type, param: typeof param === "string" ? param : null, code: status, error: {message, type, code: status}},
    };
}
