/**
 * Faithfulness of an attribution to a game: does removing (or keeping only) what the attribution
 * ranks highest move v the way it says? Works for any attribution over the game's players,
 * including one supplied from outside (e.g. a model's self-explanation). All coalitions a report
 * needs are deduplicated and evaluated in ONE batch; `evaluations` counts them.
 *
 * Conventions (v is "support for the output"; higher attribution = more support):
 *  - rationale r_k = the k top-ranked players (ties to the lower index); with `onlyPositive`,
 *    only players with a positive score (ferret's default).
 *  - comprehensiveness(k) = v(N) − v(N ∖ r_k): higher is better.
 *    sufficiency(k) = v(N) − v(r_k): lower is better (ferret signs; not Huang's |·|).
 *    AOPC = mean over the bins 10 %, 20 %, …, 100 % with k_b = ⌈b·n⌉; sizes that repeat (small n)
 *    are counted once, as ferret does.
 *  - deletion curve: v(N ∖ r_j), insertion curve: v(r_j), at fractions j/n; area by the trapezoid
 *    rule on the fraction of players (x from 0 to 1). Deletion area: lower is better; insertion:
 *    higher. With more than `curveSteps` players the curve is sampled at round(t·n/steps).
 *  - decision flip: the candidate with the largest value (ties to the lower index) before and
 *    after removing top players, read from `decision(outcome)` (default: the outcome's components).
 *  - τ-LOO: Kendall τ-b between the attribution and leave-one-out effects v(N) − v(N ∖ {i});
 *    rankDeletion is Spearman between the same (Huang's RankDel).
 *  - LDS: Spearman between Σ_{i∈S} φ_i and v(S) over random coalitions S (each player kept with
 *    probability ½, seeded), as ContextCite defines it.
 */

import {CoalitionCache, coalitionKey, coalitionOf, coalitionWithout, emptyCoalition, fullCoalition} from "../attribution/coalitions.js";
import type {Coalition, Game, GameOutcome} from "../attribution/game.js";
import {createRandom, randomBernoulliMask, validateSeed} from "../attribution/random.js";
import {kendallTauB, spearman} from "../foundation/correlation.js";
import {attributionOrder, checkScores, defaultTopK} from "./ordering.js";

export type FaithfulnessMetricName = "comprehensiveness" | "sufficiency" | "deletion" | "insertion" | "decisionFlip" | "tauLoo" | "lds";
export const faithfulnessMetricNames: readonly FaithfulnessMetricName[] = [
    "comprehensiveness",
    "sufficiency",
    "deletion",
    "insertion",
    "decisionFlip",
    "tauLoo",
    "lds",
];

export interface FaithfulnessOptions {
    /** Fractions of players for AOPC (default 0.1, 0.2, …, 1.0). */
    bins?: readonly number[];
    /** k for comprehensiveness/sufficiency at top-k (default max(1, ⌊0.2·n⌋)). */
    topK?: number;
    /** Rationales hold only players with a positive score. */
    onlyPositive?: boolean;
    /** Most points on the deletion/insertion curves besides j = 0 (default 100). */
    curveSteps?: number;
    /** Random coalitions for LDS (default 32). */
    ldsSamples?: number;
    seed?: number;
    /** Values of the candidate answers in an outcome (default: its components). */
    decision?: (outcome: GameOutcome) => readonly number[] | undefined;
    /** Which metrics to compute (default all that apply). */
    metrics?: readonly FaithfulnessMetricName[];
}

export interface BinValue {
    fraction: number;
    size: number;
    value: number;
}

export interface AopcReport {
    aopc: number;
    bins: BinValue[];
    topK: number;
    atTopK: number;
}

export interface CurvePoint {
    /** Fraction of players removed (deletion) or kept (insertion). */
    fraction: number;
    count: number;
    value: number;
}

export interface CurveReport {
    points: CurvePoint[];
    /** Trapezoid rule over `fraction`. */
    area: number;
}

export interface DecisionFlipReport {
    originalChoice: number;
    flippedByTopUnit: boolean;
    /** Fraction of players removed (in attribution order) at the first flip, or null when it never flips. */
    fractionRemovedAtFlip: number | null;
}

export interface FaithfulnessReport {
    playerCount: number;
    evaluations: number;
    batches: number;
    valueFull: number;
    valueEmpty: number;
    /** Players from most to least important, as the metrics used them. */
    order: number[];
    comprehensiveness?: AopcReport;
    sufficiency?: AopcReport;
    deletion?: CurveReport;
    insertion?: CurveReport;
    decisionFlip?: DecisionFlipReport;
    tauLoo?: {tau: number; rankDeletion: number; leaveOneOut: number[]};
    lds?: {spearman: number; samples: number};
}

export const defaultAopcBins: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/** Rationale sizes ⌈b·n⌉ for the bins, clamped to [1, limit], each once, in bin order. */
export function rationaleSizes(playerCount: number, bins: readonly number[], limit = playerCount): {fraction: number; size: number}[] {
    const seen = new Set<number>();
    const sizes: {fraction: number; size: number}[] = [];
    for (const fraction of bins) {
        if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`an AOPC bin must be in (0, 1], got ${fraction}`);
        // The epsilon keeps 0.3·10 = 3.0000000000000004 from rounding up to 4.
        const size = Math.min(limit, Math.max(1, Math.ceil(fraction * playerCount - 1e-9)));
        if (limit === 0 || seen.has(size)) continue;
        seen.add(size);
        sizes.push({fraction, size});
    }
    return sizes;
}

/** Prefix counts 0 = j₀ < j₁ < … = n sampled at round(t·n/steps). */
export function curveCounts(playerCount: number, steps: number): number[] {
    const counts = new Set<number>();
    const effective = Math.min(playerCount, Math.max(1, Math.floor(steps)));
    for (let t = 0; t <= effective; t++) counts.add(Math.round((t * playerCount) / effective));
    return [...counts].sort((a, b) => a - b);
}

export function trapezoidArea(xs: readonly number[], ys: readonly number[]): number {
    let area = 0;
    for (let i = 1; i < xs.length; i++) area += ((xs[i] as number) - (xs[i - 1] as number)) * (((ys[i] as number) + (ys[i - 1] as number)) / 2);
    return area;
}

/** Index of the largest value, ties to the lower index. */
export function argmax(values: readonly number[]): number {
    let best = 0;
    for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
    return best;
}

export async function faithfulnessReport(
    game: Game,
    attribution: readonly number[] | {values: readonly number[]},
    options: FaithfulnessOptions = {},
): Promise<FaithfulnessReport> {
    const n = game.playerCount;
    const scores = Array.isArray(attribution) ? (attribution as readonly number[]) : (attribution as {values: readonly number[]}).values;
    checkScores(scores, n);
    const wanted = new Set(options.metrics ?? faithfulnessMetricNames);
    const order = attributionOrder(scores);
    const rationaleOrder = options.onlyPositive === true ? attributionOrder(scores, {onlyPositive: true}) : order;
    const k = Math.min(rationaleOrder.length, options.topK ?? defaultTopK(n));
    const sizes = rationaleSizes(n, options.bins ?? defaultAopcBins, rationaleOrder.length);
    const counts = curveCounts(n, options.curveSteps ?? 100);
    const seed = validateSeed(options.seed);
    const ldsSamples = options.ldsSamples ?? 32;

    const full = fullCoalition(n);
    const empty = emptyCoalition(n);
    const keepTop = (list: readonly number[], size: number): Coalition => coalitionOf(n, list.slice(0, size));
    const dropTop = (list: readonly number[], size: number): Coalition => coalitionWithout(n, list.slice(0, size));
    const requested: Coalition[] = [full, empty];
    const needsComprehensiveness = wanted.has("comprehensiveness");
    const needsSufficiency = wanted.has("sufficiency");
    if (needsComprehensiveness) requested.push(...sizes.map((entry) => dropTop(rationaleOrder, entry.size)), dropTop(rationaleOrder, k));
    if (needsSufficiency) requested.push(...sizes.map((entry) => keepTop(rationaleOrder, entry.size)), keepTop(rationaleOrder, k));
    if (wanted.has("deletion") || wanted.has("decisionFlip")) requested.push(...counts.map((count) => dropTop(order, count)), dropTop(order, 1));
    if (wanted.has("insertion")) requested.push(...counts.map((count) => keepTop(order, count)));
    if (wanted.has("tauLoo")) for (let player = 0; player < n; player++) requested.push(coalitionWithout(n, [player]));
    const ldsCoalitions: Coalition[] = [];
    if (wanted.has("lds")) {
        const random = createRandom(seed);
        for (let s = 0; s < ldsSamples; s++) ldsCoalitions.push(randomBernoulliMask(n, 0.5, random));
        requested.push(...ldsCoalitions);
    }

    const cache = new CoalitionCache(game);
    const outcomes = await cache.evaluate(requested);
    const byKey = new Map<string, GameOutcome>();
    requested.forEach((coalition, index) => byKey.set(coalitionKey(coalition), outcomes[index] as GameOutcome));
    const outcomeOf = (coalition: Coalition): GameOutcome => byKey.get(coalitionKey(coalition)) as GameOutcome;
    const valueOf = (coalition: Coalition): number => outcomeOf(coalition).value;
    const valueFull = valueOf(full);

    const report: FaithfulnessReport = {
        playerCount: n,
        evaluations: cache.evaluations,
        batches: cache.batches,
        valueFull,
        valueEmpty: valueOf(empty),
        order,
    };
    const aopcReport = (coalitionFor: (size: number) => Coalition): AopcReport => {
        const bins = sizes.map((entry) => ({...entry, value: valueFull - valueOf(coalitionFor(entry.size))}));
        return {
            aopc: bins.length === 0 ? NaN : bins.reduce((sum, bin) => sum + bin.value, 0) / bins.length,
            bins,
            topK: k,
            atTopK: k === 0 ? NaN : valueFull - valueOf(coalitionFor(k)),
        };
    };
    if (needsComprehensiveness) report.comprehensiveness = aopcReport((size) => dropTop(rationaleOrder, size));
    if (needsSufficiency) report.sufficiency = aopcReport((size) => keepTop(rationaleOrder, size));
    const curve = (coalitionFor: (count: number) => Coalition): CurveReport => {
        const points = counts.map((count) => ({fraction: count / n, count, value: valueOf(coalitionFor(count))}));
        return {
            points,
            area: trapezoidArea(
                points.map((point) => point.fraction),
                points.map((point) => point.value),
            ),
        };
    };
    if (wanted.has("deletion")) report.deletion = curve((count) => dropTop(order, count));
    if (wanted.has("insertion")) report.insertion = curve((count) => keepTop(order, count));
    if (wanted.has("decisionFlip")) {
        const decide = options.decision ?? ((outcome: GameOutcome) => outcome.components);
        const candidates = decide(outcomeOf(full));
        if (candidates !== undefined && candidates.length > 0) {
            const originalChoice = argmax(candidates);
            const choiceAfter = (count: number): number => argmax(decide(outcomeOf(dropTop(order, count))) ?? []);
            const flipCount = counts.find((count) => count > 0 && choiceAfter(count) !== originalChoice);
            report.decisionFlip = {
                originalChoice,
                flippedByTopUnit: choiceAfter(1) !== originalChoice,
                fractionRemovedAtFlip: flipCount === undefined ? null : flipCount / n,
            };
        }
    }
    if (wanted.has("tauLoo")) {
        const leaveOneOut = Array.from({length: n}, (_, player) => valueFull - valueOf(coalitionWithout(n, [player])));
        report.tauLoo = {tau: kendallTauB([...scores], leaveOneOut), rankDeletion: spearman([...scores], leaveOneOut), leaveOneOut};
    }
    if (wanted.has("lds")) {
        const predictions = ldsCoalitions.map((coalition) => scores.reduce((sum, score, player) => sum + (coalition[player] === 1 ? score : 0), 0));
        report.lds = {spearman: spearman(predictions, ldsCoalitions.map(valueOf)), samples: ldsCoalitions.length};
    }
    return report;
}
