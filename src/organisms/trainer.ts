/**
 * The training loop: task sequences → token ids with BOS → cross-entropy on the words the task
 * marks → the white-box engine's backward pass (plain gradient rules, float64), one sequence at a
 * time, its weight gradients summed over the batch → AdamW. Deterministic for a seed: one thread,
 * a seeded generator for the weights and one for the data, and sums in a fixed order.
 */
import {crossEntropyObjective} from "../engine/objectives.js";
import type {WhiteBoxModel} from "../engine/white-box-model.js";
import {organismEngineModel, organismPrecision, organismWeightGradients} from "./engine-model.js";
import {AdamW, type AdamWSettings} from "./optimizer.js";
import {initialParameters, type ModelConfig} from "./parameters.js";
import {SeededRandom} from "../foundation/random.js";
import type {OrganismTask} from "./tasks/types.js";
import {bosId, WordVocabulary} from "./vocabulary.js";

export interface ArchitectureSettings {
    dim: number;
    layers: number;
    heads: number;
    ffn: number;
    /** Rotary frequency base (default {@link ropeBase}). */
    ropeBase?: number;
}

export interface TrainingSettings {
    seed: number;
    steps: number;
    batchSize: number;
    optimizer: Omit<AdamWSettings, "totalSteps">;
    /** Scale of a direction shared by all initial token embeddings (see initialParameters); default 0. */
    sharedEmbedding?: number;
    /** Start the first head of the first block as a previous-token head (needs sharedEmbedding > 0). */
    previousTokenHead?: boolean;
}

export interface TrainingProgress {
    step: number;
    loss: number;
    tokens: number;
    seconds: number;
}

export interface TrainedOrganism {
    config: ModelConfig;
    vocabulary: WordVocabulary;
    parameters: Float32Array;
    /** The trained organism on the engine (its weights are views of {@link parameters}). */
    model: WhiteBoxModel;
    tokensSeen: number;
    finalLoss: number;
}

export const ropeBase = 10000;
/** 1e-5 rounded to float32, the value the GGUF stores, so that both forward passes use the same number. */
export const normEps = Math.fround(1e-5);

export function modelConfigFor(task: OrganismTask, vocabulary: WordVocabulary, architecture: ArchitectureSettings): ModelConfig {
    const {ropeBase: base, ...shape} = architecture;
    return {vocabSize: vocabulary.size, contextLength: task.maxTokens, ropeBase: base ?? ropeBase, normEps, ...shape};
}

/** A first training stage on an easier version of the task (same words), before the task itself. */
export interface WarmupStage {
    task: OrganismTask;
    steps: number;
}

export function trainOrganism(
    task: OrganismTask,
    architecture: ArchitectureSettings,
    settings: TrainingSettings,
    onProgress?: (progress: TrainingProgress, model: WhiteBoxModel) => void,
    progressEvery = 50,
    warmup?: WarmupStage,
): TrainedOrganism {
    const vocabulary = new WordVocabulary(task.words);
    const config = modelConfigFor(task, vocabulary, architecture);
    const parameters = initialParameters(config, new SeededRandom(settings.seed), settings.sharedEmbedding ?? 0, settings.previousTokenHead ?? false);
    const model = organismEngineModel(config, parameters);
    const gradients = new Float64Array(parameters.length);
    const weightGradients = organismWeightGradients(config, gradients);
    const optimizer = new AdamW(config, {...settings.optimizer, totalSteps: settings.steps});
    const data = new SeededRandom(settings.seed * 7919 + 17);
    const started = Date.now();
    let tokensSeen = 0;
    let windowLoss = 0;
    let windowWeight = 0;
    let finalLoss = Number.NaN;
    for (let step = 0; step < settings.steps; step++) {
        const source = warmup !== undefined && step < warmup.steps ? warmup.task : task;
        const batch = Array.from({length: settings.batchSize}, () => source.trainingSequence(data));
        const scoredWords = batch.reduce((total, sequence) => total + sequence.loss.filter(Boolean).length, 0);
        let batchLoss = 0;
        for (const sequence of batch) {
            const tokens = [bosId, ...sequence.words.map((word) => vocabulary.id(word))];
            const targets: {position: number; token: number}[] = [];
            sequence.loss.forEach((scoredWord, i) => {
                if (scoredWord) targets.push({position: i, token: tokens[i + 1]!});
            });
            if (targets.length > 0) {
                const {value} = model.backward({tokens: [tokens], objective: crossEntropyObjective(targets), precision: organismPrecision, weightGradients});
                batchLoss += value;
            }
            tokensSeen += tokens.length;
        }
        optimizer.update(parameters, gradients, 1 / Math.max(1, scoredWords));
        model.weightsChanged();
        windowLoss += batchLoss;
        windowWeight += scoredWords;
        if ((step + 1) % progressEvery === 0 || step + 1 === settings.steps) {
            finalLoss = windowLoss / Math.max(1, windowWeight);
            onProgress?.({step: step + 1, loss: finalLoss, tokens: tokensSeen, seconds: (Date.now() - started) / 1000}, model);
            windowLoss = 0;
            windowWeight = 0;
        }
    }
    return {config, vocabulary, parameters, model, tokensSeen, finalLoss};
}
