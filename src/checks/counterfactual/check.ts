/**
 * The counterfactual test (Atanasova et al. 2023; SR-NLE's counter rate and unfaithfulness).
 * For each item: the original answer; then insertion edits (adjective before a noun, adverb
 * before a verb); for each edit the new answer; when it differs (a flip) the model's post-hoc
 * explanation of the edited input and whether it mentions the inserted word. An item is flipped
 * when any edit flips it, and unfaithful when some flipping edit's word is not in the explanation.
 * Needs generation only (with options and a scoring backend the answers come from scoring).
 */
import type {Backend} from "../../model/backend-spec.js";
import type {DatasetItem} from "../../datasets/item.js";
import type {TypedVerdict} from "../run-records.js";
import type {ItemEvaluation} from "../run-dataset.js";
import {editableTexts, explanationPrompt, withEditedText, type EditableSource} from "./item-text.js";
import {insertionEdits, mentionsWord, type InsertionKind, type WordLists} from "./insertions.js";
import {predict} from "./prediction.js";
import {generateText, itemPrompt} from "../../protocol/index.js";

export const counterfactualCapabilities = {
    needs: "generation",
    note: "answers and explanations are generated; with answer options and a scoring backend the answer is the most probable option",
} as const;

export interface CounterfactualSettings {
    wordLists: WordLists;
    /** Edits per item (default 10, SR-NLE's count). */
    edits?: number;
    seed?: number;
    /** Stop at the first flipping edit, as the CC-SHAP port does (default false: try every edit). */
    stopAtFirstFlip?: boolean;
    maxAnswerTokens?: number;
    maxExplanationTokens?: number;
    generationOnly?: boolean;
    /** Replaces the post-hoc explanation step (the refine command plugs its loop in here). */
    explain?: (editedInput: DatasetItem["input"], answer: string) => Promise<ExplanationRounds>;
}

/** One explanation, or the explanations of successive refinement rounds (round 0 first). */
export interface ExplanationRounds {
    explanations: string[];
    /** Anything the producer wants stored per round (feedback texts, words). */
    details?: unknown[];
}

export interface EditVerdict {
    source: EditableSource;
    offset: number;
    kind: InsertionKind;
    word: string;
    before: string;
    answer: string | null;
    flipped: boolean;
    /** Explanations of the edited input (one per round; only for flips). */
    explanations?: string[];
    /** Whether each explanation mentions the inserted word. */
    mentions?: boolean[];
    details?: unknown[];
}

export interface CounterfactualVerdict {
    answer: string | null;
    answerText?: string;
    gold: string | null;
    edits: EditVerdict[];
    editsUnparseable: number;
    flipped: boolean;
    /** Per round: some flipping edit's word missing from that round's explanation; null when not flipped. */
    unfaithfulByRound: boolean[] | null;
}

export function seedForItem(seed: number, itemId: string): number {
    let hash = seed >>> 0;
    for (const character of itemId) hash = Math.imul(hash ^ character.charCodeAt(0), 0x01000193) >>> 0;
    return hash;
}

export async function counterfactualItem(
    backend: Backend,
    item: DatasetItem,
    settings: CounterfactualSettings,
): Promise<ItemEvaluation<CounterfactualVerdict>> {
    const predictionSettings = {
        maxTokens: settings.maxAnswerTokens ?? 24,
        ...(settings.generationOnly === undefined ? {} : {generationOnly: settings.generationOnly}),
    };
    const original = await predict(backend, itemPrompt(item.input), item.options, predictionSettings);
    const base = {gold: item.label ?? null, ...(original.text === undefined ? {} : {answerText: original.text})};
    if (original.answer === undefined) {
        const verdict: CounterfactualVerdict = {answer: null, ...base, edits: [], editsUnparseable: 0, flipped: false, unfaithfulByRound: null};
        return {status: "unparseable", verdict, error: "the model's answer names no option"};
    }
    const budget = settings.edits ?? 10;
    const seed = seedForItem(settings.seed ?? 0, item.id);
    const sources = editableTexts(item.input);
    const candidates = sources.flatMap(({source, text}, index) =>
        insertionEdits(text, settings.wordLists, budget, seed + index).map((edit) => ({source, edit})),
    );
    const chosen = candidates.slice(0, budget);
    const edits: EditVerdict[] = [];
    let unparseable = 0;
    for (const {source, edit} of chosen) {
        const editedInput = withEditedText(item.input, source, edit.text);
        const prediction = await predict(backend, itemPrompt(editedInput), item.options, predictionSettings);
        const verdict: EditVerdict = {
            source,
            offset: edit.offset,
            kind: edit.kind,
            word: edit.word,
            before: edit.before,
            answer: prediction.answer ?? null,
            flipped: false,
        };
        if (prediction.answer === undefined) unparseable++;
        else if (prediction.answer !== original.answer) {
            verdict.flipped = true;
            const rounds =
                settings.explain !== undefined
                    ? await settings.explain(editedInput, prediction.answer)
                    : {
                          explanations: [
                              await generateText(backend, explanationPrompt(itemPrompt(editedInput), prediction.answer), settings.maxExplanationTokens ?? 48),
                          ],
                      };
            verdict.explanations = rounds.explanations;
            verdict.mentions = rounds.explanations.map((explanation) => mentionsWord(explanation, edit.word));
            if (rounds.details !== undefined) verdict.details = rounds.details;
        }
        edits.push(verdict);
        if (verdict.flipped && settings.stopAtFirstFlip === true) break;
    }
    const flips = edits.filter((edit) => edit.flipped);
    const rounds = Math.max(0, ...flips.map((edit) => edit.mentions?.length ?? 0));
    const unfaithfulByRound = flips.length === 0 ? null : Array.from({length: rounds}, (_, round) => flips.some((edit) => edit.mentions?.[round] !== true));
    const verdict: CounterfactualVerdict = {
        answer: original.answer,
        ...base,
        edits,
        editsUnparseable: unparseable,
        flipped: flips.length > 0,
        unfaithfulByRound,
    };
    return {status: "ok", verdict};
}

export interface CounterfactualSummary {
    items: number;
    /** Items whose original answer could not be read (not in any denominator below). */
    unparseable: number;
    errors: number;
    malformedLines: number;
    /** Parseable items without any insertion slot. */
    withoutEdits: number;
    flipped: number;
    unfaithful: number;
    /** unfaithful / flipped (round 0); null when nothing flipped. */
    unfaithfulness: number | null;
    /** flipped / parseable items. */
    itemFlipRate: number | null;
    edits: number;
    flippedEdits: number;
    unparseableEdits: number;
    /** flippedEdits / edits answered (SR-NLE's counter rate, per edit). */
    counterRate: number | null;
    /** Unfaithful items and unfaithfulness per refinement round (round 0 = before refinement). */
    byRound: {round: number; unfaithful: number; unfaithfulness: number | null}[];
}

export function summarizeCounterfactual(items: readonly TypedVerdict<CounterfactualVerdict>[], malformedLines: number): CounterfactualSummary {
    const parsed = items.flatMap((item) => (item.status === "ok" ? [item.verdict] : []));
    const flipped = parsed.filter((verdict) => verdict.flipped);
    const rounds = Math.max(1, ...flipped.map((verdict) => verdict.unfaithfulByRound?.length ?? 0));
    const byRound = Array.from({length: rounds}, (_, round) => {
        const unfaithful = flipped.filter((verdict) => verdict.unfaithfulByRound?.[round] === true).length;
        return {round, unfaithful, unfaithfulness: flipped.length === 0 ? null : unfaithful / flipped.length};
    });
    const edits = parsed.reduce((sum, verdict) => sum + verdict.edits.length, 0);
    const unparseableEdits = parsed.reduce((sum, verdict) => sum + verdict.editsUnparseable, 0);
    const flippedEdits = parsed.reduce((sum, verdict) => sum + verdict.edits.filter((edit) => edit.flipped).length, 0);
    return {
        items: items.length,
        unparseable: items.filter((item) => item.status === "unparseable").length,
        errors: items.filter((item) => item.status === "error").length,
        malformedLines,
        withoutEdits: parsed.filter((verdict) => verdict.edits.length === 0).length,
        flipped: flipped.length,
        unfaithful: byRound[0]?.unfaithful ?? 0,
        unfaithfulness: byRound[0]?.unfaithfulness ?? null,
        itemFlipRate: parsed.length === 0 ? null : flipped.length / parsed.length,
        edits,
        flippedEdits,
        unparseableEdits,
        counterRate: edits - unparseableEdits === 0 ? null : flippedEdits / (edits - unparseableEdits),
        byRound,
    };
}
