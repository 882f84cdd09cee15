/**
 * Output flags are checked before any model call (so a long run never ends unable to write), and
 * a write that still fails at the end keeps the result: written beside, or printed, with the
 * path said.
 */
import {checkOutputFile, checkOutputFolder, writeOutputOrBeside} from "../store/output-paths.js";
import type {CommandIo} from "./command.js";

/** Check every output flag present: `files` must be writable files, `folders` writable or creatable folders. */
export function checkOutputOptions<Options extends object>(
    options: Options,
    files: readonly (keyof Options & string)[],
    folders: readonly (keyof Options & string)[] = [],
): void {
    for (const name of files) {
        const value: unknown = options[name];
        if (typeof value === "string") checkOutputFile(value, `--${name}`);
    }
    for (const name of folders) {
        const value: unknown = options[name];
        if (typeof value === "string") checkOutputFolder(value, `--${name}`);
    }
}

/**
 * Write a finished result to `path`. When that fails, it goes to the temporary folder (or, if that
 * fails too, to stdout) and stderr says where; returns false then, so the command exits 1.
 */
export function writeResultKept(io: CommandIo, flag: string, path: string, text: string): boolean {
    const outcome = writeOutputOrBeside(path, text);
    if (!("failed" in outcome)) return true;
    if (outcome.written !== undefined) {
        io.stderr.write(`glassbox: cannot write ${flag} ${outcome.failed} (${outcome.reason}); the result was written to ${outcome.written} instead\n`);
    } else {
        io.stderr.write(
            `glassbox: cannot write ${flag} ${outcome.failed} (${outcome.reason}) nor a copy in the temporary folder; the result follows on stdout\n`,
        );
        io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    }
    return false;
}
