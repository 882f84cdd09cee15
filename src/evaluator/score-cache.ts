/**
 * Score caches. The evaluator asks a {@link ScoreCache} for a whole batch at once, so that a
 * persistent store (a file, a database) can answer with one round trip; the in-memory
 * {@link LruScoreCache} answers synchronously. Keys carry the backend id and the exact token ids;
 * `hash` is a fast digest of them that a store may index by, but a hit must match the tokens.
 */
import type {ScoreResult, TokenId} from "../model/backend-spec.js";

export interface ScoreCacheKey {
    /** `Backend.id`: model identity plus every setting that changes numbers. */
    readonly backendId: string;
    /** 64-bit digest of (context, target) in text form; equal requests have equal digests. */
    readonly hash: string;
    readonly context: ArrayLike<TokenId>;
    readonly target: ArrayLike<TokenId>;
}

export interface ScoreCacheEntry {
    readonly key: ScoreCacheKey;
    readonly result: ScoreResult;
}

export interface ScoreCache {
    /** One answer per key, in order; undefined where the cache has nothing. */
    lookup(keys: readonly ScoreCacheKey[]): Promise<Array<ScoreResult | undefined>> | Array<ScoreResult | undefined>;
    /** Remembers results; may drop old ones. */
    store(entries: readonly ScoreCacheEntry[]): Promise<void> | void;
}

interface StoredScore {
    context: Int32Array;
    target: Int32Array;
    logprobs: Float64Array;
    weight: number;
}

export interface LruScoreCacheOptions {
    /**
     * Size bound, in stored numbers (context and target token ids plus log-probabilities, about
     * 4–8 bytes each). Default 8,000,000 (≈ 40 MB).
     */
    maxWeight?: number;
}

/** In-memory least-recently-used cache bounded by the number of stored tokens and values. */
export class LruScoreCache implements ScoreCache {
    readonly maxWeight: number;
    private readonly entries = new Map<string, StoredScore>();
    private totalWeight = 0;

    constructor(options: LruScoreCacheOptions = {}) {
        this.maxWeight = Math.max(1, options.maxWeight ?? 8_000_000);
    }

    get size(): number {
        return this.entries.size;
    }

    get weight(): number {
        return this.totalWeight;
    }

    lookup(keys: readonly ScoreCacheKey[]): Array<ScoreResult | undefined> {
        return keys.map((key) => {
            const mapKey = `${key.backendId}\u0000${key.hash}`;
            const stored = this.entries.get(mapKey);
            if (stored === undefined || !sameTokens(stored.context, key.context) || !sameTokens(stored.target, key.target)) return undefined;
            this.entries.delete(mapKey);
            this.entries.set(mapKey, stored);
            return {logprobs: Array.from(stored.logprobs)};
        });
    }

    store(entries: readonly ScoreCacheEntry[]): void {
        for (const {key, result} of entries) {
            const mapKey = `${key.backendId}\u0000${key.hash}`;
            const weight = key.context.length + key.target.length + result.logprobs.length + 8;
            if (weight > this.maxWeight) continue;
            const previous = this.entries.get(mapKey);
            if (previous !== undefined) {
                this.entries.delete(mapKey);
                this.totalWeight -= previous.weight;
            }
            this.entries.set(mapKey, {
                context: Int32Array.from(key.context),
                target: Int32Array.from(key.target),
                logprobs: Float64Array.from(result.logprobs),
                weight,
            });
            this.totalWeight += weight;
        }
        for (const [mapKey, stored] of this.entries) {
            if (this.totalWeight <= this.maxWeight) break;
            this.entries.delete(mapKey);
            this.totalWeight -= stored.weight;
        }
    }

    clear(): void {
        this.entries.clear();
        this.totalWeight = 0;
    }
}

function sameTokens(stored: Int32Array, tokens: ArrayLike<TokenId>): boolean {
    if (stored.length !== tokens.length) return false;
    for (let index = 0; index < stored.length; index++) if (stored[index] !== tokens[index]) return false;
    return true;
}
