/**
 * Shared by `check cot`, `check bias`, `analyze subthoughts|confidence` and `compare`: the text
 * prompt of a dataset item, multiple-choice fields, opening a second model, per-item seeds and
 * the JSON report shape.
 */
import type {DatasetItem} from "../../datasets/item.js";
import {InputError} from "../../errors.js";
import type {Backend} from "../../model/backend-spec.js";
import {sha256Hex} from "../../store/canonical-json.js";
import type {CommandIo, ParsedOptions} from "../command.js";
import type {DatasetRunResult} from "../../checks/run-dataset.js";
import {openCheckModel} from "./check-support.js";

/** The plain-text prompt of an item ("prompt" or "question"); other shapes are refused for this item. */
export function itemPromptText(item: DatasetItem, command: string): string {
    if (item.input.kind !== "prompt") {
        throw new InputError(`item ${item.id}: glassbox ${command} needs a plain "prompt" or "question"`, {received: item.input.kind === "chat" ? "chat messages" : "question + documents"});
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
    if (item.options === undefined) throw new InputError(`item ${item.id}: glassbox ${command} needs "options" (multiple choice)`, {hint: "add \"options\": [\"…\", \"…\"] and \"label\" to each line"});
    const gold = item.label === undefined ? undefined : item.options.indexOf(item.label);
    if (needGold && gold === undefined) throw new InputError(`item ${item.id}: glassbox ${command} needs a gold "label"`, {hint: "add \"label\": the correct option (text or index)"});
    return {question, options: item.options, gold};
}

/** A seed for one item that does not depend on the order items are evaluated in. */
export function itemSeed(seed: number, itemId: string): number {
    return Number.parseInt(sha256Hex(`${seed}:${itemId}`).slice(0, 8), 16);
}

/** Opens the model named by another flag (e.g. --tuned) with the same model settings. */
export async function openSecondModel(options: ParsedOptions, flag: string, command: string, io: CommandIo): Promise<Backend> {
    const path = options[flag];
    if (typeof path !== "string") throw new InputError(`glassbox ${command} needs --${flag} PATH.gguf`, {hint: `see glassbox ${command} --help`});
    return openCheckModel({...options, model: path}, command, io);
}

export function jsonReport(kind: string, outcome: {result: DatasetRunResult; db: string}, summary: unknown): string {
    const {result} = outcome;
    const problems = result.items.filter((item) => item.status === "unparseable" || item.status === "error" || item.error !== undefined)
        .map((item) => ({id: item.itemId, status: item.status, error: item.error ?? null}));
    return `${JSON.stringify({kind, run: result.run.id, status: result.run.status, db: outcome.db, resumedItems: result.skipped, summary, problems, malformed: result.malformed}, null, 2)}\n`;
}

/** The stored verdicts of items that finished (ok or unparseable), for a summary. */
export function storedVerdicts<Verdict>(items: readonly {status: string; verdict: unknown}[]): Verdict[] {
    return items.filter((item) => item.status === "ok" || item.status === "unparseable").map((item) => item.verdict as Verdict);
}
