/**
 * The project's one seeded pseudo-random source: mulberry32 over a 32-bit state, so that sampled
 * coalitions, task generation, weight initialisation, data order and token sampling are
 * reproducible bit for bit from one integer seed on every platform.
 *
 * The stream is the one the shipped organisms were trained with: the state starts at
 * `seed ^ 0x9e3779b9` and four draws are discarded. Changing any method here changes the
 * organisms' training data; retraining must still reproduce the committed files
 * (test/organisms/training-determinism.test.ts).
 */
export class SeededRandom {
    /** The seed this source started from (as given, before mixing). */
    readonly seed: number;
    private state: number;

    constructor(seed: number) {
        this.seed = seed;
        this.state = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
        for (let i = 0; i < 4; i++) this.nextUint32();
    }

    nextUint32(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
    }

    /** Uniform in [0, 1) with 32 bits of randomness. */
    next(): number {
        return this.nextUint32() / 4294967296;
    }

    /** Uniform integer in [0, n); the bias of flooring a 32-bit draw is below n / 2^32. */
    integer(n: number): number {
        if (!Number.isInteger(n) || n <= 0) throw new RangeError(`integer(n) needs a positive whole n, got ${n}`);
        return Math.floor(this.next() * n);
    }

    /** Standard normal (Box–Muller, two draws per value). */
    normal(): number {
        const u = 1 - this.next();
        const v = this.next();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    pick<T>(items: readonly T[]): T {
        const item = items[this.integer(items.length)];
        if (item === undefined) throw new RangeError("pick from an empty list");
        return item;
    }

    /** A new array with the items in random order (Fisher–Yates). */
    shuffled<T>(items: readonly T[]): T[] {
        const copy = items.slice();
        for (let i = copy.length - 1; i > 0; i--) {
            const j = this.integer(i + 1);
            const held = copy[i] as T;
            copy[i] = copy[j] as T;
            copy[j] = held;
        }
        return copy;
    }

    /** k distinct items in random order. */
    sample<T>(items: readonly T[], k: number): T[] {
        return this.shuffled(items).slice(0, k);
    }
}

/** What a method that draws needs of a random source. */
export type RandomSource = Pick<SeededRandom, "seed" | "next" | "integer" | "normal">;
