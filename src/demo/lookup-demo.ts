/**
 * The offline demo: the lookup organism answers a question over a few one-line documents, and
 * explain() attributes its answer to the documents (exact Shapley values, with faithfulness
 * metrics) and to the words inside them (KernelSHAP). The gold document is known by construction,
 * so the explanation can be checked against it.
 */
import {Evaluator} from "../evaluator/evaluator.js";
import {explain} from "../explain/explain.js";
import type {ExplainResult} from "../explain/types.js";
import type {Backend} from "../model/backend-spec.js";
import {SeededRandom} from "../foundation/random.js";
import type {LookupEvidence, OrganismTask, TaskItem} from "../organisms/tasks/types.js";
import {documentSpansInput, rankOf, wordSpansInput, type WordPlayer} from "../validity/lookup-input.js";

/** The held-out item the demo asks about by default (7 documents; the shipped organism answers it correctly). */
export const defaultDemoSeed = 2;
export const demoWordMethod = "kernelshap";
export const demoWordBudget = 256;

export interface LookupDemoOptions {
    /** Seed of the held-out item. */
    seed?: number;
    onProgress?: (phase: "answer" | "documents" | "words") => void;
}

export interface LookupDemo {
    seed: number;
    item: TaskItem;
    evidence: LookupEvidence;
    /** The organism's greedy answer (one word), without the leading space. */
    answer: string;
    answerCorrect: boolean;
    /** Per document: exact Shapley values of log p(answer), with faithfulness metrics. */
    documents: ExplainResult;
    /** Per word of the documents (keys and values; the question is fixed). */
    words: ExplainResult;
    wordPlayers: WordPlayer[];
    /** 1-based ranks (highest value first) of the gold document and of its key and value words. */
    goldDocumentRank: number;
    keyWordRank: number;
    valueWordRank: number;
}

export async function runLookupDemo(model: Backend, task: OrganismTask, options: LookupDemoOptions = {}): Promise<LookupDemo> {
    const seed = options.seed ?? defaultDemoSeed;
    const item = task.heldOutItem(new SeededRandom(seed));
    const evidence = item.evidence as LookupEvidence;
    const evaluator = new Evaluator(model);
    options.onProgress?.("documents");
    const documents = await explain(model, documentSpansInput(item), {unit: "span", method: "exact", maxTargetTokens: 1, metrics: true, seed: 0, evaluator});
    const answer = documents.target.text.trim();
    options.onProgress?.("words");
    const {input, words: wordPlayers} = wordSpansInput(item);
    const words = await explain(model, input, {
        unit: "span",
        method: demoWordMethod,
        budget: demoWordBudget,
        target: documents.target.text,
        seed: 0,
        evaluator,
    });
    const keyIndex = wordPlayers.findIndex((word) => word.start === evidence.key.start);
    const valueIndex = wordPlayers.findIndex((word) => word.start === evidence.value.start);
    return {
        seed,
        item,
        evidence,
        answer,
        answerCorrect: answer === item.answer,
        documents,
        words,
        wordPlayers,
        goldDocumentRank: rankOf(documents.values, evidence.documentIndex),
        keyWordRank: rankOf(words.values, keyIndex),
        valueWordRank: rankOf(words.values, valueIndex),
    };
}
