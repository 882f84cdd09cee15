/**
 * Held-out items of the citing lookup task as a glassbox dataset (docs/datasets.md): the prompt,
 * one span per document (the units the self-explanation check attributes over), the candidate
 * values as options and the gold value as label. Both citing organisms see the same prompts.
 *
 *   node --import tsx scripts/make-citing-dataset.ts [COUNT] [SEED] > items.jsonl
 */
import {SeededRandom} from "../../foundation/random.js";
import {citingWords, createCitingLookupTask} from "./lookup-citing.js";

export function citingDatasetLines(count: number, seed: number): string[] {
    const task = createCitingLookupTask("honest");
    const random = new SeededRandom(seed);
    return Array.from({length: count}, (_, index) => {
        const item = task.heldOutItem(random);
        const goldDocument = item.evidence.kind === "lookup" ? item.evidence.documentIndex : -1;
        return JSON.stringify({
            id: `lookup-${seed}-${index + 1}`,
            prompt: item.prompt,
            spans: item.documents.map((document) => ({start: document.start, end: document.end})),
            options: [...citingWords.values],
            label: item.answer,
            meta: {goldDocument: goldDocument + 1},
        });
    });
}
