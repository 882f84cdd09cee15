/** Numbers in a check's text report. */

/** A rate or mean with `digits` decimals, or "n/a" when there is none (never a 0 that reads as a verdict). */
export function formatRate(value: number | null | undefined, digits = 3): string {
    return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
}

/** "item ID: problem", without doubling the prefix when the stored message already starts with it. */
export function itemProblem(itemId: string, message: string): string {
    const prefix = `item ${itemId}: `;
    return message.startsWith(prefix) ? message : `${prefix}${message}`;
}
