/**
 * An organism on the white-box engine: its flat parameter array seen as the engine's weights
 * (views, so that the optimizer's in-place updates reach the engine with no copy) and a flat
 * float64 gradient array seen as the engine's weight gradients, both in the trainer's layout.
 * Organisms run in the engine's float64 path: the numbers the trainer differentiates and the
 * numbers the shipped measurements were taken with.
 */
import type {EngineConfig} from "../engine/config.js";
import {WhiteBoxModel} from "../engine/white-box-model.js";
import type {WeightGradients} from "../engine/weight-gradients.js";
import type {EngineWeights} from "../engine/weights.js";
import {checkConfig, parameterCount, viewsOf, type LayerViews, type ModelConfig} from "./parameters.js";
import {InputError} from "../errors.js";

/** The precision organisms train and run in. */
export const organismPrecision = "f64";

export function organismEngineConfig(config: ModelConfig): EngineConfig {
    const headDim = config.dim / config.heads;
    return {
        architecture: "llama",
        vocabSize: config.vocabSize,
        dim: config.dim,
        layers: config.layers,
        heads: config.heads,
        kvHeads: config.heads,
        headDim,
        ffn: config.ffn,
        contextLength: config.contextLength,
        normEps: config.normEps,
        ropeBase: config.ropeBase,
        rotaryDim: headDim,
        rotaryLayout: "pairs",
        ropeLinearScale: 1,
        attentionBias: false,
        queryKeyNorm: false,
    };
}

function checkLength(config: ModelConfig, length: number, what: string): void {
    checkConfig(config);
    if (length !== parameterCount(config)) {
        throw new InputError(`the ${what} array does not fit the model configuration`, {
            expected: `${parameterCount(config)} values`,
            received: `${length} values`,
        });
    }
}

/** A block's tensors under the engine's names (a llama block: no biases, no q/k norms). */
function engineBlock<T>(layer: LayerViews<T>) {
    return {
        attentionNorm: layer.attnNorm,
        query: layer.wq,
        key: layer.wk,
        value: layer.wv,
        output: layer.wo,
        queryBias: undefined,
        keyBias: undefined,
        valueBias: undefined,
        queryNorm: undefined,
        keyNorm: undefined,
        mlpNorm: layer.ffnNorm,
        gate: layer.wGate,
        up: layer.wUp,
        down: layer.wDown,
    };
}

/** The organism as an engine model whose weights are views of `parameters`. */
export function organismEngineModel(config: ModelConfig, parameters: Float32Array): WhiteBoxModel {
    checkLength(config, parameters.length, "parameter");
    const views = viewsOf(config, parameters);
    const weights: EngineWeights = {
        tokenEmbedding: views.embedding,
        outputNorm: views.outputNorm,
        unembedding: views.output,
        tied: false,
        ropeFrequencyFactors: undefined,
        blocks: views.layers.map(engineBlock),
    };
    return new WhiteBoxModel(organismEngineConfig(config), weights);
}

/** The engine's weight gradients as views of a flat array in the parameters' layout. */
export function organismWeightGradients(config: ModelConfig, gradients: Float64Array): WeightGradients {
    checkLength(config, gradients.length, "gradient");
    const views = viewsOf(config, gradients);
    return {
        tokenEmbedding: views.embedding,
        outputNorm: views.outputNorm,
        unembedding: views.output,
        blocks: views.layers.map(engineBlock),
    };
}
