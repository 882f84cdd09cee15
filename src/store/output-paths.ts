/**
 * Output paths are checked before any model call, so a long computation never ends in "cannot
 * write": a file must be writable (or creatable) in an existing folder, and a folder must exist
 * or be creatable under an existing ancestor. A check leaves nothing behind (where the file or
 * folder does not exist yet, it is created and removed again: permission bits alone do not tell,
 * e.g. for root, or under /proc). When writing still
 * fails at the end (the disk filled, the folder vanished), the text is written beside: in the
 * system temporary folder, and the caller says where.
 */
import {accessSync, closeSync, constants, mkdirSync, openSync, rmdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {basename, dirname, join, resolve} from "node:path";
import {InputError} from "../errors.js";

/** Check that `path` can be written as a file, without creating it. `flag` names it ("--out"). */
export function checkOutputFile(path: string, flag: string): void {
    const fix = `pass a writable file in an existing folder with ${flag}`;
    if (path.trim() === "") throw new InputError(`${flag} is empty`, {expected: "a file path", hint: fix});
    const existing = statOrUndefined(path);
    if (existing?.isDirectory() === true) {
        throw new InputError(`${flag} ${path} is a directory`, {
            expected: "a file path",
            hint: `name a file inside it, e.g. ${join(path, suggestedName(flag))}`,
        });
    }
    if (existing !== undefined && !existing.isFile()) {
        throw new InputError(`${flag} ${path} is not a regular file`, {expected: "a regular file path", hint: fix});
    }
    const folder = dirname(resolve(path));
    const folderStats = statOrUndefined(folder);
    if (folderStats === undefined) throw new InputError(`${flag} ${path}: the folder ${folder} does not exist`, {hint: `create it first, or ${fix}`});
    if (!folderStats.isDirectory()) throw new InputError(`${flag} ${path}: ${folder} is not a folder`, {hint: fix});
    const target = existing === undefined ? folder : path;
    try {
        accessSync(target, constants.W_OK);
        if (existing === undefined) {
            closeSync(openSync(path, "wx"));
            rmSync(path);
        }
    } catch (error) {
        const code = (error as {code?: string}).code ?? "error";
        throw new InputError(`${flag} ${path} cannot be written (${code}${target === folder ? ` in ${folder}` : ""})`, {hint: fix, cause: error});
    }
}

/**
 * Check that `path` can be used as an output folder: it is a writable folder, or it can be made
 * under its nearest existing ancestor.
 */
export function checkOutputFolder(path: string, flag: string): void {
    const fix = `pass a writable folder with ${flag}`;
    const absolute = resolve(path);
    const existing = statOrUndefined(absolute);
    if (existing !== undefined && !existing.isDirectory()) throw new InputError(`${flag} ${path} is not a folder`, {hint: fix});
    let ancestor = absolute;
    while (statOrUndefined(ancestor) === undefined && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    const ancestorStats = statOrUndefined(ancestor);
    if (ancestorStats === undefined || !ancestorStats.isDirectory()) throw new InputError(`${flag} ${path}: ${ancestor} is not a folder`, {hint: fix});
    try {
        accessSync(ancestor, constants.W_OK);
        const probe = join(ancestor, `.glassbox-probe-${process.pid}`);
        mkdirSync(probe);
        rmdirSync(probe);
    } catch (error) {
        const code = (error as {code?: string}).code ?? "error";
        throw new InputError(`${flag} ${path} cannot be created or written (${code} in ${ancestor})`, {hint: fix, cause: error});
    }
}

/**
 * Make a folder and its missing ancestors one level at a time. (Node 20's recursive mkdirSync
 * loops forever on some paths, e.g. under /proc; a single-level mkdir fails at once there.)
 */
export function makeFolder(path: string): void {
    const absolute = resolve(path);
    const missing: string[] = [];
    let current = absolute;
    while (statOrUndefined(current) === undefined && dirname(current) !== current) {
        missing.push(current);
        current = dirname(current);
    }
    for (const folder of missing.reverse()) {
        try {
            mkdirSync(folder);
        } catch (error) {
            if ((error as {code?: string}).code !== "EEXIST") throw error;
        }
    }
    if (statOrUndefined(absolute)?.isDirectory() !== true) {
        throw Object.assign(new Error(`${absolute} is not a folder`), {code: "ENOTDIR"});
    }
}

/** Where a result went: the path asked for, or the fallback with why the path failed. */
export type WriteOutcome = {written: string} | {written: string; failed: string; reason: string} | {written: undefined; failed: string; reason: string};

/**
 * Write `text` to `path`; if that fails, to a file of the same name in the system temporary
 * folder. `written` undefined means both failed: the caller prints the text instead.
 */
export function writeOutputOrBeside(path: string, text: string): WriteOutcome {
    try {
        writeFileSync(path, text);
        return {written: path};
    } catch (error) {
        const reason = (error as {code?: string}).code ?? (error instanceof Error ? error.message : String(error));
        const beside = join(tmpdir(), `glassbox-${process.pid}-${basename(path) || "result"}`);
        try {
            writeFileSync(beside, text);
            return {written: beside, failed: path, reason};
        } catch {
            return {written: undefined, failed: path, reason};
        }
    }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
    try {
        return statSync(path);
    } catch {
        return undefined;
    }
}

function suggestedName(flag: string): string {
    if (flag === "--cache") return "scores.jsonl";
    if (flag === "--db") return "runs.db";
    if (flag === "--markdown") return "BENCHMARKS.md";
    return "result.json";
}
