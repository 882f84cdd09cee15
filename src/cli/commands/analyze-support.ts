/**
 * Shared by `check cot`, `check bias`, `analyze subthoughts|confidence` and `compare`: the text
 * prompt of a dataset item, multiple-choice fields, per-item seeds and the JSON report shape.
 */
import type {DatasetItem} from "../../datasets/item.js";
import {InputError} from "../../errors.js";
import type {Backend} from "../../model/backend-spec.js";
import {sha256Hex} from "../../foundation/canonical-json.js";
import type {CommandIo, ParsedOptions} from "../command.js";
import type {DatasetRunResult} from "../../checks/run-dataset.js";
import {jsonDocument, type JsonKind} from "../json-output.js";

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

export function jsonReport(kind: JsonKind, outcome: {result: DatasetRunResult; db: string}, summary: unknown): string {
    const {result} = outcome;
    const problems = result.items
        .filter((item) => item.status === "unparseable" || item.status === "error" || item.error !== undefined)
        .map((item) => ({id: item.itemId, status: item.status, error: item.error ?? null}));
    return jsonDocument(kind, {
        run: result.run.id,
        status: result.run.status,
        db: outcome.db,
        resumedItems: result.skipped,
        summary,
        problems,
        malformed: result.malformed,
    });
}

/** The stored verdicts of items that finished (ok or unparseable), for a summary. */
export function storedVerdicts<Verdict>(items: readonly {status: string; verdict: unknown}[]): Verdict[] {
    return items.filter((item) => item.status === "ok" || item.status === "unparseable").map((item) => item.verdict as Verdict);
}
