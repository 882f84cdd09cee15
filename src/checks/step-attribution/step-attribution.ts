/**
 * Step attribution: which steps of the model's own chain of thought drive its final answer. The
 * players are the steps (custom spans over the text the model answered from: prompt, chain,
 * answer marker); v(S) = log p(answer | prompt, the steps in S, marker) — the model game of
 * src/explain with span units — attributed by any method of the attribution registry (exact
 * Shapley up to 10 steps by default, Shapley sampling beyond).
 */
import {attributionMethods, defaultMethodFor} from "../../attribution/registry.js";
import type {AttributionMethodName, AttributionResult} from "../../attribution/result.js";
import {InputError} from "../../errors.js";
import type {ScoringEvaluator} from "../../evaluator/types.js";
import {ModelGame} from "../../explain/model-game.js";
import {alignTarget} from "../../protocol/index.js";
import type {Backend} from "../../model/backend-spec.js";
import {segmentInput, type RenderOptions} from "../../units/segmented-input.js";
import type {TextSpan} from "../../units/types.js";
import type {CotFormat} from "../cot/format.js";

export interface StepAttributionSettings {
    backend: Backend;
    evaluator: ScoringEvaluator;
    format: CotFormat;
    method?: AttributionMethodName;
    budget?: number;
    seed?: number;
    render?: RenderOptions;
}

export interface StepAttribution {
    steps: string[];
    answer: string;
    /** Text the answer is scored after (all steps kept). */
    text: string;
    values: number[];
    /** Step indices, most important first (ties keep the earlier step first). */
    ranking: number[];
    method: AttributionMethodName;
    evaluations: number;
    valueFull: number;
    valueEmpty: number;
}

/** Offsets of each step in `text`, found in order after `from`. */
export function stepSpans(text: string, steps: readonly string[], from: number): TextSpan[] {
    const spans: TextSpan[] = [];
    let cursor = from;
    for (const step of steps) {
        const trimmed = step.trim();
        const start = text.indexOf(trimmed, cursor);
        if (trimmed === "" || start < 0)
            throw new InputError(`step "${trimmed}" is not in the composed chain text`, {hint: "check the chain format's separator"});
        spans.push({start, end: start + trimmed.length});
        cursor = start + trimmed.length;
    }
    return spans;
}

export async function attributeSteps(prompt: string, steps: readonly string[], answer: string, settings: StepAttributionSettings): Promise<StepAttribution> {
    if (steps.length === 0) throw new InputError("step attribution needs a chain with at least one step");
    const text = settings.format.compose(prompt, steps, true);
    const spans = stepSpans(text, steps, prompt.trimEnd().length);
    const segmented = segmentInput({kind: "prompt", prompt: text, spans}, "span");
    const aligned = await alignTarget(settings.backend, {kind: "text", text}, ` ${answer.trim()}`);
    const game = new ModelGame({
        segmented,
        backend: settings.backend,
        evaluator: settings.evaluator,
        target: aligned.request.target,
        targetTexts: aligned.targetTokens.map((piece) => piece.text),
        valueKind: "logprob",
        ...(settings.render === undefined ? {} : {render: settings.render}),
    });
    const method = settings.method ?? defaultMethodFor(steps.length);
    const result: AttributionResult = await attributionMethods[method]!.run(game, {
        seed: settings.seed ?? 0,
        ...(settings.budget === undefined ? {} : {budget: settings.budget}),
    });
    const ranking = result.values
        .map((value, index) => ({value, index}))
        .sort((a, b) => b.value - a.value || a.index - b.index)
        .map((entry) => entry.index);
    return {
        steps: [...steps],
        answer,
        text,
        values: result.values,
        ranking,
        method,
        evaluations: result.evaluations,
        valueFull: result.valueFull,
        valueEmpty: result.valueEmpty,
    };
}

export interface StepAttributionSummary {
    items: number;
    /** Share of items whose most important step is the chain's last one. */
    lastStepFirstRate: number | null;
    /** Mean rank (1 = first) of the last step. */
    meanLastStepRank: number | null;
    /** Share of items whose top step is each position from the end (index 0 = last step). */
    topFromEnd: number[];
    /**
     * Mean of v(all steps) − v(no steps): how far the whole chain moves log p(answer), in nats. A
     * ranking means little when this is near 0 (a chain the answer does not depend on).
     */
    meanChainEffect: number | null;
    /** Mean attribution of the last step, in nats. */
    meanLastStepValue: number | null;
}

export function summarizeStepAttributions(results: readonly StepAttribution[]): StepAttributionSummary {
    if (results.length === 0)
        return {items: 0, lastStepFirstRate: null, meanLastStepRank: null, topFromEnd: [], meanChainEffect: null, meanLastStepValue: null};
    const longest = Math.max(...results.map((result) => result.steps.length));
    const topFromEnd = new Array<number>(longest).fill(0);
    let lastFirst = 0,
        rankSum = 0,
        effectSum = 0,
        lastValueSum = 0;
    for (const result of results) {
        const last = result.steps.length - 1;
        effectSum += result.valueFull - result.valueEmpty;
        lastValueSum += result.values[last]!;
        const top = result.ranking[0]!;
        topFromEnd[last - top]! += 1 / results.length;
        if (top === last) lastFirst++;
        rankSum += result.ranking.indexOf(last) + 1;
    }
    return {
        items: results.length,
        lastStepFirstRate: lastFirst / results.length,
        meanLastStepRank: rankSum / results.length,
        topFromEnd,
        meanChainEffect: effectSum / results.length,
        meanLastStepValue: lastValueSum / results.length,
    };
}
