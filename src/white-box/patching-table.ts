/**
 * The patching table: the normalised effect of patching the clean run's residual stream, attention
 * output and MLP output into the corrupted run, per layer × position, and of each head's output
 * (all positions), per layer × head. Three ways to fill it:
 *
 * - "activation": one patched forward pass per cell (exact);
 * - "atp" (attribution patching): (a_clean − a_corrupted) · ∂m/∂a at the corrupted run, from two
 *   forward passes and one backward pass;
 * - "relp": the same first-order estimate with the backward pass under RelP's rules.
 */
import type {Tensor} from "../engine/hooks.js";
import {relpRules} from "../engine/rules.js";
import {cleanActivations, patchedMetrics, type PatchingSetup} from "./activation-patching.js";
import {activationPatchSets, componentHook, headHook, patchingComponents, tableHooks, type PatchingComponent} from "./patching-components.js";
import {checkMetricGap, checkPatchingLengths, metricObjective, metricValue, normaliseEffect} from "./patching-metric.js";

export const patchingMethods = ["activation", "atp", "relp"] as const;
export type PatchingMethod = (typeof patchingMethods)[number];

export interface PatchingTable {
    method: PatchingMethod;
    /** Normalised effect per component: `[layer][position]`. */
    components: Record<PatchingComponent, number[][]>;
    /** Normalised effect of each head's output at every position: `[layer][head]`. */
    heads: number[][];
}

export interface PatchingRun {
    cleanMetric: number;
    corruptedMetric: number;
    tables: PatchingTable[];
}

/** The patching tables for the methods asked (default: all three). */
export function patchingTables(setup: PatchingSetup, methods: readonly PatchingMethod[] = patchingMethods): PatchingRun {
    checkPatchingLengths(setup.clean, setup.corrupted);
    const {layers} = setup.model.config;
    const hooks = tableHooks(layers);
    const clean = cleanActivations(setup, hooks);
    const options = setup.precision === undefined ? {} : {precision: setup.precision};
    const corrupted = setup.model.runWithCache([setup.corrupted], hooks, options);
    const corruptedMetric = metricValue(corrupted.logits, setup.metric);
    checkMetricGap(clean.metric, corruptedMetric, setup.metric.kind);
    const tables = methods.map((method): PatchingTable => {
        if (method === "activation") return activationTable(setup, clean.cache, clean.metric, corruptedMetric);
        const {gradients} = setup.model.backward({
            tokens: [setup.corrupted],
            objective: metricObjective(setup.metric),
            gradientsAt: hooks,
            ...(method === "relp" ? {rules: relpRules} : {}),
            ...options,
        });
        return firstOrderTable(method, setup, clean.cache, corrupted.cache, gradients, clean.metric - corruptedMetric);
    });
    return {cleanMetric: clean.metric, corruptedMetric, tables};
}

function activationTable(setup: PatchingSetup, cleanCache: ReadonlyMap<string, Tensor>, cleanMetric: number, corruptedMetric: number): PatchingTable {
    const {layers, heads} = setup.model.config;
    const length = setup.clean.length;
    const sets = activationPatchSets(layers, heads, length);
    const values = patchedMetrics(
        setup,
        cleanCache,
        sets.map((cell) => cell.patches),
    ).map((value) => normaliseEffect(value, cleanMetric, corruptedMetric));
    const table = emptyTable("activation", layers, heads, length);
    sets.forEach((cell, index) => {
        const value = values[index]!;
        if (cell.kind === "head") table.heads[cell.layer]![cell.head] = value;
        else table.components[cell.component][cell.layer]![cell.position] = value;
    });
    return table;
}

function firstOrderTable(
    method: PatchingMethod,
    setup: PatchingSetup,
    cleanCache: ReadonlyMap<string, Tensor>,
    corruptedCache: ReadonlyMap<string, Tensor>,
    gradients: ReadonlyMap<string, Tensor>,
    gap: number,
): PatchingTable {
    const {layers, heads, headDim} = setup.model.config;
    const length = setup.clean.length;
    const table = emptyTable(method, layers, heads, length);
    const read = (name: string): [Tensor, Tensor, Tensor] => {
        const a = cleanCache.get(name),
            b = corruptedCache.get(name),
            g = gradients.get(name);
        if (a === undefined || b === undefined || g === undefined) throw new Error(`internal: ${name} missing from the caches`);
        return [a, b, g];
    };
    for (let layer = 0; layer < layers; layer++) {
        for (const component of patchingComponents) {
            const [clean, corrupted, gradient] = read(componentHook(component, layer));
            const width = clean.data.length / length;
            for (let position = 0; position < length; position++) {
                table.components[component][layer]![position] = dotDifference(clean, corrupted, gradient, position * width, width) / gap;
            }
        }
        const [clean, corrupted, gradient] = read(headHook(layer));
        for (let head = 0; head < heads; head++) {
            let total = 0;
            for (let position = 0; position < length; position++)
                total += dotDifference(clean, corrupted, gradient, (position * heads + head) * headDim, headDim);
            table.heads[layer]![head] = total / gap;
        }
    }
    return table;
}

/** Σ (clean − corrupted) · gradient over `count` entries from `offset`, in float64. */
function dotDifference(clean: Tensor, corrupted: Tensor, gradient: Tensor, offset: number, count: number): number {
    let total = 0;
    for (let i = offset; i < offset + count; i++) total += (clean.data[i]! - corrupted.data[i]!) * gradient.data[i]!;
    return total;
}

function emptyTable(method: PatchingMethod, layers: number, heads: number, length: number): PatchingTable {
    const grid = (columns: number): number[][] => Array.from({length: layers}, () => new Array<number>(columns).fill(0));
    return {method, components: {resid_pre: grid(length), attn_out: grid(length), mlp_out: grid(length)}, heads: grid(heads)};
}
