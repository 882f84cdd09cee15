/**
 * Progress of requests a server has not answered yet: while any request of one watch is
 * outstanding, the longest-waiting one is reported every `intervalMs` of its wait ("waiting for
 * URL: 20 s of 120 s"), so a server that accepts and never answers is visible long before the
 * timeout. One timer per watch (not per request), unreferenced so it never keeps a process alive;
 * nothing is scheduled while no request is outstanding.
 */

export interface WaitingEvent {
    /** The URL of the longest-waiting request. */
    url: string;
    /** How long it has waited, in ms. */
    waitedMs: number;
    /** Its timeout, in ms. */
    timeoutMs: number;
    /** Requests of this watch not answered yet (this one included). */
    outstanding: number;
}

export type WaitingListener = (event: WaitingEvent) => void;

/** Default time between two reports on the same wait. */
export const defaultWaitingIntervalMs = 10_000;

interface Watched {
    url: string;
    startedAt: number;
    timeoutMs: number;
    /** How many whole intervals of its wait were reported already. */
    reported: number;
}

export class RequestWatch {
    private readonly outstanding = new Set<Watched>();
    private timer: NodeJS.Timeout | undefined;
    private readonly intervalMs: number;

    constructor(
        private readonly report: WaitingListener,
        intervalMs = defaultWaitingIntervalMs,
        private readonly now: () => number = Date.now,
    ) {
        this.intervalMs = Math.max(1, intervalMs);
    }

    /** Marks a request sent; the returned function marks it answered (or failed). */
    start(url: string, timeoutMs: number): () => void {
        const entry: Watched = {url, startedAt: this.now(), timeoutMs, reported: 0};
        this.outstanding.add(entry);
        if (this.timer === undefined) {
            // Checked four times per interval, so a report is at most a quarter interval late.
            this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / 4)));
            this.timer.unref();
        }
        return () => {
            this.outstanding.delete(entry);
            if (this.outstanding.size === 0 && this.timer !== undefined) {
                clearInterval(this.timer);
                this.timer = undefined;
            }
        };
    }

    private tick(): void {
        let oldest: Watched | undefined;
        for (const entry of this.outstanding) if (oldest === undefined || entry.startedAt < oldest.startedAt) oldest = entry;
        if (oldest === undefined) return;
        const waitedMs = this.now() - oldest.startedAt;
        const intervals = Math.floor(waitedMs / this.intervalMs);
        if (intervals <= oldest.reported || waitedMs >= oldest.timeoutMs) return;
        oldest.reported = intervals;
        this.report({url: oldest.url, waitedMs, timeoutMs: oldest.timeoutMs, outstanding: this.outstanding.size});
    }
}
