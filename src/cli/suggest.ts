/** "Did you mean …": the closest known name to a mistyped command or flag, by edit distance. */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
    const rows = a.length + 1;
    const columns = b.length + 1;
    const table: number[][] = Array.from({length: rows}, (_, row) =>
        Array.from({length: columns}, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
    );
    const at = (row: number, column: number): number => table[row]?.[column] ?? Number.POSITIVE_INFINITY;
    for (let row = 1; row < rows; row++) {
        for (let column = 1; column < columns; column++) {
            const cost = a[row - 1] === b[column - 1] ? 0 : 1;
            let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
            if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, at(row - 2, column - 2) + 1);
            (table[row] as number[])[column] = best;
        }
    }
    return at(rows - 1, columns - 1);
}

/**
 * The known name closest to `typed`, when it is close enough to be a slip: at most one edit for
 * short names, two for names of six characters or more, or `typed` a prefix of exactly one name.
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
    const limit = typed.length >= 6 ? 2 : 1;
    let best: {name: string; distance: number} | undefined;
    for (const name of known) {
        const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
        if (distance <= limit && (best === undefined || distance < best.distance)) best = {name, distance};
    }
    if (best !== undefined) return best.name;
    const prefixed = typed.length >= 3 ? known.filter((name) => name.startsWith(typed)) : [];
    return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** " (did you mean X?)" or "" when nothing is close. */
export function didYouMean(typed: string, known: readonly string[], render: (name: string) => string = (name) => name): string {
    const match = closestName(typed, known);
    return match === undefined ? "" : `; did you mean ${render(match)}?`;
}
