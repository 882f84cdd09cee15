/**
 * A small seeded pseudo-random generator (mulberry32) so that task generation, weight
 * initialisation and data order are reproducible bit for bit from one integer seed.
 */
export class SeededRandom {
    private state: number;

    constructor(seed: number) {
        this.state = (seed >>> 0) ^ 0x9e3779b9;
        for (let i = 0; i < 4; i++) this.nextUint32();
    }

    nextUint32(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
    }

    /** Uniform in [0, 1). */
    next(): number {
        return this.nextUint32() / 4294967296;
    }

    /** Uniform integer in [0, n). */
    integer(n: number): number {
        return Math.floor(this.next() * n);
    }

    /** Standard normal (Box–Muller). */
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
            const a = copy[i] as T;
            copy[i] = copy[j] as T;
            copy[j] = a;
        }
        return copy;
    }

    /** k distinct items in random order. */
    sample<T>(items: readonly T[], k: number): T[] {
        return this.shuffled(items).slice(0, k);
    }
}
