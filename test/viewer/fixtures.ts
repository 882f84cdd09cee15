/**
 * Synthetic explain results for the viewer tests: typed as ExplainResult (so they follow the
 * schema), deterministic, with token or word units, two target-token rows that sum to the
 * totals, standard errors and faithfulness curves.
 */
import type {ExplainResult} from "../../src/explain/types.js";
import type {Unit} from "../../src/units/types.js";

export interface SyntheticOptions {
    prompt: string;
    unit: "token" | "word";
    seed: number;
    method?: "shapley" | "lime";
    metrics?: boolean;
}

/** Tokens the way SentencePiece cuts them here: a leading space stays with the next piece. */
export function syntheticUnitSpans(prompt: string, unit: "token" | "word"): {start: number; end: number}[] {
    const pattern = unit === "token" ? /\s?[A-Za-z]{1,4}|\s?[^\sA-Za-z]/g : /\S+/g;
    return [...prompt.matchAll(pattern)].map((match) => ({start: match.index, end: match.index + match[0].length}));
}

export function seededNumbers(seed: number): () => number {
    let state = (seed * 2654435761 + 1) >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
    };
}

export function syntheticExplainResult(options: SyntheticOptions): ExplainResult {
    const random = seededNumbers(options.seed);
    const spans = syntheticUnitSpans(options.prompt, options.unit);
    const units: Unit[] = spans.map((span, index) => ({
        index,
        kind: options.unit,
        source: {kind: "prompt"},
        start: span.start,
        end: span.end,
        text: options.prompt.slice(span.start, span.end),
    }));
    const first = units.map(() => Number(((random() - 0.45) * 2).toFixed(6)));
    const second = units.map(() => Number(((random() - 0.5) * 1.5).toFixed(6)));
    const values = first.map((value, index) => value + (second[index] as number));
    const sum = values.reduce((a, b) => a + b, 0);
    const n = units.length;
    const curve = (sign: number) =>
        Array.from({length: 11}, (_unused, step) => ({
            fraction: step / 10,
            count: Math.round((step / 10) * n),
            value: -2 + sign * (step / 10) * 1.5 + (random() - 0.5) * 0.2,
        }));
    const bins = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((fraction) => ({fraction, size: Math.ceil(fraction * n), value: 1 + random()}));
    const result: ExplainResult = {
        schemaVersion: 1,
        kind: "explain",
        glassboxVersion: "0.1.0",
        model: {name: "synthetic.gguf", id: "synthetic"},
        input: {kind: "prompt", prompt: options.prompt},
        prompt: {kind: "text", text: options.prompt},
        unit: options.unit,
        removal: "delete",
        placeholder: "...",
        units,
        target: {
            text: " Lily.",
            tokens: [
                {id: 10, text: " Lily"},
                {id: 11, text: "."},
            ],
            origin: "given",
        },
        valueKind: "logprob",
        value: "log p(target | kept units)",
        method: options.method ?? "shapley",
        budget: 400,
        seed: options.seed,
        evaluations: 400,
        values,
        standardErrors: units.map(() => Number((random() * 0.2).toFixed(6))),
        componentLabels: [" Lily", "."],
        componentValues: [first, second],
        valueFull: -1.5,
        valueEmpty: -1.5 - sum,
        componentsFull: [-1, -0.5],
        componentsEmpty: [-1 - first.reduce((a, b) => a + b, 0), -0.5 - second.reduce((a, b) => a + b, 0)],
        efficiencyGap: 0,
        diagnostics: {permutations: 20},
        evaluator: {requested: 400, deduplicated: 0, cacheHits: 0, backendCalls: 400, evaluatedTokens: 4000, reusedTokens: 0, retries: 0},
        timing: {totalMs: 1234, attributionMs: 1200},
    };
    if (options.metrics !== false) {
        result.metrics = {
            summary: {comprehensivenessAopc: 1.4, sufficiencyAopc: 0.3, deletionArea: -2.5, insertionArea: -1.2, tauLoo: 0.4, lds: 0.6, metricEvaluations: 120},
            faithfulness: {
                playerCount: n,
                evaluations: 120,
                batches: 1,
                valueFull: -1.5,
                valueEmpty: -1.5 - sum,
                order: units.map((_unit, index) => index),
                comprehensiveness: {aopc: 1.4, bins, topK: 2, atTopK: 1.1},
                sufficiency: {aopc: 0.3, bins: bins.map((bin) => ({...bin, value: bin.value / 4})), topK: 2, atTopK: 0.2},
                deletion: {points: curve(-1), area: -2.5},
                insertion: {points: curve(1), area: -1.2},
            },
        };
    }
    return result;
}

/** Independent re-aggregation for checks: sum of unit values per whitespace-separated word (a unit goes to the word it overlaps most, else the next word). */
export function sumsByWord(prompt: string, result: ExplainResult, row: readonly number[] = result.values): number[] {
    const words = [...prompt.matchAll(/\S+/g)].map((match) => ({start: match.index, end: match.index + match[0].length}));
    const sums = new Map<number, number>();
    result.units.forEach((unit, index) => {
        let best = -1;
        let bestOverlap = 0;
        words.forEach((word, wordIndex) => {
            const overlap = Math.min(word.end, unit.end) - Math.max(word.start, unit.start);
            if (overlap > bestOverlap) {
                best = wordIndex;
                bestOverlap = overlap;
            }
        });
        if (best < 0) best = words.findIndex((word) => word.start >= unit.end);
        sums.set(best, (sums.get(best) ?? 0) + (row[index] as number));
    });
    return [...sums.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
}
