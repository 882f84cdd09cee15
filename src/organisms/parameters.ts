/**
 * The parameters of a llama-architecture decoder as one flat Float32Array with named views, in
 * the tensor names and order of a llama GGUF. Matrices are row-major [out, in] (a GGUF stores
 * the same bytes with the dimensions listed in reverse).
 */
import {InputError} from "../errors.js";
import type {SeededRandom} from "../foundation/random.js";

export interface ModelConfig {
    vocabSize: number;
    dim: number;
    layers: number;
    heads: number;
    ffn: number;
    contextLength: number;
    ropeBase: number;
    normEps: number;
}

export interface TensorSpec {
    name: string;
    /** Row-major shape: [rows, columns] for matrices, [length] for vectors. */
    shape: readonly number[];
    offset: number;
    size: number;
}

export interface LayerViews<T> {
    attnNorm: T;
    wq: T;
    wk: T;
    wv: T;
    wo: T;
    ffnNorm: T;
    wGate: T;
    wUp: T;
    wDown: T;
}

export interface ModelViews<T> {
    embedding: T;
    layers: LayerViews<T>[];
    outputNorm: T;
    output: T;
}

export function checkConfig(config: ModelConfig): void {
    const positive = ["vocabSize", "dim", "layers", "heads", "ffn", "contextLength"] as const;
    for (const key of positive) {
        if (!Number.isInteger(config[key]) || config[key] < 1) throw new InputError(`model ${key} must be a positive integer`, {received: String(config[key])});
    }
    if (config.dim % config.heads !== 0 || (config.dim / config.heads) % 2 !== 0) {
        throw new InputError("model dim must split into heads of even size", {received: `dim ${config.dim}, heads ${config.heads}`});
    }
}

/** Every tensor of the model in GGUF order, with its place in the flat parameter array. */
export function tensorLayout(config: ModelConfig): TensorSpec[] {
    const {vocabSize: v, dim: d, ffn: f} = config;
    const specs: TensorSpec[] = [];
    let offset = 0;
    const add = (name: string, shape: number[]): void => {
        const size = shape.reduce((a, b) => a * b, 1);
        specs.push({name, shape, offset, size});
        offset += size;
    };
    add("token_embd.weight", [v, d]);
    for (let layer = 0; layer < config.layers; layer++) {
        const p = `blk.${layer}.`;
        add(`${p}attn_norm.weight`, [d]);
        add(`${p}attn_q.weight`, [d, d]);
        add(`${p}attn_k.weight`, [d, d]);
        add(`${p}attn_v.weight`, [d, d]);
        add(`${p}attn_output.weight`, [d, d]);
        add(`${p}ffn_norm.weight`, [d]);
        add(`${p}ffn_gate.weight`, [f, d]);
        add(`${p}ffn_up.weight`, [f, d]);
        add(`${p}ffn_down.weight`, [d, f]);
    }
    add("output_norm.weight", [d]);
    add("output.weight", [v, d]);
    return specs;
}

export function parameterCount(config: ModelConfig): number {
    const layout = tensorLayout(config);
    const last = layout[layout.length - 1];
    return last === undefined ? 0 : last.offset + last.size;
}

/** Named views into a flat array laid out by {@link tensorLayout}. */
export function viewsOf<T extends Float32Array | Float64Array>(config: ModelConfig, data: T): ModelViews<T> {
    const byName = new Map<string, T>();
    for (const spec of tensorLayout(config)) byName.set(spec.name, data.subarray(spec.offset, spec.offset + spec.size) as T);
    const get = (name: string): T => {
        const view = byName.get(name);
        if (view === undefined) throw new RangeError(`no tensor ${name}`);
        return view;
    };
    const layers: LayerViews<T>[] = [];
    for (let layer = 0; layer < config.layers; layer++) {
        const p = `blk.${layer}.`;
        layers.push({
            attnNorm: get(`${p}attn_norm.weight`),
            wq: get(`${p}attn_q.weight`),
            wk: get(`${p}attn_k.weight`),
            wv: get(`${p}attn_v.weight`),
            wo: get(`${p}attn_output.weight`),
            ffnNorm: get(`${p}ffn_norm.weight`),
            wGate: get(`${p}ffn_gate.weight`),
            wUp: get(`${p}ffn_up.weight`),
            wDown: get(`${p}ffn_down.weight`),
        });
    }
    return {embedding: get("token_embd.weight"), layers, outputNorm: get("output_norm.weight"), output: get("output.weight")};
}

/**
 * Initial weights: norms at 1, embeddings N(0, 1), linear maps N(0, 1/in) with the two maps that
 * write into the residual stream scaled down by 1/sqrt(2 × layers), the output map N(0, 0.25/dim).
 * With `sharedEmbedding` > 0 every token embedding also gets the same random direction times
 * that scale: a component common to all tokens, from which attention can build content-free,
 * purely positional patterns (such as attending to the previous token) from the start.
 */
export function initialParameters(config: ModelConfig, random: SeededRandom, sharedEmbedding = 0, previousTokenHead = false): Float32Array {
    const data = new Float32Array(parameterCount(config));
    const residualScale = 1 / Math.sqrt(2 * config.layers);
    for (const spec of tensorLayout(config)) {
        const view = data.subarray(spec.offset, spec.offset + spec.size);
        if (spec.shape.length === 1) {
            view.fill(1);
            continue;
        }
        const columns = spec.shape[1] ?? 1;
        let std = 1 / Math.sqrt(columns);
        if (spec.name === "token_embd.weight") std = 1;
        else if (spec.name === "output.weight") std = 0.5 / Math.sqrt(columns);
        else if (spec.name.endsWith("attn_output.weight") || spec.name.endsWith("ffn_down.weight")) std *= residualScale;
        for (let i = 0; i < view.length; i++) view[i] = random.normal() * std;
    }
    if (sharedEmbedding > 0) {
        const shared = Array.from({length: config.dim}, () => random.normal() * sharedEmbedding);
        for (let row = 0; row < config.vocabSize; row++) {
            for (let i = 0; i < config.dim; i++) data[row * config.dim + i] = data[row * config.dim + i]! + shared[i]!;
        }
        if (previousTokenHead) seedPreviousTokenHead(config, data, shared);
    }
    return data;
}

/**
 * Sets the first head of the first block to attend to the previous token, whatever the tokens: its
 * query and key read only the embedding direction shared by all tokens, through the three fastest
 * rotary pairs, with the key's phase advanced by one position, so that the score peaks at offset −1.
 * Training then starts with the first half of an induction circuit in place (the lookup organism
 * needs one: find the key, copy the word after it).
 */
function seedPreviousTokenHead(config: ModelConfig, data: Float32Array, shared: readonly number[]): void {
    const layout = tensorLayout(config);
    const find = (name: string): TensorSpec => {
        const spec = layout.find((candidate) => candidate.name === name);
        if (spec === undefined) throw new RangeError(`no tensor ${name}`);
        return spec;
    };
    const wq = find("blk.0.attn_q.weight");
    const wk = find("blk.0.attn_k.weight");
    const headDim = config.dim / config.heads;
    const norm = Math.sqrt(shared.reduce((total, value) => total + value * value, 0));
    const direction = shared.map((value) => value / norm);
    const scale = 1.5;
    for (let row = 0; row < headDim; row++) {
        const pair = Math.floor(row / 2);
        const theta = Math.pow(config.ropeBase, (-2 * pair) / headDim);
        const queryWeight = pair < 3 && row % 2 === 0 ? scale : 0;
        const keyWeight = pair < 3 ? scale * (row % 2 === 0 ? Math.cos(theta) : Math.sin(theta)) : 0;
        for (let i = 0; i < config.dim; i++) {
            data[wq.offset + row * config.dim + i] = queryWeight * direction[i]!;
            data[wk.offset + row * config.dim + i] = keyWeight * direction[i]!;
        }
    }
}
