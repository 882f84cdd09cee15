/**
 * Gathers the scoring requests that arrive while the model is busy and hands them to the
 * evaluator as one batch: concurrent HTTP requests then share the evaluator's prefix-ordered
 * lane schedule (and a lane's KV prefix) instead of queueing one by one.
 */
import type {Evaluator} from "../evaluator/evaluator.js";
import type {ScoreRequest} from "../model/backend-spec.js";

interface Pending {
    request: ScoreRequest;
    resolve: (logprobs: number[]) => void;
    reject: (error: unknown) => void;
}

export class BatchingScorer {
    private pending: Pending[] = [];
    private running = false;
    /** Requests waiting or being scored (for back-pressure). */
    outstanding = 0;

    constructor(private readonly evaluator: Evaluator) {}

    score(request: ScoreRequest): Promise<number[]> {
        this.outstanding++;
        return new Promise<number[]>((resolve, reject) => {
            this.pending.push({request, resolve, reject});
            if (!this.running) void this.drain();
        }).finally(() => {
            this.outstanding--;
        });
    }

    private async drain(): Promise<void> {
        this.running = true;
        try {
            while (this.pending.length > 0) {
                // Let requests that arrive in the same tick join the batch.
                await new Promise((resolve) => setImmediate(resolve));
                const batch = this.pending;
                this.pending = [];
                await this.scoreBatch(batch);
            }
        } finally {
            this.running = false;
        }
    }

    private async scoreBatch(batch: Pending[]): Promise<void> {
        try {
            const results = await this.evaluator.scoreMany(batch.map((item) => item.request));
            batch.forEach((item, index) => item.resolve(results[index]?.logprobs ?? []));
        } catch (error) {
            if (batch.length === 1) {
                batch[0]?.reject(error);
                return;
            }
            // One bad request must not fail the others: score them one by one.
            for (const item of batch) {
                try {
                    const [result] = await this.evaluator.scoreMany([item.request]);
                    item.resolve(result?.logprobs ?? []);
                } catch (single) {
                    item.reject(single);
                }
            }
        }
    }
}
