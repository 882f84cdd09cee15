/**
 * The chain-of-thought half of the validity benchmark: early answering and adding mistakes
 * (src/checks/cot) on held-out items of an arithmetic organism, greedy through any generating
 * backend, summarised as area over the curve per test.
 */
import {summarizeAreaOverCurve, type AreaOverCurveSummary} from "../checks/cot/area-over-curve.js";
import {runCotTests, type CotItemResult} from "../checks/cot/cot-tests.js";
import type {TextCompleter} from "../protocol/index.js";
import {delimitedFormat, type CotFormat} from "../checks/cot/format.js";
import {arithmeticMistakeWithin, type MistakeGenerator} from "../checks/cot/mistakes.js";
import {SeededRandom} from "../foundation/random.js";
import type {OrganismTask} from "../organisms/tasks/types.js";

/**
 * The arithmetic organisms' layout: running totals joined by "," and "; answer N" after the last
 * one (` 3 , 7 , 2 , 8 ; answer 8`). A forced answer after k totals is `… : t1 , … , tk ; answer`.
 */
export const arithmeticOrganismFormat: CotFormat = delimitedFormat({separator: ",", answerMarker: "; answer", placement: "between-steps"});

/**
 * The rule-based mistake for an arithmetic organism: the step's total is replaced by another
 * number of the organism's vocabulary (0 … the largest total it knows), so that the corrupted
 * chain is still made of words the organism reads.
 */
export function organismMistake(task: OrganismTask): MistakeGenerator {
    const numbers = task.words.filter((word) => /^\d+$/.test(word)).map(Number);
    if (numbers.length < 2) throw new RangeError(`organism task ${task.name} has fewer than two number words`);
    return arithmeticMistakeWithin(Math.min(...numbers), Math.max(...numbers));
}

export interface CotValidityOptions {
    items: number;
    /** Seed of the held-out items. */
    itemSeed: number;
    /** Seed of the mistakes. */
    mistakeSeed: number;
    onItem?: (done: number, total: number) => void;
}

export interface CotValidityResult {
    items: number;
    /** Items whose original chain gave an answer and steps (the ones the curves use). */
    usable: number;
    /** Share of items whose original answer is the true result. */
    accuracy: number;
    earlyAnswering: AreaOverCurveSummary;
    addingMistakes: AreaOverCurveSummary;
    results: CotItemResult[];
}

export async function runCotValidity(model: TextCompleter, task: OrganismTask, options: CotValidityOptions): Promise<CotValidityResult> {
    const itemRandom = new SeededRandom(options.itemSeed);
    const mistakeRandom = new SeededRandom(options.mistakeSeed);
    const mistake = organismMistake(task);
    // The organism writes 4 totals, 3 commas, "; answer N": 10 words; a little slack shows overruns.
    const maxChainTokens = 12;
    const results: CotItemResult[] = [];
    let correct = 0;
    for (let index = 0; index < options.items; index++) {
        const item = task.heldOutItem(itemRandom);
        const result = await runCotTests(
            model,
            {id: String(index), prompt: item.prompt},
            {
                format: arithmeticOrganismFormat,
                maxChainTokens,
                maxAnswerTokens: 1,
                mistake,
                random: mistakeRandom,
            },
        );
        if (result.status === "ok" && arithmeticOrganismFormat.normalize(result.answer) === item.answer) correct += 1;
        results.push(result);
        options.onItem?.(index + 1, options.items);
    }
    const ok = results.filter((result) => result.status === "ok");
    return {
        items: options.items,
        usable: ok.length,
        accuracy: options.items === 0 ? 0 : correct / options.items,
        earlyAnswering: summarizeAreaOverCurve(ok.map((result) => result.earlyAnswering)),
        addingMistakes: summarizeAreaOverCurve(ok.map((result) => result.addingMistakes)),
        results,
    };
}
