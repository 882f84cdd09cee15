/**
 * Scores reward items with bounded concurrency and a per-item time limit. An item still running at
 * its limit is aborted (its signal fires, so a code run is killed) and scored 0 with a note; a
 * reward that throws is scored 0 with the error as the reason. Each item is answered exactly once.
 */
import type {RewardFunction, RewardItem, RewardResult} from "../rewards/types.js";

export interface RewardSchedulerOptions {
    /** Items scored at the same time across all requests (default 8). */
    concurrency?: number;
    /** Per-item time limit in ms (default 30 000). */
    itemTimeoutMs?: number;
}

export interface RewardSchedulerStats {
    scored: number;
    timedOut: number;
    failed: number;
    running: number;
    queued: number;
}

export class RewardScheduler {
    readonly concurrency: number;
    readonly itemTimeoutMs: number;
    private running = 0;
    private readonly waiting: (() => void)[] = [];
    readonly stats: RewardSchedulerStats = {scored: 0, timedOut: 0, failed: 0, running: 0, queued: 0};

    constructor(options: RewardSchedulerOptions = {}) {
        this.concurrency = options.concurrency ?? 8;
        this.itemTimeoutMs = options.itemTimeoutMs ?? 30_000;
    }

    private async acquire(): Promise<void> {
        if (this.running < this.concurrency) {
            this.running++;
            return;
        }
        this.stats.queued++;
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        this.stats.queued--;
    }

    private release(): void {
        const next = this.waiting.shift();
        if (next !== undefined) next();
        else this.running--;
    }

    async score(reward: RewardFunction, item: RewardItem): Promise<RewardResult> {
        await this.acquire();
        this.stats.running = this.running;
        const controller = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<RewardResult>((resolve) => {
            timer = setTimeout(() => {
                controller.abort();
                this.stats.timedOut++;
                resolve({score: 0, extra: {reason: `timed out: not scored within ${this.itemTimeoutMs} ms`}});
            }, this.itemTimeoutMs);
        });
        try {
            const work = Promise.resolve()
                .then(() => reward.score(item, {signal: controller.signal}))
                .then(
                    (result) => {
                        const score = Number.isFinite(result.score) ? result.score : 0;
                        return score === result.score ? result : {score, extra: {...result.extra, reason: "the reward was not a finite number"}};
                    },
                    (error: unknown) => {
                        this.stats.failed++;
                        return {score: 0, extra: {reason: `reward failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`}};
                    },
                );
            const result = await Promise.race([work, limit]);
            this.stats.scored++;
            return result;
        } finally {
            clearTimeout(timer);
            this.release();
        }
    }
}
