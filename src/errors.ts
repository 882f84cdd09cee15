/**
 * Typed errors. Every error a user can cause is a {@link GlassboxError}: it carries a stable
 * `code`, what was expected, what was received, what fixes it and, when one setting is at fault,
 * its `parameter` as the library spells it ("budget", "maxTokens"). Messages never name a CLI
 * flag: the CLI maps `parameter` to the flag of the command that was run when it prints the error.
 */

export interface ErrorDetails {
    /** What glassbox expected, in words ("a GGUF file", "an integer ≥ 1"). */
    expected?: string;
    /** What it got instead (a value, a size, a path). */
    received?: string;
    /** What fixes it, in words (the setting, a command, a file to create); no CLI flag names. */
    hint?: string;
    /**
     * The setting at fault, as the library option is spelled ("budget", "maxTokens", "model"); the
     * CLI names the matching flag. Absent when no single setting is at fault.
     */
    parameter?: string;
    /** Any structured fields worth keeping (sizes, paths, ids). */
    fields?: Record<string, unknown>;
    cause?: unknown;
}

export type ErrorCode =
    | "invalid-argument"
    | "invalid-input"
    | "model-file"
    | "context-overflow"
    | "capability"
    | "backend"
    | "budget"
    | "schema"
    | "not-found"
    | "busy"
    | "internal";

export class GlassboxError extends Error {
    readonly code: ErrorCode;
    /** The message without the expected/received/hint parts. */
    readonly summary: string;
    readonly parameter: string | undefined;
    readonly expected: string | undefined;
    readonly received: string | undefined;
    readonly hint: string | undefined;
    readonly fields: Record<string, unknown>;

    constructor(code: ErrorCode, summary: string, details: ErrorDetails = {}) {
        super(composeMessage(summary, details), details.cause === undefined ? undefined : {cause: details.cause});
        this.name = "GlassboxError";
        this.code = code;
        this.summary = summary;
        this.parameter = details.parameter;
        this.expected = details.expected;
        this.received = details.received;
        this.hint = details.hint;
        this.fields = details.fields ?? {};
    }
}

/** A command-line flag or argument is missing, unknown or malformed. */
export class ArgumentError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("invalid-argument", summary, details);
        this.name = "ArgumentError";
    }
}

/** An input (prompt, messages file, target, dataset line) is unusable. */
export class InputError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("invalid-input", summary, details);
        this.name = "InputError";
    }
}

/** The model file is missing, not GGUF, truncated or otherwise unloadable (the parameter at fault: "model"). */
export class ModelFileError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("model-file", summary, {parameter: "model", ...details});
        this.name = "ModelFileError";
    }
}

/** Prompt plus target do not fit in the context window. */
export class ContextOverflowError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("context-overflow", summary, details);
        this.name = "ContextOverflowError";
    }
}

/** The backend lacks a capability the operation needs (e.g. scoring on a generation-only API). */
export class CapabilityError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("capability", summary, details);
        this.name = "CapabilityError";
    }
}

/** The backend failed while evaluating (native error, server error, unexpected response). */
export class BackendError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("backend", summary, details);
        this.name = "BackendError";
    }
}

/** A method was given a budget it cannot work with. */
export class BudgetError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("budget", summary, details);
        this.name = "BudgetError";
    }
}

/** A shared resource (a run another process is evaluating, a locked store) is in use. */
export class BusyError extends GlassboxError {
    constructor(summary: string, details: ErrorDetails = {}) {
        super("busy", summary, details);
        this.name = "BusyError";
    }
}

/** "summary; expected …; received … (hint)": how every message is put together. */
export function composeMessage(summary: string, details: Pick<ErrorDetails, "expected" | "received" | "hint">): string {
    const parts = [summary];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (details.received !== undefined) parts.push(`received ${details.received}`);
    let message = parts.join("; ");
    if (details.hint !== undefined) message += ` (${details.hint})`;
    return message;
}

export function isGlassboxError(error: unknown): error is GlassboxError {
    return error instanceof GlassboxError;
}
