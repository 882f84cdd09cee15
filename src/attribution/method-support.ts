/** Small pieces every method shares: the end points v(N), v(∅) and assembling a result. */

import type {Game, GameOutcome} from "./game.js";
import {CoalitionCache, emptyCoalition, fullCoalition} from "./coalitions.js";
import type {AttributionDiagnostics, AttributionMethodName, AttributionResult} from "./result.js";

/** v(N) and v(∅) as the first two rows of a batch, so they share the batch with the method's other coalitions. */
export function withEndPoints(playerCount: number, coalitions: Uint8Array[]): Uint8Array[] {
    return [fullCoalition(playerCount), emptyCoalition(playerCount), ...coalitions];
}

/** A method's linear rule applied to the scalar values and to each component column alike. */
export interface SeriesResult {
    values: number[];
    componentValues?: number[][];
}

export function componentColumns(outcomes: readonly GameOutcome[]): number[][] | undefined {
    const first = outcomes[0]?.components;
    if (first === undefined) return undefined;
    const width = first.length;
    if (!outcomes.every((outcome) => outcome.components !== undefined && outcome.components.length === width)) return undefined;
    return Array.from({length: width}, (_, c) => outcomes.map((outcome) => (outcome.components as number[])[c] as number));
}

/** Applies `rule` (values of the batch → per-player attribution) to the value and to each component. */
export function attributeSeries(outcomes: readonly GameOutcome[], rule: (series: readonly number[]) => number[]): SeriesResult {
    const values = rule(outcomes.map((outcome) => outcome.value));
    const components = componentColumns(outcomes);
    if (components === undefined) return {values};
    return {values, componentValues: components.map((column) => rule(column))};
}

export interface ResultParts {
    method: AttributionMethodName;
    game: Game;
    cache: CoalitionCache;
    budget: number;
    seed: number;
    full: GameOutcome;
    empty: GameOutcome;
    series: SeriesResult;
    standardErrors?: number[];
    diagnostics?: AttributionDiagnostics;
}

export function assembleResult(parts: ResultParts): AttributionResult {
    const result: AttributionResult = {
        method: parts.method,
        values: parts.series.values,
        budget: parts.budget,
        seed: parts.seed,
        evaluations: parts.cache.evaluations,
        valueFull: parts.full.value,
        valueEmpty: parts.empty.value,
        diagnostics: {...parts.diagnostics, batches: parts.cache.batches},
    };
    if (parts.standardErrors !== undefined) result.standardErrors = parts.standardErrors;
    if (parts.series.componentValues !== undefined) {
        result.componentValues = parts.series.componentValues;
        if (parts.full.components !== undefined) result.componentsFull = [...parts.full.components];
        if (parts.empty.components !== undefined) result.componentsEmpty = [...parts.empty.components];
    }
    return result;
}
