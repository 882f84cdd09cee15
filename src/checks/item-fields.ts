/**
 * The fields checks read from a dataset item: its plain-text prompt, its multiple-choice fields,
 * and a per-item seed that does not depend on the order items are evaluated in.
 */
import type {DatasetItem} from "../datasets/item.js";
import {InputError} from "../errors.js";
import {sha256Hex} from "../foundation/canonical-json.js";

/** The plain-text prompt of an item ("prompt" or "question"); other shapes are refused for this item. */
export function itemPromptText(item: DatasetItem, command: string): string {
    if (item.input.kind !== "prompt") {
        throw new InputError(`item ${item.id}: glassbox ${command} needs a plain "prompt" or "question"`, {
            received: item.input.kind === "chat" ? "chat messages" : "question + documents",
        });
    }
    return item.input.prompt;
}

export interface MultipleChoiceFields {
    question: string;
    options: string[];
    gold: number | undefined;
}

export function multipleChoiceFields(item: DatasetItem, command: string, needGold: boolean): MultipleChoiceFields {
    const question = itemPromptText(item, command);
    if (item.options === undefined)
        throw new InputError(`item ${item.id}: glassbox ${command} needs "options" (multiple choice)`, {
            hint: 'add "options": ["…", "…"] and "label" to each line',
        });
    const gold = item.label === undefined ? undefined : item.options.indexOf(item.label);
    if (needGold && gold === undefined)
        throw new InputError(`item ${item.id}: glassbox ${command} needs a gold "label"`, {hint: 'add "label": the correct option (text or index)'});
    return {question, options: item.options, gold};
}

/** A seed for one item that does not depend on the order items are evaluated in. */
export function itemSeed(seed: number, itemId: string): number {
    return Number.parseInt(sha256Hex(`${seed}:${itemId}`).slice(0, 8), 16);
}
