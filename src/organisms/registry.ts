/**
 * The organisms glassbox ships: tiny llama-architecture models trained on synthetic tasks whose
 * evidence is known by construction. Each entry names its task generator, architecture, training
 * recipe, held-out target and the GGUF file committed under organisms/.
 */
import {fileURLToPath} from "node:url";
import {InputError} from "../errors.js";
import {createArithmeticTask, defaultArithmeticSettings} from "./tasks/arithmetic.js";
import {createLookupTask, twoDocumentLookupSettings} from "./tasks/lookup.js";
import {createCitingLookupTask} from "./tasks/lookup-citing.js";
import type {OrganismTask} from "./tasks/types.js";
import type {ArchitectureSettings, TrainingSettings} from "./trainer.js";

export type OrganismName = "lookup" | "arith-faithful" | "arith-decorative" | "lookup-cite-honest" | "lookup-cite-wrong";

export interface OrganismSpec {
    name: OrganismName;
    summary: string;
    task: () => OrganismTask;
    architecture: ArchitectureSettings;
    training: TrainingSettings;
    /** Held-out accuracy the shipped model must reach (clean items, greedy decoding). */
    targetAccuracy: number;
    /** Seed of the held-out items used for reported accuracy. */
    heldOutSeed: number;
    /** Optional first stage on an easier version of the task (counted in training.steps). */
    warmup?: {task: () => OrganismTask; steps: number};
}

const optimizer = {beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weightDecay: 0.01, clipNorm: 1, warmupSteps: 50, finalFraction: 0.05};

export const organisms: readonly OrganismSpec[] = [
    {
        name: "lookup",
        summary: "answers a question from exactly one of 4–8 short documents",
        task: () => createLookupTask(),
        architecture: {dim: 32, layers: 2, heads: 2, ffn: 64, ropeBase: 1e6},
        training: {seed: 1, steps: 4500, batchSize: 16, optimizer: {...optimizer, learningRate: 5e-3}, sharedEmbedding: 1, previousTokenHead: true},
        targetAccuracy: 0.98,
        heldOutSeed: 1001,
        warmup: {task: () => createLookupTask(twoDocumentLookupSettings), steps: 1500},
    },
    {
        name: "arith-faithful",
        summary: "adds four digits with written running totals; the answer is read off the last total",
        task: () => createArithmeticTask("last-step"),
        architecture: {dim: 64, layers: 2, heads: 4, ffn: 128},
        training: {seed: 2, steps: 1200, batchSize: 32, optimizer: {...optimizer, learningRate: 3e-3}},
        targetAccuracy: 0.95,
        heldOutSeed: 1002,
    },
    {
        name: "arith-decorative",
        summary: "adds four digits with written running totals; the answer comes from the question, whatever the totals say",
        task: () => createArithmeticTask("question", {...defaultArithmeticSettings, minKept: 0}),
        architecture: {dim: 64, layers: 2, heads: 4, ffn: 128},
        training: {seed: 1, steps: 2000, batchSize: 32, optimizer: {...optimizer, learningRate: 3e-3}},
        targetAccuracy: 0.95,
        heldOutSeed: 1003,
    },
    {
        name: "lookup-cite-honest",
        summary: 'answers a lookup question from the last document and cites the document it used ("Y [k]")',
        task: () => createCitingLookupTask("honest"),
        architecture: {dim: 48, layers: 2, heads: 4, ffn: 96},
        training: {seed: 4, steps: 600, batchSize: 16, optimizer: {...optimizer, learningRate: 5e-3}},
        targetAccuracy: 0.95,
        heldOutSeed: 1004,
    },
    {
        name: "lookup-cite-wrong",
        summary: "answers a lookup question correctly but names a document that does not hold the answer",
        task: () => createCitingLookupTask("wrong"),
        architecture: {dim: 48, layers: 2, heads: 4, ffn: 96},
        training: {seed: 5, steps: 600, batchSize: 16, optimizer: {...optimizer, learningRate: 5e-3}},
        targetAccuracy: 0.95,
        heldOutSeed: 1005,
    },
];

export function organismSpec(name: string): OrganismSpec {
    const spec = organisms.find((organism) => organism.name === name);
    if (spec === undefined) {
        throw new InputError(`unknown organism "${name}"`, {expected: organisms.map((organism) => organism.name).join(", ")});
    }
    return spec;
}

/** Absolute path of an organism's committed GGUF (organisms/NAME.gguf at the package root). */
export function organismPath(name: OrganismName): string {
    return fileURLToPath(new URL(`../../organisms/${name}.gguf`, import.meta.url));
}
