/**
 * AdamW with global gradient-norm clipping, a linear warm-up and a cosine decay of the learning
 * rate. Moments are float64; the weights stay float32 (the numbers written to the GGUF).
 */
import {tensorLayout, type ModelConfig} from "./parameters.js";

export interface AdamWSettings {
    learningRate: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    weightDecay: number;
    clipNorm: number;
    warmupSteps: number;
    totalSteps: number;
    /** Final learning rate as a fraction of the peak. */
    finalFraction: number;
}

export class AdamW {
    private readonly first: Float64Array;
    private readonly second: Float64Array;
    private readonly decays: Uint8Array;
    private step = 0;

    constructor(
        config: ModelConfig,
        private readonly settings: AdamWSettings,
    ) {
        const layout = tensorLayout(config);
        const size = layout.reduce((total, spec) => total + spec.size, 0);
        this.first = new Float64Array(size);
        this.second = new Float64Array(size);
        this.decays = new Uint8Array(size);
        for (const spec of layout) if (spec.shape.length === 2) this.decays.fill(1, spec.offset, spec.offset + spec.size);
    }

    learningRateAt(step: number): number {
        const {learningRate, warmupSteps, totalSteps, finalFraction} = this.settings;
        if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
        const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return learningRate * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** One update from the accumulated gradients (scaled by `gradientScale`), then clears them. */
    update(parameters: Float32Array, gradients: Float64Array, gradientScale: number): void {
        const {beta1, beta2, epsilon, weightDecay, clipNorm} = this.settings;
        let norm = 0;
        for (let i = 0; i < gradients.length; i++) norm += (gradients[i]! * gradientScale) ** 2;
        norm = Math.sqrt(norm);
        const scale = gradientScale * (norm > clipNorm ? clipNorm / norm : 1);
        const lr = this.learningRateAt(this.step);
        this.step++;
        const c1 = 1 - beta1 ** this.step;
        const c2 = 1 - beta2 ** this.step;
        for (let i = 0; i < parameters.length; i++) {
            const g = gradients[i]! * scale;
            const m = (this.first[i] = beta1 * this.first[i]! + (1 - beta1) * g);
            const v = (this.second[i] = beta2 * this.second[i]! + (1 - beta2) * g * g);
            let w = parameters[i]!;
            if (this.decays[i] === 1) w -= lr * weightDecay * w;
            parameters[i] = w - (lr * (m / c1)) / (Math.sqrt(v / c2) + epsilon);
        }
        gradients.fill(0);
    }
}
