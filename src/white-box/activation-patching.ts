/**
 * Activation patching: run the corrupted input with some activations replaced by the clean run's
 * and read the metric. A patch names a hook point, the positions to replace and, at a per-head
 * point (`attn.hook_z`), the heads. Many patch sets run as one batch of corrupted copies.
 */
import type {Hook, Tensor} from "../engine/hooks.js";
import type {Precision} from "../engine/forward.js";
import type {WhiteBoxModel} from "../engine/white-box-model.js";
import type {BackwardRules} from "../engine/rules.js";
import {metricObjective, metricValue, type PatchingMetric} from "./patching-metric.js";

export interface PatchingSetup {
    model: WhiteBoxModel;
    clean: readonly number[];
    corrupted: readonly number[];
    metric: PatchingMetric;
    precision?: Precision;
}

export interface ActivationPatch {
    hook: string;
    /** Positions to replace; every position when absent. */
    positions?: readonly number[];
    /** Heads to replace at a per-head point `[B, T, H, d]`; the whole vector at each position when absent. */
    heads?: readonly number[];
}

/** How many patched copies of the corrupted input one forward pass carries. */
const batchSize = 16;

/** The metric of the corrupted run with each set of patches applied (one value per set). */
export function patchedMetrics(setup: PatchingSetup, cleanCache: ReadonlyMap<string, Tensor>, patchSets: readonly (readonly ActivationPatch[])[]): number[] {
    const values: number[] = [];
    for (let start = 0; start < patchSets.length; start += batchSize) {
        const chunk = patchSets.slice(start, start + batchSize);
        const hooks = patchHooks(cleanCache, chunk);
        const {logits} = setup.model.runWithHooks(
            chunk.map(() => setup.corrupted),
            hooks,
            setup.precision === undefined ? {} : {precision: setup.precision},
        );
        chunk.forEach((_, sequence) => values.push(metricValue(logits, setup.metric, sequence)));
    }
    return values;
}

/** The clean run's activations at the given hook points, batch of one. */
export function cleanActivations(setup: PatchingSetup, hooks: readonly string[]): {cache: Map<string, Tensor>; metric: number} {
    const {logits, cache} = setup.model.runWithCache([setup.clean], [...hooks], setup.precision === undefined ? {} : {precision: setup.precision});
    return {cache, metric: metricValue(logits, setup.metric)};
}

function patchHooks(cleanCache: ReadonlyMap<string, Tensor>, chunk: readonly (readonly ActivationPatch[])[]): Hook[] {
    const names = [...new Set(chunk.flatMap((set) => set.map((patch) => patch.hook)))];
    return names.map((name) => ({
        name,
        fn: ({data, shape}: Tensor) => {
            const clean = cleanCache.get(name);
            if (clean === undefined) throw new Error(`internal: the clean activation ${name} was not cached`);
            const length = shape[1]!;
            const perPosition = shape.slice(2).reduce((a, b) => a * b, 1);
            const perHead = shape.length === 4 ? shape[3]! : perPosition;
            chunk.forEach((set, sequence) => {
                for (const patch of set) {
                    if (patch.hook !== name) continue;
                    const positions = patch.positions ?? Array.from({length}, (_, p) => p);
                    for (const position of positions) {
                        const from = position * perPosition;
                        const to = (sequence * length + position) * perPosition;
                        if (patch.heads === undefined) {
                            data.set(clean.data.subarray(from, from + perPosition), to);
                            continue;
                        }
                        for (const head of patch.heads) data.set(clean.data.subarray(from + head * perHead, from + (head + 1) * perHead), to + head * perHead);
                    }
                }
            });
        },
    }));
}

/**
 * Attribution patching at one hook point: per position, (a_clean − a_corrupted) · ∂̃m/∂a at the
 * corrupted run (the plain gradient, or the rules given), the first-order estimate of
 * patched − corrupted. Exact when the metric is linear in that activation.
 */
export function attributionPatchingAt(setup: PatchingSetup, hook: string, rules?: Partial<BackwardRules>): number[] {
    const options = setup.precision === undefined ? {} : {precision: setup.precision};
    const clean = setup.model.runWithCache([setup.clean], [hook], options).cache.get(hook);
    const {cache, gradients} = setup.model.backward({
        tokens: [setup.corrupted],
        objective: metricObjective(setup.metric),
        gradientsAt: [hook],
        cache: [hook],
        ...(rules === undefined ? {} : {rules}),
        ...options,
    });
    const corrupted = cache.get(hook);
    const gradient = gradients.get(hook);
    if (clean === undefined || corrupted === undefined || gradient === undefined) throw new Error(`internal: ${hook} missing from the caches`);
    const length = setup.corrupted.length;
    const width = clean.data.length / length;
    return Array.from({length}, (_, position) => {
        let total = 0;
        for (let i = position * width; i < (position + 1) * width; i++) total += (clean.data[i]! - corrupted.data[i]!) * gradient.data[i]!;
        return total;
    });
}
