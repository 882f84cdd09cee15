import type {CommandIo} from "./command.js";

/** Terminal I/O for commands: colour only on a TTY (and not under NO_COLOR), progress on stderr. */
export function processIo(): CommandIo {
    const stdout = process.stdout;
    const stderr = process.stderr;
    const color = stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";
    let progressShown = false;
    return {
        stdout,
        stderr,
        color,
        progress(message: string) {
            if (stderr.isTTY !== true) return;
            const width = (stderr as {columns?: number}).columns ?? 100;
            stderr.write(`\r\x1b[2K${message.slice(0, Math.max(10, width - 1))}`);
            progressShown = true;
        },
        progressDone() {
            if (progressShown) stderr.write("\r\x1b[2K");
            progressShown = false;
        },
    };
}
