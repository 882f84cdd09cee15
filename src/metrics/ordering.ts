/**
 * Orders of players by attribution, with ties broken by player index (lower first) so every
 * metric is deterministic. "Top" means largest score; `byMagnitude` ranks by |score|.
 */

export interface OrderOptions {
    /** Rank by |score| instead of score (agreement metrics, after Krishna et al. 2022). */
    byMagnitude?: boolean;
    /** Keep only players with a score > 0 (ferret's default for rationales). */
    onlyPositive?: boolean;
}

export function attributionOrder(scores: readonly number[], options: OrderOptions = {}): number[] {
    const key = (index: number): number => (options.byMagnitude === true ? Math.abs(scores[index] as number) : (scores[index] as number));
    let indices = scores.map((_, index) => index);
    if (options.onlyPositive === true) indices = indices.filter((index) => (scores[index] as number) > 0);
    return indices.sort((a, b) => key(b) - key(a) || a - b);
}

export function topK(scores: readonly number[], k: number, options: OrderOptions = {}): number[] {
    return attributionOrder(scores, options).slice(0, Math.max(0, k));
}

/** Huang et al.'s default k: max(1, ⌊0.2·n⌋). */
export function defaultTopK(playerCount: number): number {
    return Math.max(1, Math.floor(0.2 * playerCount));
}

export function checkScores(scores: readonly number[], playerCount: number, what = "attribution"): void {
    if (scores.length !== playerCount) {
        throw new RangeError(`the ${what} has ${scores.length} scores but the game has ${playerCount} players`);
    }
    scores.forEach((score, index) => {
        if (!Number.isFinite(score)) throw new RangeError(`the ${what} score of player ${index} is not finite (${score})`);
    });
}
