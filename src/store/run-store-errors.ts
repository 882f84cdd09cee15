/** Why a run store could not be opened, in one line with what fixes it; and the busy-retry helpers. */
import {dirname} from "node:path";
import {BusyError, InputError} from "../errors.js";

export function isBusy(error: unknown): boolean {
    const code = (error as {code?: string} | null)?.code;
    return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || (code?.startsWith("SQLITE_BUSY_") ?? false);
}

export function sleepSync(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One line saying why a store could not be opened, and what fixes it. */
export function describeOpenError(path: string, error: unknown, readOnly: boolean, timeout: number): Error {
    if (error instanceof InputError || error instanceof BusyError) return error;
    const code = (error as {code?: string} | null)?.code ?? "";
    const reason = error instanceof Error ? error.message : String(error);
    if (isBusy(error)) {
        return new BusyError(`the run store ${path} stayed locked by other processes for ${timeout / 1000} s`, {
            hint: "retry when the other glassbox commands on this store finish, or use another run store",
            parameter: "runStorePath",
            cause: error,
        });
    }
    if (code === "SQLITE_NOTADB") {
        return new InputError(`${path} is not a SQLite database`, {
            expected: "a glassbox run store",
            hint: "give a run store a check wrote",
            parameter: "runStorePath",
            cause: error,
        });
    }
    if (readOnly && code === "SQLITE_CANTOPEN") {
        return new InputError(`cannot open the run store ${path} for reading: ${reason}`, {
            hint: "check the run store path",
            parameter: "runStorePath",
            cause: error,
        });
    }
    const parentProblem = code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "ENOENT" || code === "ENOTDIR" || code === "EROFS";
    return new InputError(`cannot open the run store at ${path}: ${reason}`, {
        expected: "a SQLite file path that can be created and written",
        hint: parentProblem ? `check that ${dirname(path)} is a folder this user can write, or use another run store` : "use another run store",
        parameter: "runStorePath",
        cause: error,
    });
}
