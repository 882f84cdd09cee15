/**
 * Hook points: stable names for every activation of the forward pass, in the spirit of
 * TransformerLens. A hook reads the activation, changes it in place, or returns a replacement of
 * the same size; the cache keeps copies of the activations asked for and nothing else.
 */
import {InputError} from "../errors.js";
import type {Floats} from "./kernels/matmul.js";

/** A dense activation, row-major with the given shape. */
export interface Tensor {
    data: Floats;
    shape: readonly number[];
}

/** Returns nothing to read or change in place, or a replacement (array or tensor) of the same size. */
export type HookFunction = (activation: Tensor, name: string) => Floats | Tensor | void;

export interface Hook {
    name: string;
    fn: HookFunction;
}

/** Names inside each block, in the order the forward pass reaches them. */
export const blockHookNames = [
    "hook_resid_pre",
    "ln1.hook_normalized",
    "attn.hook_q",
    "attn.hook_k",
    "attn.hook_v",
    "attn.hook_rot_q",
    "attn.hook_rot_k",
    "attn.hook_attn_scores",
    "attn.hook_pattern",
    "attn.hook_z",
    "hook_attn_out",
    "hook_resid_mid",
    "ln2.hook_normalized",
    "mlp.hook_pre",
    "mlp.hook_pre_linear",
    "mlp.hook_post",
    "hook_mlp_out",
    "hook_resid_post",
] as const;

export type BlockHookName = (typeof blockHookNames)[number];

export const globalHookNames = ["hook_embed", "ln_final.hook_normalized", "hook_logits"] as const;

export function blockHook(layer: number, name: BlockHookName): string {
    return `blocks.${layer}.${name}`;
}

/** Every hook name of a model with `layers` blocks, in forward order. */
export function hookNames(layers: number): string[] {
    const names: string[] = ["hook_embed"];
    for (let layer = 0; layer < layers; layer++) for (const name of blockHookNames) names.push(blockHook(layer, name));
    names.push("ln_final.hook_normalized", "hook_logits");
    return names;
}

/** Throws an error listing the valid names (as patterns) for any name the model does not have. */
export function checkHookNames(names: Iterable<string>, layers: number): void {
    const valid = new Set(hookNames(layers));
    for (const name of names) {
        if (!valid.has(name)) {
            const patterns = ["hook_embed", ...blockHookNames.map((hook) => `blocks.{0..${layers - 1}}.${hook}`), "ln_final.hook_normalized", "hook_logits"];
            throw new InputError(`unknown hook name "${name}"`, {expected: `one of ${patterns.join(", ")}`, received: name});
        }
    }
}

/** Which activations a run keeps: a list of hook names or a predicate on them. */
export type CacheFilter = readonly string[] | ((name: string) => boolean);

export class HookSet {
    private readonly byName = new Map<string, HookFunction[]>();
    private readonly keep: (name: string) => boolean;
    readonly cache = new Map<string, Tensor>();

    constructor(layers: number, hooks: readonly Hook[], filter: CacheFilter | undefined) {
        checkHookNames(
            hooks.map((hook) => hook.name),
            layers,
        );
        for (const hook of hooks) {
            const list = this.byName.get(hook.name) ?? [];
            list.push(hook.fn);
            this.byName.set(hook.name, list);
        }
        if (filter === undefined) this.keep = () => false;
        else if (typeof filter === "function") this.keep = filter;
        else {
            checkHookNames(filter, layers);
            const wanted = new Set(filter);
            this.keep = (name) => wanted.has(name);
        }
    }

    /** Runs the hooks of `name` on `data` and caches it if asked; returns the (possibly replaced) activation. */
    apply<T extends Floats>(name: string, data: T, shape: readonly number[]): T {
        let current = data;
        for (const fn of this.byName.get(name) ?? []) {
            const result = fn({data: current, shape}, name);
            if (result === undefined) continue;
            const replacement = result instanceof Float32Array || result instanceof Float64Array ? result : result.data;
            if (replacement.length !== current.length) {
                throw new InputError(`the hook at ${name} returned an activation of the wrong size`, {
                    expected: `${current.length} values (shape [${shape.join(", ")}])`,
                    received: `${replacement.length} values`,
                });
            }
            const copy =
                current.constructor === replacement.constructor ? (replacement as T) : new (current.constructor as new (n: number) => T)(current.length);
            if (copy !== replacement) copy.set(replacement);
            current = copy;
        }
        if (this.keep(name)) this.cache.set(name, {data: current.slice() as T, shape: [...shape]});
        return current;
    }
}
