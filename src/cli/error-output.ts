/**
 * How the CLI prints an error: one line, the flag at fault named (core errors carry the library
 * parameter, e.g. "maxTokens"; the command's flag is found here), no raw control bytes, and the
 * stack only with --debug. Also the exit code each kind of error gets.
 */
import {composeMessage, isGlassboxError, type GlassboxError} from "../errors.js";
import type {Command} from "./command.js";

/** Exit codes: 0 success, 1 failure of the work, 2 bad usage or input. */
export const exitCodes = {ok: 0, failure: 1, usage: 2} as const;

/** Parameters whose flag is not their kebab-case in any command. */
const commonParameterFlags: Record<string, string> = {valueKind: "value", runStorePath: "db"};

/** Errors raised while the CLI worked on a flag other than the one the parameter names (e.g. a second model). */
const flagOverrides = new WeakMap<object, string>();

/**
 * Runs `work` (opening the model named by `flag`, say --tuned) so that an error about the
 * `parameter` ("model") is printed as being about `flag`.
 */
export async function attributeToFlag<T>(flag: string, parameter: string, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (error) {
        if (isGlassboxError(error) && error.parameter === parameter && !flagOverrides.has(error)) flagOverrides.set(error, `--${flag}`);
        throw error;
    }
}

export function kebabCase(name: string): string {
    return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The flag of `command` that sets `parameter`, if it has one. */
export function flagForParameter(command: Command | undefined, parameter: string): string | undefined {
    if (command === undefined) return undefined;
    const candidates = [command.parameterFlags?.[parameter], commonParameterFlags[parameter], kebabCase(parameter), parameter];
    const flag = candidates.find((name) => name !== undefined && name in command.options);
    return flag === undefined ? undefined : `--${flag}`;
}

/** The one line printed for a glassbox error: its message with the flag at fault added to the hint. */
export function errorLine(error: GlassboxError, command: Command | undefined): string {
    const flag = flagOverrides.get(error) ?? (error.parameter === undefined ? undefined : flagForParameter(command, error.parameter));
    if (flag === undefined || error.message.includes(flag)) return error.message;
    const details = {
        ...(error.expected === undefined ? {} : {expected: error.expected}),
        ...(error.received === undefined ? {} : {received: error.received}),
    };
    // The summary already names the setting when it was thrown by the CLI itself: only the hint gets the flag.
    return composeMessage(error.summary, {...details, hint: error.hint === undefined ? `set with ${flag}` : `${error.hint}; set with ${flag}`});
}

/** Text safe to print on a terminal: control and undecodable characters become escapes. */
export function printable(text: string): string {
    return text
        .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/gu, (character) =>
            character === "\ufffd" ? "?" : `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`,
        )
        .replace(/\n/g, " ");
}

export function exitCodeForError(error: unknown): number {
    if (!isGlassboxError(error)) return exitCodes.failure;
    return error.code === "invalid-argument" || error.code === "invalid-input" || error.code === "budget" ? exitCodes.usage : exitCodes.failure;
}

/** Prints the error on stderr and returns the exit code. */
export function reportError(error: unknown, command: Command | undefined, debug: boolean, stderr: NodeJS.WritableStream): number {
    if (isGlassboxError(error)) {
        stderr.write(`glassbox: ${printable(errorLine(error, command))}\n`);
        if (debug && error.stack !== undefined) stderr.write(`${error.stack}\n`);
        return exitCodeForError(error);
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`glassbox: unexpected error: ${printable(message.split("\n")[0] ?? message)}${debug ? "" : " (run with --debug for details)"}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) stderr.write(`${error.stack}\n`);
    return exitCodes.failure;
}
