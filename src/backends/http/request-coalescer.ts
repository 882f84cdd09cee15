/**
 * Client-side batching: score calls made in the same tick (the evaluator's lanes ask together)
 * travel as one HTTP request with a list of prompts (vLLM: `prompt` as a list of token lists;
 * SGLang: `input_ids` as a list). One request per batch instead of one per item divides the
 * client's per-request work (fetch, JSON, validation) by the batch size. If the request fails,
 * every item in it fails with the same error, and each is retried on its own.
 */
export class RequestCoalescer<Item, Result> {
    private queue: Array<{item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void}> = [];
    private scheduled = false;

    constructor(
        private readonly maxBatch: number,
        private readonly send: (items: Item[]) => Promise<Result[]>,
    ) {}

    submit(item: Item): Promise<Result> {
        if (this.maxBatch <= 1) return this.send([item]).then((results) => results[0] as Result);
        return new Promise<Result>((resolve, reject) => {
            this.queue.push({item, resolve, reject});
            if (!this.scheduled) {
                this.scheduled = true;
                setImmediate(() => this.flush());
            }
        });
    }

    private flush(): void {
        this.scheduled = false;
        const pending = this.queue;
        this.queue = [];
        for (let start = 0; start < pending.length; start += this.maxBatch) {
            const batch = pending.slice(start, start + this.maxBatch);
            this.send(batch.map((entry) => entry.item)).then(
                (results) => batch.forEach((entry, index) => entry.resolve(results[index] as Result)),
                (error: unknown) => batch.forEach((entry) => entry.reject(error)),
            );
        }
    }
}
