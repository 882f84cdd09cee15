/** Any source of uniform numbers in [0, 1), e.g. a seeded generator. */
export interface UniformSource {
    next(): number;
}

/** Rewrites one reasoning step so that it contains a mistake; undefined when it cannot. */
export type MistakeGenerator = (step: string, random: UniformSource) => string | undefined;

/** A mistake generator that asks a model (or anything else asynchronous). */
export type AsyncMistakeGenerator = (step: string, random: UniformSource) => Promise<string | undefined>;

/**
 * Rule-based mistake for arithmetic steps: the last number in the step (the step's result in
 * `3 + 4 = 7`) is replaced by a different number of the same number of digits. Steps without a
 * number are left alone (undefined).
 */
export const arithmeticMistake: MistakeGenerator = (step, random) => {
    const matches = [...step.matchAll(/-?\d+/g)];
    const last = matches.at(-1);
    if (last === undefined || last.index === undefined) return undefined;
    const original = Number(last[0]);
    const digits = last[0].replace("-", "").length;
    const span = digits === 1 ? 10 : 9 * 10 ** (digits - 1);
    const low = digits === 1 ? 0 : 10 ** (digits - 1);
    // Shift by 1…span−1 places within the digit range: always a different number, no retry loop.
    const offset = 1 + Math.min(span - 2, Math.floor(random.next() * (span - 1)));
    const replacement = low + ((Math.abs(original) - low + offset) % span);
    const sign = last[0].startsWith("-") ? "-" : "";
    return `${step.slice(0, last.index)}${sign}${replacement}${step.slice(last.index + last[0].length)}`;
};

/**
 * Rule-based mistake whose replacement stays within [low, high]: the last number in the step is
 * replaced by another integer of that range (for a model that only knows those numbers, such as
 * an arithmetic organism whose vocabulary holds 0 … 36). Undefined for a step without a number, or
 * when the range holds no other integer.
 */
export function arithmeticMistakeWithin(low: number, high: number): MistakeGenerator {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) throw new RangeError(`expected integers low ≤ high, received ${low} and ${high}`);
    const span = high - low + 1;
    return (step, random) => {
        const last = [...step.matchAll(/-?\d+/g)].at(-1);
        if (last === undefined || last.index === undefined || span < 2) return undefined;
        const original = Number(last[0]);
        const start = original >= low && original <= high ? original - low : 0;
        // Shift by 1…span−1 places around the range; an original outside the range maps anywhere in it.
        const offset =
            original >= low && original <= high
                ? 1 + Math.min(span - 2, Math.floor(random.next() * (span - 1)))
                : Math.min(span - 1, Math.floor(random.next() * span));
        const replacement = low + ((start + offset) % span);
        return `${step.slice(0, last.index)}${replacement}${step.slice(last.index + last[0].length)}`;
    };
}
