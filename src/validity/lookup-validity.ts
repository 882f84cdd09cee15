/**
 * The lookup half of the validity benchmark. On held-out items of the lookup organism, whose one
 * answering document is known by construction, every attribution method explains log p(answer)
 * at several budgets: per document (does the gold document rank first?) and per word of the
 * documents (where does the gold document's key word rank?). One evaluator per item is shared by
 * all methods and budgets, so a coalition is scored once per item however many methods ask for it.
 */
import {attributionMethods} from "../attribution/registry.js";
import type {AttributionMethodName} from "../attribution/result.js";
import {BudgetError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import {explain} from "../explain/explain.js";
import type {Backend} from "../model/backend-spec.js";
import {generateOnLane, withBos} from "../protocol/index.js";
import {SeededRandom} from "../foundation/random.js";
import type {LookupEvidence, OrganismTask, TaskItem} from "../organisms/tasks/types.js";
import {documentSpansInput, rankOf, wordSpansInput} from "./lookup-input.js";

/** Methods whose evaluation count is set by the player count, not by a budget. */
export const fixedBudgetMethods: readonly AttributionMethodName[] = ["loo", "exact"];

export interface LookupValidityOptions {
    items: number;
    /** Items (the first ones) also explained word by word; default: all. */
    wordItems?: number;
    itemSeed: number;
    methods: readonly AttributionMethodName[];
    budgets: readonly number[];
    /** Methods and budgets at word level (default: the same). */
    wordMethods?: readonly AttributionMethodName[];
    wordBudgets?: readonly number[];
    onItem?: (done: number, total: number) => void;
}

export interface LookupCell {
    method: AttributionMethodName;
    /** The budget asked for; undefined for methods whose evaluation count is fixed. */
    budget: number | undefined;
    /** Items the method ran on (an item whose player count needs a larger budget is left out). */
    items: number;
    /** Documents: gold document ranked strictly first. Words: the key word ranked strictly first. */
    top1: number;
    /** Of `items`, those the organism answers correctly, and how many of them have `top1`. */
    correctItems: number;
    correctTop1: number;
    /** Mean 1-based rank of the gold document (documents) or of the key word (words). */
    meanRank: number;
    /** Words only: items where the key and value words of the gold document are the two highest. */
    goldWordsTop2?: number;
    meanEvaluations: number;
}

export interface LookupValidityResult {
    items: number;
    wordItems: number;
    /** Share of items the organism answers correctly (greedy, one word). */
    accuracy: number;
    meanDocuments: number;
    meanWords: number;
    documents: LookupCell[];
    words: LookupCell[];
    /** Distinct coalitions scored (after the per-item cache), documents and words together. */
    backendScores: number;
}

interface Tally {
    items: number;
    top1: number;
    correctItems: number;
    correctTop1: number;
    rankSum: number;
    top2: number;
    evaluations: number;
}

/** The (method, budget) cells to run: fixed-budget methods once, the others at every budget. */
export function lookupCells(
    methods: readonly AttributionMethodName[],
    budgets: readonly number[],
): {method: AttributionMethodName; budget: number | undefined}[] {
    return methods.flatMap((method): {method: AttributionMethodName; budget: number | undefined}[] =>
        fixedBudgetMethods.includes(method) ? [{method, budget: undefined}] : budgets.map((budget) => ({method, budget})),
    );
}

export async function runLookupValidity(model: Backend, task: OrganismTask, options: LookupValidityOptions): Promise<LookupValidityResult> {
    const random = new SeededRandom(options.itemSeed);
    const wordItems = Math.min(options.items, options.wordItems ?? options.items);
    const documentCells = lookupCells(options.methods, options.budgets);
    const wordCells = lookupCells(options.wordMethods ?? options.methods, options.wordBudgets ?? options.budgets);
    const documentTallies = documentCells.map(emptyTally);
    const wordTallies = wordCells.map(emptyTally);
    let correct = 0;
    let documentCount = 0;
    let wordCount = 0;
    let backendScores = 0;
    for (let index = 0; index < options.items; index++) {
        const item = task.heldOutItem(random);
        const evidence = item.evidence as LookupEvidence;
        const answered = await answersCorrectly(model, item);
        if (answered) correct += 1;
        const target = ` ${item.answer}`;
        const documentsEvaluator = new Evaluator(model);
        const documentsInput = documentSpansInput(item);
        documentCount += item.documents.length;
        for (const [cell, {method, budget}] of documentCells.entries()) {
            const result = await explainOrSkip(model, documentsInput, method, budget, index, target, documentsEvaluator);
            if (result === undefined) continue;
            record(documentTallies[cell]!, rankOf(result.values, evidence.documentIndex), undefined, result.evaluations, answered);
        }
        backendScores += documentsEvaluator.stats.backendCalls;
        if (index < wordItems) {
            const {input, words} = wordSpansInput(item);
            wordCount += words.length;
            const keyIndex = words.findIndex((word) => word.start === evidence.key.start);
            const valueIndex = words.findIndex((word) => word.start === evidence.value.start);
            const wordsEvaluator = new Evaluator(model);
            for (const [cell, {method, budget}] of wordCells.entries()) {
                const result = await explainOrSkip(model, input, method, budget, index, target, wordsEvaluator);
                if (result === undefined) continue;
                const top2 = Math.max(rankOf(result.values, keyIndex), rankOf(result.values, valueIndex)) <= 2;
                record(wordTallies[cell]!, rankOf(result.values, keyIndex), top2, result.evaluations, answered);
            }
            backendScores += wordsEvaluator.stats.backendCalls;
        }
        options.onItem?.(index + 1, options.items);
    }
    return {
        items: options.items,
        wordItems,
        accuracy: options.items === 0 ? 0 : correct / options.items,
        meanDocuments: options.items === 0 ? 0 : documentCount / options.items,
        meanWords: wordItems === 0 ? 0 : wordCount / wordItems,
        documents: documentCells.map((cell, index) => toCell(cell, documentTallies[index]!, false)),
        words: wordCells.map((cell, index) => toCell(cell, wordTallies[index]!, true)),
        backendScores,
    };
}

async function answersCorrectly(model: Backend, item: TaskItem): Promise<boolean> {
    const [answerTokens = [], promptTokens = []] = await model.tokenize([item.answer, item.prompt]);
    // The answer's own tokens plus one for the space before it (one word on the organism's vocabulary).
    const maxTokens = answerTokens.length + 1;
    const generation = await generateOnLane(model, {context: withBos(model, promptTokens), maxTokens, temperature: 0, seed: 0, topLogprobs: 0});
    return generation.text.trim().split(/\s+/u)[0] === item.answer;
}

async function explainOrSkip(
    model: Backend,
    input: ReturnType<typeof documentSpansInput>,
    method: AttributionMethodName,
    budget: number | undefined,
    seed: number,
    target: string,
    evaluator: Evaluator,
): Promise<{values: number[]; evaluations: number} | undefined> {
    const entry = attributionMethods[method];
    const players = input.kind === "prompt" ? (input.spans?.length ?? 0) : 0;
    if (entry === undefined) return undefined;
    if (budget !== undefined && budget < entry.minimumBudget(players)) return undefined;
    if (method === "exact" && players > 16) return undefined;
    try {
        const result = await explain(model, input, {unit: "span", method, ...(budget === undefined ? {} : {budget}), seed, target, evaluator});
        return {values: result.values, evaluations: result.evaluations};
    } catch (error) {
        if (error instanceof BudgetError) return undefined;
        throw error;
    }
}

function emptyTally(): Tally {
    return {items: 0, top1: 0, correctItems: 0, correctTop1: 0, rankSum: 0, top2: 0, evaluations: 0};
}

function record(tally: Tally, rank: number, top2: boolean | undefined, evaluations: number, answered: boolean): void {
    tally.items += 1;
    if (rank === 1) tally.top1 += 1;
    if (answered) {
        tally.correctItems += 1;
        if (rank === 1) tally.correctTop1 += 1;
    }
    tally.rankSum += rank;
    if (top2 === true) tally.top2 += 1;
    tally.evaluations += evaluations;
}

function toCell(cell: {method: AttributionMethodName; budget: number | undefined}, tally: Tally, words: boolean): LookupCell {
    const mean = (sum: number) => (tally.items === 0 ? 0 : sum / tally.items);
    return {
        method: cell.method,
        budget: cell.budget,
        items: tally.items,
        top1: tally.top1,
        correctItems: tally.correctItems,
        correctTop1: tally.correctTop1,
        meanRank: mean(tally.rankSum),
        ...(words ? {goldWordsTop2: tally.top2} : {}),
        meanEvaluations: mean(tally.evaluations),
    };
}
