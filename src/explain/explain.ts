/**
 * explain(): attribute a model's target (given, or its greedy answer) to units of the input.
 * Segment the input → align the target once on the full input → build the model game → run the
 * chosen attribution method → optionally score faithfulness metrics on the same game.
 */
import {attributionMethods, defaultMethodFor} from "../attribution/registry.js";
import type {AttributionMethodName, AttributionResult} from "../attribution/result.js";
import {ArgumentError, BudgetError, InputError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import type {ScoringEvaluator} from "../evaluator/types.js";
import {alignTarget, contextTokens} from "../protocol/index.js";
import type {Backend, PromptInput, TokenId} from "../model/backend-spec.js";
import {hierarchicalMinimumBudget} from "../attribution/hierarchical.js";
import {buildUnitHierarchy, collapseSingleChildren, hierarchyLevelsFor, type UnitTreeNode} from "../units/hierarchy.js";
import {defaultPlaceholder, segmentInput, type SegmentedInput, type SegmentOptions} from "../units/segmented-input.js";
import type {RemovalMode} from "../units/render-text.js";
import type {StructuredInput, UnitKind} from "../units/types.js";
import {glassboxVersion, resultSchemaVersion} from "../foundation/version.js";
import {defaultGreedyMaxTokens, generateGreedyTarget} from "./greedy-target.js";
import type {RationaleSpan} from "./input-file.js";
import {ModelGame} from "./model-game.js";
import {withTokenOffsets} from "./prompt-tokens.js";
import {checkRationale, rationaleMask} from "./rationale.js";
import type {ExplainResult, ExplainTarget, ExplainTokens} from "./types.js";
import {computeExplainMetrics} from "./metrics.js";
import {describeValueKind, type ValueKind} from "./value-kinds.js";

export interface ExplainProgress {
    phase: "target" | "attribution" | "metrics";
    /** Coalitions evaluated so far in this phase. */
    coalitions: number;
    /** Score requests finished in the current batch, and the batch size. */
    requestsDone: number;
    requestsTotal: number;
}

export interface ExplainOptions {
    /** Default: "document" for documents, "message" for chat, "word" for a prompt. */
    unit?: UnitKind;
    /** Default: "exact" up to 10 units, "kernelshap3" up to 16, "kernelshap" beyond (BENCHMARKS.md: lowest error per evaluation). */
    method?: AttributionMethodName;
    /** Evaluations the method may use; default: the method's default for the unit count. */
    budget?: number;
    /** Default 0. */
    seed?: number;
    /** The text to explain; default: the model's greedy answer to the full input. */
    target?: string;
    /** With a foil the default value kind is "contrastive". */
    foil?: string;
    /** Default "logprob" ("contrastive" when a foil is given). */
    valueKind?: ValueKind;
    removal?: RemovalMode;
    placeholder?: string;
    /** Cap on generated target tokens (default 24). */
    maxTargetTokens?: number;
    /** Compute faithfulness metrics (and plausibility when a rationale is given). */
    metrics?: boolean;
    rationale?: RationaleSpan[];
    /** An evaluator to share (and its cache); default: a fresh one over `model`. */
    evaluator?: ScoringEvaluator;
    signal?: AbortSignal;
    onProgress?: (progress: ExplainProgress) => void;
}

export function defaultUnitFor(input: StructuredInput): UnitKind {
    return input.kind === "documents" ? "document" : input.kind === "chat" ? "message" : "word";
}

/**
 * Check a method name and budget against the unit count before any evaluation (BudgetError names
 * the minimum). For the hierarchical method the minimum depends on the number of top-level groups.
 */
export function checkMethodAndBudget(method: string, playerCount: number, budget: number | undefined, topLevelGroups?: number): number {
    const entry = attributionMethods[method];
    if (entry === undefined) {
        throw new ArgumentError(`unknown attribution method "${method}"`, {
            expected: `one of ${Object.keys(attributionMethods).join(", ")}`,
            hint: "name one of them",
            parameter: "method",
        });
    }
    const minimum = method === "hierarchical" && topLevelGroups !== undefined ? hierarchicalMinimumBudget(topLevelGroups) : entry.minimumBudget(playerCount);
    if (budget === undefined) return Math.max(minimum, entry.defaultBudget(playerCount));
    if (budget < minimum) {
        throw new BudgetError(`budget ${budget} is too small for ${method} with ${playerCount} units: the minimum is ${minimum}`, {
            hint: `raise the budget to ${minimum} or more, or use fewer units`,
            parameter: "budget",
            fields: {method, playerCount, minimum, budget},
        });
    }
    return budget;
}

export async function explain(model: Backend, input: StructuredInput, options: ExplainOptions = {}): Promise<ExplainResult> {
    const started = performance.now();
    if (input.kind === "chat" && input.messages.at(-1)?.role === "assistant") {
        throw new InputError(`message ${input.messages.length - 1} is an assistant message, but the target is the assistant's reply`, {
            hint: "remove the final assistant message and give its text as the target",
            parameter: "target",
        });
    }
    const unit = options.unit ?? defaultUnitFor(input);
    const removal = options.removal ?? "delete";
    const placeholder = options.placeholder ?? defaultPlaceholder;
    const {tree, segmented} = await withTokenOffsets(model, (segmentOptions) => {
        const tree = options.method === "hierarchical" ? unitTreeFor(input, unit, segmentOptions) : undefined;
        return {tree, segmented: tree?.leaves ?? segmentInput(input, unit, segmentOptions)};
    });
    const method = options.method ?? defaultMethodFor(segmented.playerCount);
    const budget = checkMethodAndBudget(method, segmented.playerCount, options.budget, tree?.root.children.length);
    const seed = options.seed ?? 0;
    if (options.rationale !== undefined) checkRationale(input, options.rationale);
    const valueKind = options.valueKind ?? (options.foil === undefined ? "logprob" : "contrastive");
    if (valueKind === "contrastive" && options.foil === undefined) {
        throw new ArgumentError("the contrastive value needs a foil", {hint: "give a foil (the alternative answer)", parameter: "foil"});
    }

    const keepAll = new Uint8Array(segmented.playerCount).fill(1);
    const prompt = segmented.render(keepAll, {removal, placeholder});
    options.onProgress?.({phase: "target", coalitions: 0, requestsDone: 0, requestsTotal: 1});
    const target = await resolveTarget(model, prompt, options);
    const foil = options.foil === undefined ? undefined : await resolveFoil(model, prompt, options.foil, target);

    const evaluator = options.evaluator ?? new Evaluator(model);
    const game = new ModelGame({
        segmented,
        backend: model,
        evaluator,
        valueKind,
        target: target.tokens.map((token) => token.id),
        targetTexts: target.tokens.map((token) => token.text),
        ...(foil === undefined ? {} : {foil: foil.tokens.map((token) => token.id), foilTexts: foil.tokens.map((token) => token.text)}),
        render: {removal, placeholder},
        ...(options.signal === undefined ? {} : {signal: options.signal}),
        ...(options.onProgress === undefined ? {} : {onProgress: progressReporter(options.onProgress, "attribution")}),
    });
    const attributionStarted = performance.now();
    const entry = attributionMethods[method];
    if (entry === undefined) throw new ArgumentError(`unknown attribution method "${method}"`);
    const attribution = await entry.run(game, {budget, seed, ...(tree === undefined ? {} : {tree: tree.root})});
    const attributionMs = performance.now() - attributionStarted;

    const result = assembleExplainResult({
        model,
        input,
        prompt,
        segmented,
        unit,
        removal,
        placeholder,
        target,
        foil,
        valueKind,
        componentLabels: game.componentLabels,
        attribution,
        evaluator,
    });
    if (options.rationale !== undefined) {
        result.rationale = {spans: options.rationale, unitMask: rationaleMask(input, segmented.units, options.rationale)};
    }
    let metricsMs: number | undefined;
    if (options.metrics === true) {
        const metricsStarted = performance.now();
        const metricsGame =
            options.onProgress === undefined
                ? game
                : new ModelGame({
                      segmented,
                      backend: model,
                      evaluator,
                      valueKind,
                      target: target.tokens.map((token) => token.id),
                      targetTexts: target.tokens.map((token) => token.text),
                      ...(foil === undefined ? {} : {foil: foil.tokens.map((token) => token.id), foilTexts: foil.tokens.map((token) => token.text)}),
                      render: {removal, placeholder},
                      onProgress: progressReporter(options.onProgress, "metrics"),
                  });
        result.metrics = await computeExplainMetrics(metricsGame, attribution, {
            seed,
            ...(result.rationale === undefined ? {} : {rationaleMask: result.rationale.unitMask}),
            ...(valueKind === "contrastive" ? {contrastiveTargetTokens: target.tokens.length} : {}),
        });
        metricsMs = performance.now() - metricsStarted;
    }
    result.evaluator = evaluator.stats;
    result.timing = {totalMs: performance.now() - started, attributionMs, ...(metricsMs === undefined ? {} : {metricsMs})};
    return result;
}

/**
 * The unit tree of the hierarchical method: the input's top level (documents, messages or
 * paragraphs) → sentences → words (→ tokens), down to `unit`, whose units are the players.
 */
export function unitTreeFor(input: StructuredInput, unit: UnitKind, options: SegmentOptions = {}): {leaves: SegmentedInput; root: UnitTreeNode} {
    const hierarchy = buildUnitHierarchy(input, hierarchyLevelsFor(input, unit), options);
    return {leaves: hierarchy.leaves, root: collapseSingleChildren(hierarchy.root)};
}

function progressReporter(report: (progress: ExplainProgress) => void, phase: ExplainProgress["phase"]) {
    return (coalitions: number, requestsDone: number, requestsTotal: number) => report({phase, coalitions, requestsDone, requestsTotal});
}

export async function resolveTarget(model: Backend, prompt: PromptInput, options: Pick<ExplainOptions, "target" | "maxTargetTokens">): Promise<ExplainTarget> {
    if (options.target === undefined) {
        const generated = await generateGreedyTarget(model, prompt, options.maxTargetTokens ?? defaultGreedyMaxTokens);
        return {
            text: generated.text,
            tokens: generated.tokens.map((id, index) => ({id, text: generated.tokenTexts[index] ?? ""})),
            origin: "generated",
            generation: {stop: generated.stop, maxTokens: generated.maxTokens},
        };
    }
    const aligned = await alignOnFullInput(model, prompt, options.target, "target");
    return {...aligned, origin: "given"};
}

export async function resolveFoil(model: Backend, prompt: PromptInput, foilText: string, target: ExplainTarget): Promise<ExplainTokens> {
    if (foilText === target.text || foilText.trim() === target.text.trim()) {
        throw new InputError("the foil equals the target", {
            received: JSON.stringify(foilText),
            hint: "give a different foil (the alternative answer to compare against)",
            parameter: "foil",
        });
    }
    const foil = await alignOnFullInput(model, prompt, foilText, "foil");
    if (
        sameTokens(
            foil.tokens.map((token) => token.id),
            target.tokens.map((token) => token.id),
        )
    ) {
        throw new InputError("the foil tokenizes exactly like the target", {
            received: JSON.stringify(foilText),
            hint: "give a different foil",
            parameter: "foil",
        });
    }
    return {text: foil.text, tokens: foil.tokens};
}

/**
 * Target tokens from aligning the full input once. The game scores them after the context of
 * every coalition, so the full input's context must be exactly what the game renders; when the
 * tokenizer merges the end of the prompt into the target, that is impossible and we say so.
 */
async function alignOnFullInput(model: Backend, prompt: PromptInput, text: string, what: "target" | "foil"): Promise<ExplainTokens & {note?: string}> {
    const aligned = await alignTarget(model, prompt, text);
    if (!sameTokens(aligned.request.context, await contextTokens(model, prompt))) {
        throw new InputError(`the ${what} merges with the end of the prompt into one token`, {
            received: aligned.note ?? JSON.stringify(text),
            hint: `start the ${what} at a word boundary (e.g. with a leading space)`,
        });
    }
    return {
        text: aligned.scoredText,
        tokens: aligned.targetTokens.map((piece) => ({id: piece.token, text: piece.text})),
        ...(aligned.note === undefined ? {} : {note: aligned.note}),
    };
}

function sameTokens(a: readonly TokenId[], b: readonly TokenId[]): boolean {
    return a.length === b.length && a.every((token, index) => token === b[index]);
}

interface ResultInputs {
    model: Backend;
    input: StructuredInput;
    prompt: PromptInput;
    segmented: SegmentedInput;
    unit: UnitKind;
    removal: RemovalMode;
    placeholder: string;
    target: ExplainTarget;
    foil: ExplainTokens | undefined;
    valueKind: ValueKind;
    componentLabels: readonly string[];
    attribution: AttributionResult;
    evaluator: ScoringEvaluator;
}

function assembleExplainResult(parts: ResultInputs): ExplainResult {
    const {attribution} = parts;
    const total = attribution.values.reduce((sum, value) => sum + value, 0);
    const componentLabels = [...parts.componentLabels];
    const result: ExplainResult = {
        schemaVersion: resultSchemaVersion,
        kind: "explain",
        glassboxVersion,
        model: {name: parts.model.name, id: parts.model.id},
        input: parts.input,
        prompt: parts.prompt,
        unit: parts.unit,
        removal: parts.removal,
        placeholder: parts.placeholder,
        units: parts.segmented.units.map((unit) => ({...unit})),
        target: parts.target,
        ...(parts.foil === undefined ? {} : {foil: parts.foil}),
        valueKind: parts.valueKind,
        value: describeValueKind(parts.valueKind),
        method: attribution.method,
        budget: attribution.budget,
        seed: attribution.seed,
        evaluations: attribution.evaluations,
        values: attribution.values,
        ...(attribution.standardErrors === undefined ? {} : {standardErrors: attribution.standardErrors}),
        componentLabels,
        ...(attribution.componentValues === undefined ? {} : {componentValues: attribution.componentValues}),
        valueFull: attribution.valueFull,
        valueEmpty: attribution.valueEmpty,
        ...(attribution.componentsFull === undefined ? {} : {componentsFull: attribution.componentsFull}),
        ...(attribution.componentsEmpty === undefined ? {} : {componentsEmpty: attribution.componentsEmpty}),
        efficiencyGap: total - (attribution.valueFull - attribution.valueEmpty),
        diagnostics: attribution.diagnostics,
        evaluator: parts.evaluator.stats,
        timing: {totalMs: 0, attributionMs: 0},
    };
    return result;
}
