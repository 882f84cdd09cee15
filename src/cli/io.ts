/**
 * Terminal I/O for commands: colour only on a TTY (and not under NO_COLOR), progress on stderr.
 * On a terminal progress is one line rewritten in place (a bar with rate and ETA for counted
 * work); when stderr is a file or a pipe (CI logs), a plain line is written once work has run for
 * `intervalMs` and then at least every `intervalMs` while it goes on, the last state repeated if
 * nothing new arrived. `--quiet` turns progress off.
 */
import type {CommandIo} from "./command.js";

export interface IoSettings {
    stdout: CommandIo["stdout"];
    stderr: CommandIo["stderr"] & {columns?: number};
    quiet: boolean;
    color: boolean;
    /** Milliseconds between plain progress lines when stderr is not a terminal. */
    intervalMs?: number;
    now?: () => number;
}

export function processIo(options: {quiet?: boolean} = {}): CommandIo {
    const stdout = process.stdout;
    const color = stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== "dumb";
    // GLASSBOX_PROGRESS_INTERVAL_MS changes the 10 s between plain lines (the test helper sets it high).
    const interval = Number(process.env.GLASSBOX_PROGRESS_INTERVAL_MS);
    return createIo({
        stdout,
        stderr: process.stderr,
        quiet: options.quiet === true,
        color,
        ...(Number.isFinite(interval) && interval > 0 ? {intervalMs: interval} : {}),
    });
}

interface CountState {
    label: string;
    startedAt: number;
    doneAtStart: number;
}

export function createIo(settings: IoSettings): CommandIo {
    const {stdout, stderr, quiet, color} = settings;
    const now = settings.now ?? Date.now;
    const interval = settings.intervalMs ?? 10_000;
    const terminal = stderr.isTTY === true;
    let shown = false;
    /** Plain-line mode: when the current work started, the last line written and the latest state. */
    let workStartedAt: number | undefined;
    let lastLineAt = 0;
    let latest = "";
    let heartbeat: NodeJS.Timeout | undefined;
    let count: CountState | undefined;

    const writePlain = (): void => {
        stderr.write(`${latest}\n`);
        lastLineAt = now();
    };
    const show = (message: string): void => {
        if (quiet) return;
        if (terminal) {
            const width = stderr.columns ?? 100;
            stderr.write(`\r\x1b[2K${message.slice(0, Math.max(10, width - 1))}`);
            shown = true;
            return;
        }
        latest = message;
        const at = now();
        workStartedAt ??= at;
        if (at - workStartedAt >= interval && at - lastLineAt >= interval) writePlain();
        if (heartbeat === undefined) {
            heartbeat = setInterval(
                () => {
                    if (workStartedAt !== undefined && now() - lastLineAt >= interval && now() - workStartedAt >= interval) writePlain();
                },
                Math.max(250, Math.floor(interval / 4)),
            );
            heartbeat.unref();
        }
    };
    return {
        stdout,
        stderr,
        color,
        progress: show,
        progressCount(label, done, total, detail) {
            if (quiet) return;
            const at = now();
            if (count === undefined || count.label !== label || done < count.doneAtStart) count = {label, startedAt: at, doneAtStart: done};
            show(countLine({label, done, total, detail, elapsedMs: at - count.startedAt, doneSinceStart: done - count.doneAtStart, bar: terminal}));
        },
        notice(message, kind) {
            if (quiet && kind === "progress") return;
            if (shown) stderr.write("\r\x1b[2K");
            shown = false;
            stderr.write(`${message}\n`);
        },
        progressDone() {
            if (shown) stderr.write("\r\x1b[2K");
            shown = false;
            if (heartbeat !== undefined) clearInterval(heartbeat);
            heartbeat = undefined;
            workStartedAt = undefined;
            count = undefined;
        },
    };
}

/** "label [#####-----] 12/40 (30%), 3.1/s, ETA 9s  detail"; the bar only on a terminal. */
export function countLine(state: {
    label: string;
    done: number;
    total: number;
    detail?: string | undefined;
    elapsedMs: number;
    doneSinceStart: number;
    bar: boolean;
}): string {
    const {label, done, total} = state;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = state.bar ? ` [${"#".repeat(filled)}${"-".repeat(width - filled)}]` : ":";
    const seconds = state.elapsedMs / 1000;
    const rate = seconds > 0 && state.doneSinceStart > 0 ? state.doneSinceStart / seconds : undefined;
    const eta = rate === undefined ? "ETA ?" : `ETA ${formatDuration((total - done) / rate)}`;
    const rateText = rate === undefined ? "" : `, ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(rate >= 1 ? 1 : 2)}/s`;
    const detail = state.detail === undefined || state.detail === "" ? "" : `  ${state.detail}`;
    return `${label}${bar} ${done}/${total} (${Math.round(fraction * 100)}%)${rateText}, ${eta}${detail}`;
}

export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds) || seconds < 0) return "?";
    if (seconds < 60) return `${Math.ceil(seconds)}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
    return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
