/** The lookup organism on the engine alone (no llama.cpp): its model, task and word-level token ids. */
import {readFileSync} from "node:fs";
import {organismEngineModel} from "../../src/organisms/engine-model.js";
import {parseOrganismGguf} from "../../src/organisms/gguf-parse.js";
import {organismPath, organismSpec} from "../../src/organisms/registry.js";
import {lookupPrompt} from "../../src/organisms/tasks/lookup.js";
import type {TaskItem} from "../../src/organisms/tasks/types.js";
import {bosId} from "../../src/organisms/vocabulary.js";

export function openLookup() {
    const parsed = parseOrganismGguf(readFileSync(organismPath("lookup")));
    const model = organismEngineModel(parsed.config, parsed.parameters);
    const vocabulary = parsed.vocabulary;
    const tokens = (prompt: string): number[] => [bosId, ...prompt.split(" ").map((word) => vocabulary.id(word))];
    return {model, vocabulary, task: organismSpec("lookup").task(), tokens};
}

/** The item's documents as facts, and the item with its question key swapped for another document's. */
export function lookupFacts(item: TaskItem): {key: string; value: string}[] {
    return item.documents.map((document) => {
        const [key, value] = document.text.split(" ");
        return {key: key!, value: value!};
    });
}

export function swappedQuestion(item: TaskItem, otherIndex: number): string {
    const facts = lookupFacts(item);
    return lookupPrompt(facts, facts[otherIndex]!.key).prompt;
}
