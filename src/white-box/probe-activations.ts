/**
 * What a probe reads: the input embeddings and the residual stream leaving each block, at one
 * position of one sequence (default the last), as float64 vectors.
 */
import {InputError} from "../errors.js";
import {blockHook} from "../engine/hooks.js";
import type {Precision} from "../engine/forward.js";
import type {WhiteBoxModel} from "../engine/white-box-model.js";

/** `hook_embed`, then `blocks.{i}.hook_resid_post` for every block. */
export function probeHooks(layers: number): string[] {
    return ["hook_embed", ...Array.from({length: layers}, (_, layer) => blockHook(layer, "hook_resid_post"))];
}

export function probeFeatures(model: WhiteBoxModel, tokens: readonly number[], options: {position?: number; precision?: Precision} = {}): Float64Array[] {
    const position = options.position ?? tokens.length - 1;
    if (!Number.isInteger(position) || position < 0 || position >= tokens.length) {
        throw new InputError("the probed position lies outside the sequence", {
            parameter: "position",
            expected: `a position in [0, ${tokens.length})`,
            received: String(position),
        });
    }
    const hooks = probeHooks(model.config.layers);
    const {cache} = model.runWithCache([tokens], hooks, options.precision === undefined ? {} : {precision: options.precision});
    const {dim} = model.config;
    return hooks.map((hook) => {
        const activation = cache.get(hook);
        if (activation === undefined) throw new Error(`internal: ${hook} was not cached`);
        return Float64Array.from(activation.data.subarray(position * dim, (position + 1) * dim));
    });
}
