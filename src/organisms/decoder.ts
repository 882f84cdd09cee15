/**
 * A llama-architecture decoder (token embedding, RMSNorm, adjacent-pair rotary positions, causal
 * multi-head attention, SwiGLU MLP, untied output) with a hand-written backward pass. One
 * sequence at a time; weights are float32 (exactly the numbers a GGUF holds) computed with in
 * float64 like the activations; gradients accumulate in float64 across the sequences of a batch.
 */
import {InputError} from "../errors.js";
import {applyRotary, linear, linearBackward, rmsNorm, rmsNormBackward, rotaryTables, silu} from "./kernels.js";
import {checkConfig, parameterCount, viewsOf, type ModelConfig, type ModelViews} from "./parameters.js";

interface LayerCache {
    input: Float64Array;
    norm1: Float64Array;
    rms1: Float64Array;
    h1: Float64Array;
    q: Float64Array;
    k: Float64Array;
    v: Float64Array;
    probabilities: Float64Array;
    attention: Float64Array;
    mid: Float64Array;
    norm2: Float64Array;
    rms2: Float64Array;
    h2: Float64Array;
    gate: Float64Array;
    up: Float64Array;
    swiglu: Float64Array;
}

/** A position whose next token is scored: log p(target | tokens[0..position]). */
export interface ScoredPosition {
    position: number;
    target: number;
    weight: number;
}

export class Decoder {
    readonly config: ModelConfig;
    readonly parameters: Float32Array;
    readonly gradients: Float64Array;
    /** Float64 copy of {@link parameters} that the kernels read (one element type keeps them fast). */
    private readonly working: Float64Array;
    private readonly weights: ModelViews<Float64Array>;
    private readonly grads: ModelViews<Float64Array>;
    private readonly headDim: number;
    private readonly cos: Float64Array;
    private readonly sin: Float64Array;
    private readonly caches: LayerCache[];
    private readonly finalInput: Float64Array;
    private readonly finalNorm: Float64Array;
    private readonly finalRms: Float64Array;
    private readonly finalHidden: Float64Array;
    private readonly scratch: {
        d1: Float64Array;
        d2: Float64Array;
        d3: Float64Array;
        d4: Float64Array;
        f1: Float64Array;
        f2: Float64Array;
        dv: Float64Array;
        row: Float64Array;
        logits: Float64Array;
    };
    private tokens: Int32Array;
    private length = 0;

    constructor(config: ModelConfig, parameters: Float32Array) {
        checkConfig(config);
        if (parameters.length !== parameterCount(config)) {
            throw new InputError("parameter array does not fit the model configuration", {
                expected: String(parameterCount(config)),
                received: String(parameters.length),
            });
        }
        this.config = config;
        this.parameters = parameters;
        this.gradients = new Float64Array(parameters.length);
        this.working = new Float64Array(parameters.length);
        this.working.set(parameters);
        this.weights = viewsOf(config, this.working);
        this.grads = viewsOf(config, this.gradients);
        this.headDim = config.dim / config.heads;
        ({cos: this.cos, sin: this.sin} = rotaryTables(config.contextLength, this.headDim, config.ropeBase));
        const n = config.contextLength,
            d = config.dim,
            f = config.ffn;
        const vec = (size: number): Float64Array => new Float64Array(size);
        this.caches = Array.from({length: config.layers}, () => ({
            input: vec(n * d),
            norm1: vec(n * d),
            rms1: vec(n),
            h1: vec(n * d),
            q: vec(n * d),
            k: vec(n * d),
            v: vec(n * d),
            probabilities: vec(config.heads * n * n),
            attention: vec(n * d),
            mid: vec(n * d),
            norm2: vec(n * d),
            rms2: vec(n),
            h2: vec(n * d),
            gate: vec(n * f),
            up: vec(n * f),
            swiglu: vec(n * f),
        }));
        this.finalInput = vec(n * d);
        this.finalNorm = vec(n * d);
        this.finalRms = vec(n);
        this.finalHidden = vec(n * d);
        this.scratch = {
            d1: vec(n * d),
            d2: vec(n * d),
            d3: vec(n * d),
            d4: vec(n * d),
            f1: vec(n * f),
            f2: vec(n * f),
            dv: vec(n * d),
            row: vec(n),
            logits: vec(config.vocabSize),
        };
        this.tokens = new Int32Array(n);
    }

    /** Call after changing {@link parameters} in place (the optimizer does). */
    syncWeights(): void {
        this.working.set(this.parameters);
    }

    /** Runs the sequence through the network, keeping every activation for {@link backward}. */
    forward(tokens: readonly number[]): void {
        const {dim: d, ffn: f, vocabSize, contextLength} = this.config;
        const T = tokens.length;
        if (T < 1 || T > contextLength) throw new InputError(`a sequence must hold 1 to ${contextLength} tokens`, {received: String(T)});
        this.length = T;
        let x = this.caches[0]?.input ?? this.finalInput;
        for (let t = 0; t < T; t++) {
            const token = tokens[t]!;
            if (!Number.isInteger(token) || token < 0 || token >= vocabSize) throw new InputError("token id out of range", {received: String(token)});
            this.tokens[t] = token;
            x.set(this.weights.embedding.subarray(token * d, token * d + d), t * d);
        }
        for (let l = 0; l < this.config.layers; l++) {
            const w = this.weights.layers[l]!;
            const c = this.caches[l]!;
            rmsNorm(c.input, T, d, w.attnNorm, this.config.normEps, c.norm1, c.rms1, c.h1);
            linear(c.h1, T, d, w.wq, d, c.q);
            linear(c.h1, T, d, w.wk, d, c.k);
            linear(c.h1, T, d, w.wv, d, c.v);
            applyRotary(c.q, T, d, this.headDim, this.cos, this.sin, 1);
            applyRotary(c.k, T, d, this.headDim, this.cos, this.sin, 1);
            this.attend(c, T);
            linear(c.attention, T, d, w.wo, d, c.mid);
            for (let i = 0; i < T * d; i++) c.mid[i] = c.mid[i]! + c.input[i]!;
            rmsNorm(c.mid, T, d, w.ffnNorm, this.config.normEps, c.norm2, c.rms2, c.h2);
            linear(c.h2, T, d, w.wGate, f, c.gate);
            linear(c.h2, T, d, w.wUp, f, c.up);
            for (let i = 0; i < T * f; i++) c.swiglu[i] = silu(c.gate[i]!) * c.up[i]!;
            x = this.caches[l + 1]?.input ?? this.finalInput;
            linear(c.swiglu, T, f, w.wDown, d, x);
            for (let i = 0; i < T * d; i++) x[i] = x[i]! + c.mid[i]!;
        }
        rmsNorm(this.finalInput, T, d, this.weights.outputNorm, this.config.normEps, this.finalNorm, this.finalRms, this.finalHidden);
    }

    private attend(c: LayerCache, T: number): void {
        const {dim: d, heads, contextLength: n} = this.config;
        const hd = this.headDim;
        const scale = 1 / Math.sqrt(hd);
        c.attention.fill(0, 0, T * d);
        for (let h = 0; h < heads; h++) {
            const ho = h * hd;
            for (let t = 0; t < T; t++) {
                const po = (h * n + t) * n;
                const qo = t * d + ho;
                let max = -Infinity;
                for (let j = 0; j <= t; j++) {
                    const ko = j * d + ho;
                    let s = 0;
                    for (let i = 0; i < hd; i++) s += c.q[qo + i]! * c.k[ko + i]!;
                    s *= scale;
                    c.probabilities[po + j] = s;
                    if (s > max) max = s;
                }
                let sum = 0;
                for (let j = 0; j <= t; j++) {
                    const e = Math.exp(c.probabilities[po + j]! - max);
                    c.probabilities[po + j] = e;
                    sum += e;
                }
                for (let j = 0; j <= t; j++) {
                    const p = c.probabilities[po + j]! / sum;
                    c.probabilities[po + j] = p;
                    const vo = j * d + ho;
                    for (let i = 0; i < hd; i++) c.attention[qo + i] = c.attention[qo + i]! + p * c.v[vo + i]!;
                }
            }
        }
    }

    /** Log-probabilities of the whole vocabulary after `position` (call {@link forward} first). */
    logProbabilitiesAt(position: number, out: Float64Array = new Float64Array(this.config.vocabSize)): Float64Array {
        if (position < 0 || position >= this.length) throw new InputError("position outside the evaluated sequence", {received: String(position)});
        const {dim: d, vocabSize: v} = this.config;
        linear(this.finalHidden.subarray(position * d, position * d + d), 1, d, this.weights.output, v, out);
        let max = -Infinity;
        for (let i = 0; i < v; i++) if (out[i]! > max) max = out[i]!;
        let sum = 0;
        for (let i = 0; i < v; i++) sum += Math.exp(out[i]! - max);
        const log = max + Math.log(sum);
        for (let i = 0; i < v; i++) out[i] = out[i]! - log;
        return out;
    }

    /**
     * Weighted cross-entropy Σ weight · (−log p(target)) over the scored positions of the sequence
     * last passed to {@link forward}; adds its gradient to {@link gradients} and returns the loss.
     */
    backward(scored: readonly ScoredPosition[]): number {
        const {dim: d, ffn: f, vocabSize: v} = this.config;
        const T = this.length;
        const s = this.scratch;
        const dx = s.d1;
        dx.fill(0, 0, T * d);
        s.d2.fill(0, 0, T * d);
        let loss = 0;
        for (const {position, target, weight} of scored) {
            const logits = this.logProbabilitiesAt(position, s.logits);
            loss -= weight * logits[target]!;
            for (let i = 0; i < v; i++) logits[i] = weight * (Math.exp(logits[i]!) - (i === target ? 1 : 0));
            const hidden = this.finalHidden.subarray(position * d, position * d + d);
            const dHidden = s.d2.subarray(position * d, position * d + d);
            linearBackward(hidden, logits, 1, d, this.weights.output, v, dHidden, this.grads.output);
        }
        rmsNormBackward(s.d2, T, d, this.weights.outputNorm, this.finalNorm, this.finalRms, dx, this.grads.outputNorm);
        for (let l = this.config.layers - 1; l >= 0; l--) {
            const w = this.weights.layers[l]!;
            const g = this.grads.layers[l]!;
            const c = this.caches[l]!;
            // MLP: x_out = mid + down(silu(gate) ⊙ up); dx holds d x_out and becomes d mid.
            linearBackward(c.swiglu, dx, T, f, w.wDown, d, s.f1, g.wDown);
            for (let i = 0; i < T * f; i++) {
                const a = c.gate[i]!;
                const sigma = 1 / (1 + Math.exp(-a));
                const dSwiglu = s.f1[i]!;
                s.f2[i] = dSwiglu * a * sigma;
                s.f1[i] = dSwiglu * c.up[i]! * sigma * (1 + a * (1 - sigma));
            }
            linearBackward(c.h2, s.f1, T, d, w.wGate, f, s.d2, g.wGate);
            linearBackward(c.h2, s.f2, T, d, w.wUp, f, s.d3, g.wUp);
            for (let i = 0; i < T * d; i++) s.d2[i] = s.d2[i]! + s.d3[i]!;
            rmsNormBackward(s.d2, T, d, w.ffnNorm, c.norm2, c.rms2, dx, g.ffnNorm);
            // Attention: mid = input + wo(attention); dx holds d mid and becomes d input.
            linearBackward(c.attention, dx, T, d, w.wo, d, s.d2, g.wo);
            this.attendBackward(c, T, s.d2, s.d3, s.d4, s.dv, s.row);
            applyRotary(s.d3, T, d, this.headDim, this.cos, this.sin, -1);
            applyRotary(s.d4, T, d, this.headDim, this.cos, this.sin, -1);
            const dh = s.d2;
            linearBackward(c.h1, s.d3, T, d, w.wq, d, dh, g.wq);
            const dh2 = s.d3;
            linearBackward(c.h1, s.d4, T, d, w.wk, d, dh2, g.wk);
            for (let i = 0; i < T * d; i++) dh[i] = dh[i]! + dh2[i]!;
            linearBackward(c.h1, s.dv, T, d, w.wv, d, dh2, g.wv);
            for (let i = 0; i < T * d; i++) dh[i] = dh[i]! + dh2[i]!;
            rmsNormBackward(dh, T, d, w.attnNorm, c.norm1, c.rms1, dx, g.attnNorm);
        }
        for (let t = 0; t < T; t++) {
            const token = this.tokens[t]!;
            const row = this.grads.embedding.subarray(token * d, token * d + d);
            for (let i = 0; i < d; i++) row[i] = row[i]! + dx[t * d + i]!;
        }
        return loss;
    }

    /** From d attention output, the gradients of the rotated queries (dq) and keys (dk) and of the values. */
    private attendBackward(c: LayerCache, T: number, dOut: Float64Array, dq: Float64Array, dk: Float64Array, dv: Float64Array, weights: Float64Array): void {
        const {dim: d, heads, contextLength: n} = this.config;
        const hd = this.headDim;
        const scale = 1 / Math.sqrt(hd);
        dq.fill(0, 0, T * d);
        dk.fill(0, 0, T * d);
        dv.fill(0, 0, T * d);
        for (let h = 0; h < heads; h++) {
            const ho = h * hd;
            for (let t = 0; t < T; t++) {
                const po = (h * n + t) * n;
                const oo = t * d + ho;
                let dot = 0;
                for (let j = 0; j <= t; j++) {
                    const vo = j * d + ho;
                    const p = c.probabilities[po + j]!;
                    let g = 0;
                    for (let i = 0; i < hd; i++) {
                        g += dOut[oo + i]! * c.v[vo + i]!;
                        dv[vo + i] = dv[vo + i]! + p * dOut[oo + i]!;
                    }
                    weights[j] = g;
                    dot += p * g;
                }
                for (let j = 0; j <= t; j++) {
                    const ds = c.probabilities[po + j]! * (weights[j]! - dot) * scale;
                    if (ds === 0) continue;
                    const ko = j * d + ho;
                    for (let i = 0; i < hd; i++) {
                        dq[oo + i] = dq[oo + i]! + ds * c.k[ko + i]!;
                        dk[ko + i] = dk[ko + i]! + ds * c.q[oo + i]!;
                    }
                }
            }
        }
    }
}
