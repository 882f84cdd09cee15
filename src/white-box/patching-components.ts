/**
 * What the patching table patches: the residual stream entering each block, each block's attention
 * output and MLP output (per layer × position), and each head's output before the output
 * projection (per layer × head, at every position).
 */
import {blockHook} from "../engine/hooks.js";
import type {ActivationPatch} from "./activation-patching.js";

export const patchingComponents = ["resid_pre", "attn_out", "mlp_out"] as const;
export type PatchingComponent = (typeof patchingComponents)[number];

export function componentHook(component: PatchingComponent, layer: number): string {
    return blockHook(layer, component === "resid_pre" ? "hook_resid_pre" : component === "attn_out" ? "hook_attn_out" : "hook_mlp_out");
}

export function headHook(layer: number): string {
    return blockHook(layer, "attn.hook_z");
}

export type PatchCell =
    | {kind: "component"; component: PatchingComponent; layer: number; position: number; patches: ActivationPatch[]}
    | {kind: "head"; layer: number; head: number; patches: ActivationPatch[]};

/** One cell per component × layer × position and per layer × head: 3·L·T + L·H patched runs. */
export function activationPatchSets(layers: number, heads: number, length: number): PatchCell[] {
    const cells: PatchCell[] = [];
    for (const component of patchingComponents) {
        for (let layer = 0; layer < layers; layer++) {
            for (let position = 0; position < length; position++) {
                cells.push({kind: "component", component, layer, position, patches: [{hook: componentHook(component, layer), positions: [position]}]});
            }
        }
    }
    for (let layer = 0; layer < layers; layer++) {
        for (let head = 0; head < heads; head++) cells.push({kind: "head", layer, head, patches: [{hook: headHook(layer), heads: [head]}]});
    }
    return cells;
}

/** Every hook point the table reads. */
export function tableHooks(layers: number): string[] {
    const names: string[] = [];
    for (let layer = 0; layer < layers; layer++) {
        for (const component of patchingComponents) names.push(componentHook(component, layer));
        names.push(headHook(layer));
    }
    return names;
}
