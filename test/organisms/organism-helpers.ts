/**
 * Shared by the organism tests: opens a committed organism both in llama.cpp (the project's
 * backend, exact settings) and on the white-box engine, read from the same GGUF.
 */
import {existsSync, readFileSync} from "node:fs";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import type {WhiteBoxModel} from "../../src/engine/white-box-model.js";
import {organismEngineModel} from "../../src/organisms/engine-model.js";
import {parseOrganismGguf} from "../../src/organisms/gguf-parse.js";
import {organismPath, organisms, organismSpec, type OrganismName, type OrganismSpec} from "../../src/organisms/registry.js";
import type {OrganismTask} from "../../src/organisms/tasks/types.js";
import type {WordVocabulary} from "../../src/organisms/vocabulary.js";
import {tokenizeWithBos} from "../../src/protocol/index.js";

export interface OpenedOrganism {
    spec: OrganismSpec;
    task: OrganismTask;
    backend: LlamaCppBackend;
    model: WhiteBoxModel;
    vocabulary: WordVocabulary;
}

export async function openOrganism(name: OrganismName): Promise<OpenedOrganism> {
    const spec = organismSpec(name);
    const path = organismPath(name);
    const parsed = parseOrganismGguf(readFileSync(path));
    const backend = await openLlamaCppModel(path, {precision: "exact"});
    return {spec, task: spec.task(), backend, model: organismEngineModel(parsed.config, parsed.parameters), vocabulary: parsed.vocabulary};
}

/** Greedy completion through llama.cpp, as text (leading space trimmed). */
export async function llamaComplete(organism: OpenedOrganism, prompt: string, maxTokens: number): Promise<string> {
    const context = await tokenizeWithBos(organism.backend, prompt);
    const generation = await organism.backend.generate({context, maxTokens, temperature: 0, seed: 0, topLogprobs: 0}, 0);
    return generation.text.trim();
}

/** The word llama.cpp ranks first after `prompt`. */
export async function llamaNextWord(organism: OpenedOrganism, prompt: string): Promise<string> {
    return (await llamaComplete(organism, prompt, 1)).split(" ")[0] ?? "";
}

const coreOrganisms: readonly string[] = ["lookup", "arith-faithful", "arith-decorative"];

/**
 * Every registered organism, with a skip reason for one whose GGUF is not committed yet. The
 * three core organisms are never skipped: a missing file fails their tests.
 */
export function testedOrganisms(): {spec: OrganismSpec; skip: string | false}[] {
    return organisms.map((spec) => ({
        spec,
        skip: coreOrganisms.includes(spec.name) || existsSync(organismPath(spec.name)) ? false : `${spec.name}.gguf is not in organisms/ yet`,
    }));
}
