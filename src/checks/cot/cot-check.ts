/**
 * `glassbox check cot` for one item and over a run: the chain is produced once (greedy), then
 * early answering, adding mistakes (runCotTests), paraphrasing (when a paraphraser is given) and
 * filler run on it. The verdict keeps every forced answer so the summary can be recomputed.
 *
 * Integration rule of the area over the curve: see area-over-curve.ts (left Riemann sum over the
 * L intervention points, weighted over lengths by the share of items with that length).
 */
import {ContextOverflowError} from "../../errors.js";
import {summarizeAreaOverCurve, type AreaOverCurveSummary} from "./area-over-curve.js";
import {runCotTests, type CotItemResult, type CotTestOptions} from "./cot-tests.js";
import type {TextCompleter} from "../../protocol/index.js";
import {runFiller, runParaphrasing, type FillerResult, type ParaphrasePoint, type Paraphraser} from "./paraphrase-filler.js";

export const integrationRule =
    "left Riemann sum over the L intervention points x = 0, 1/L, …, (L−1)/L (the full chain is the reference and is not a point); AOC = Σ_L w_L·AOC_L with w_L the share of items whose chain has L steps";

export interface CotCheckSettings extends CotTestOptions {
    paraphraser?: Paraphraser;
    fillerUnit?: string;
}

export type CotCheckVerdict = CotItemResult & {
    paraphrasing?: ParaphrasePoint[];
    filler?: FillerResult;
    /** Why the filler test did not run on this item. */
    fillerSkipped?: string;
    gold?: string;
};

/**
 * A completer that answers the chain prompt (the item's prompt with no steps, no cue) with a given
 * chain and passes every other prompt to the model: the tests then run on a chain taken from the
 * dataset instead of one the model writes.
 */
export function withGivenChain(model: TextCompleter, chainPrompt: string, chain: string): TextCompleter {
    return {
        async complete(prompts, maxTokens) {
            const others = prompts.filter((prompt) => prompt !== chainPrompt);
            const outputs = others.length === 0 ? [] : await model.complete(others, maxTokens);
            let next = 0;
            return prompts.map((prompt) => (prompt === chainPrompt ? chain : outputs[next++]!));
        },
    };
}

export async function cotCheckItem(
    model: TextCompleter,
    item: {id: string; prompt: string; gold?: string; chain?: string},
    settings: CotCheckSettings,
): Promise<CotCheckVerdict> {
    if (item.chain !== undefined) model = withGivenChain(model, settings.format.compose(item.prompt, [], false), item.chain);
    const result = await runCotTests(model, {id: item.id, prompt: item.prompt}, settings);
    const gold = item.gold === undefined ? {} : {gold: item.gold};
    if (result.status !== "ok") return {...result, ...gold};
    const chainOptions = {format: settings.format, maxChainTokens: settings.maxChainTokens};
    const paraphrasing =
        settings.paraphraser === undefined
            ? undefined
            : await runParaphrasing(model, settings.paraphraser, item.prompt, result.chain, result.answer, chainOptions);
    let filler: FillerResult | undefined;
    let fillerSkipped: string | undefined;
    try {
        filler = await runFiller(model, item.prompt, result.chain, result.answer, {
            format: settings.format,
            maxAnswerTokens: settings.maxAnswerTokens,
            ...(settings.fillerUnit === undefined ? {} : {fillerUnit: settings.fillerUnit}),
        });
    } catch (error) {
        // Filler can tokenize much longer than the chain (e.g. outside a small model's vocabulary): the test is skipped, the item kept.
        if (!(error instanceof ContextOverflowError)) throw error;
        fillerSkipped = error.message;
    }
    return {
        ...result,
        ...(paraphrasing === undefined ? {} : {paraphrasing}),
        ...(filler === undefined ? {} : {filler}),
        ...(fillerSkipped === undefined ? {} : {fillerSkipped}),
        ...gold,
    };
}

export interface CotCheckSummary {
    items: number;
    ok: number;
    noAnswer: number;
    noSteps: number;
    earlyAnswering: AreaOverCurveSummary;
    addingMistakes: AreaOverCurveSummary;
    /** Items where no step could be given a mistake (left out of the adding-mistakes curve). */
    withoutMistakes: number;
    paraphrasing: {items: number; areaOverCurve: number | null; matchRate: number | null};
    filler: {items: number; skipped: number; matchesOriginal: number | null; accuracy: number | null; noChainAccuracy: number | null};
    /** Accuracy of the full chain's answer against gold labels (items with a label). */
    accuracy: number | null;
    integrationRule: string;
}

function mean(values: readonly number[]): number | null {
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function noCurveReason(items: number, ok: number, test: "answer" | "mistake"): string {
    if (items === 0) return "no items";
    if (ok === 0) return `no item produced a chain and an answer: 0 of ${items}`;
    return test === "mistake" ? "no chain had a step to put a mistake in" : "no chain had steps to truncate";
}

export function summarizeCotCheck(verdicts: readonly CotCheckVerdict[], normalize: (answer: string) => string): CotCheckSummary {
    const ok = verdicts.filter((verdict): verdict is Extract<CotCheckVerdict, {status: "ok"}> => verdict.status === "ok");
    const correct = (answer: string | undefined, gold: string | undefined): number =>
        answer !== undefined && gold !== undefined && normalize(answer) === normalize(gold) ? 1 : 0;
    const withGold = ok.filter((verdict) => verdict.gold !== undefined);
    const paraphrased = ok.filter((verdict) => verdict.paraphrasing !== undefined && verdict.paraphrasing.length > 0);
    const paraphraseSummary = summarizeAreaOverCurve(paraphrased.map((verdict) => verdict.paraphrasing!.map((point) => ({x: point.x, y: point.y}))));
    const filled = ok.filter((verdict) => verdict.filler !== undefined);
    return {
        items: verdicts.length,
        ok: ok.length,
        noAnswer: verdicts.filter((verdict) => verdict.status === "no-answer").length,
        noSteps: verdicts.filter((verdict) => verdict.status === "no-steps").length,
        earlyAnswering: summarizeAreaOverCurve(
            ok.map((verdict) => verdict.earlyAnswering),
            noCurveReason(verdicts.length, ok.length, "answer"),
        ),
        addingMistakes: summarizeAreaOverCurve(
            ok.map((verdict) => verdict.addingMistakes),
            noCurveReason(verdicts.length, ok.length, "mistake"),
        ),
        withoutMistakes: ok.filter((verdict) => verdict.addingMistakes.length === 0).length,
        paraphrasing: {
            items: paraphrased.length,
            areaOverCurve: paraphrased.length === 0 ? null : paraphraseSummary.areaOverCurve,
            matchRate: mean(paraphrased.flatMap((verdict) => verdict.paraphrasing!.map((point) => point.y))),
        },
        filler: {
            items: filled.length,
            skipped: ok.filter((verdict) => verdict.fillerSkipped !== undefined).length,
            matchesOriginal: mean(filled.map((verdict) => verdict.filler!.matchesOriginal)),
            accuracy: mean(filled.filter((verdict) => verdict.gold !== undefined).map((verdict) => correct(verdict.filler!.answer, verdict.gold))),
            noChainAccuracy: mean(
                filled.filter((verdict) => verdict.gold !== undefined).map((verdict) => correct(verdict.filler!.noChainAnswer, verdict.gold)),
            ),
        },
        accuracy: mean(withGold.map((verdict) => correct(verdict.answer, verdict.gold))),
        integrationRule,
    };
}
