/**
 * explain() for the white-box methods: the same units, target, foil, result schema and metrics
 * as the black-box methods, with token-level scores from the engine (token-attribution.ts) summed
 * to the units (unit-sums.ts). v(full) and v(empty) and the metrics come from the same model game
 * the black-box methods play, so that explanations of both kinds are compared on equal terms.
 */
import {ArgumentError, InputError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import type {Precision} from "../../engine/forward.js";
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import type {Backend} from "../../model/backend-spec.js";
import {requireWhiteBox} from "../../model/white-box.js";
import {contextTokens, tokenTextsAfter} from "../../protocol/index.js";
import {defaultPlaceholder, segmentInput} from "../../units/segmented-input.js";
import type {StructuredInput} from "../../units/types.js";
import {defaultUnitFor, resolveFoil, resolveTarget, type ExplainOptions} from "../explain.js";
import {computeExplainMetrics} from "../metrics.js";
import {ModelGame} from "../model-game.js";
import {withTokenOffsets} from "../prompt-tokens.js";
import {checkRationale, rationaleMask} from "../rationale.js";
import type {ExplainResult} from "../types.js";
import {describeValueKind} from "../value-kinds.js";
import type {WhiteBoxDetails} from "./details.js";
import {defaultIntegrationSteps, describeBaseline, type IntegratedGradientsBaseline, type IntegrationMethod} from "./integration.js";
import {defaultTolerance} from "./path-integral.js";
import {whiteBoxMethods, type WhiteBoxMethodName} from "./methods.js";
import {checkTokenAttributionRequest, tokenAttribution, type AttentionAggregation, type LrpRuleSet} from "./token-attribution.js";
import {sumToUnits, unitOfTokens} from "./unit-sums.js";

export interface WhiteBoxExplainOptions extends Omit<ExplainOptions, "method" | "budget"> {
    method: WhiteBoxMethodName;
    /** Integrated gradients: the path's start at the player positions (default: the mean token embedding). */
    baseline?: IntegratedGradientsBaseline;
    /** Integrated gradients: quadrature points (default 32). */
    steps?: number;
    /** Integrated gradients: "gauss-legendre" (default) or "riemann" (midpoint sum). */
    integration?: IntegrationMethod;
    /** Integrated gradients: refine the path until |delta| ≤ tolerance × |f(x) − f(baseline)| (default 0.01; 0 keeps the plain rule). */
    tolerance?: number;
    /** Integrated gradients: most gradient evaluations per target token (default 1024). */
    maxSteps?: number;
    /** AttnLRP: the engine's rule preset (default "attnlrp"). */
    lrpRules?: LrpRuleSet;
    /** Attention: "raw" (default) or "rollout". */
    attention?: AttentionAggregation;
    /** Engine precision (default "f32"). */
    precision?: Precision;
}

export async function explainWhiteBox(model: Backend, input: StructuredInput, options: WhiteBoxExplainOptions): Promise<ExplainResult> {
    const started = performance.now();
    const entry = whiteBoxMethods[options.method];
    const whiteBox = requireWhiteBox(model, entry.purpose);
    if (input.kind === "chat" && input.messages.at(-1)?.role === "assistant") {
        throw new InputError(`message ${input.messages.length - 1} is an assistant message, but the target is the assistant's reply`, {
            hint: "remove the final assistant message and give its text as the target",
            parameter: "target",
        });
    }
    const valueKind = options.valueKind ?? (options.foil === undefined ? "logprob" : "contrastive");
    if (valueKind !== "logprob" && valueKind !== "contrastive") {
        throw new ArgumentError(`the white-box method ${options.method} explains log-probabilities, not ${valueKind}`, {
            expected: "value logprob, or contrastive with a foil",
            received: valueKind,
            hint: "drop the value kind, or use a black-box method for prob and logodds",
            parameter: "valueKind",
        });
    }
    if (valueKind === "contrastive" && options.foil === undefined) {
        throw new ArgumentError("the contrastive value needs a foil", {hint: "give a foil (the alternative answer)", parameter: "foil"});
    }
    const unit = options.unit ?? defaultUnitFor(input);
    const removal = options.removal ?? "delete";
    const placeholder = options.placeholder ?? defaultPlaceholder;
    const segmented = await withTokenOffsets(model, (segmentOptions) => segmentInput(input, unit, segmentOptions));
    if (options.rationale !== undefined) checkRationale(input, options.rationale);
    const prompt = segmented.render(new Uint8Array(segmented.playerCount).fill(1), {removal, placeholder});
    options.onProgress?.({phase: "target", coalitions: 0, requestsDone: 0, requestsTotal: 1});
    const target = await resolveTarget(model, prompt, options);
    const foil = options.foil === undefined ? undefined : await resolveFoil(model, prompt, options.foil, target);
    const contrastive = valueKind === "contrastive" && foil !== undefined;

    const context = await contextTokens(model, prompt);
    const contextTexts = await tokenTextsAfter(model, context);
    const unitOf = unitOfTokens(segmented, contextTexts);
    const targets = [
        {tokens: target.tokens.map((token) => token.id), sign: 1 as const},
        ...(contrastive ? [{tokens: foil.tokens.map((token) => token.id), sign: -1 as const}] : []),
    ];
    checkTokenAttributionRequest({targets});
    const attributionStarted = performance.now();
    options.onProgress?.({phase: "attribution", coalitions: 0, requestsDone: 0, requestsTotal: 1});
    const engine = await whiteBox.loadModel();
    const precision = options.precision ?? "f32";
    const tokens = tokenAttribution(engine, {
        context,
        targets,
        players: unitOf.map((unitIndex) => unitIndex >= 0),
        method: options.method,
        precision,
        ...(options.baseline === undefined ? {} : {baseline: options.baseline}),
        ...(options.steps === undefined ? {} : {steps: options.steps}),
        ...(options.integration === undefined ? {} : {integration: options.integration}),
        ...(options.tolerance === undefined ? {} : {tolerance: options.tolerance}),
        ...(options.maxSteps === undefined ? {} : {maxSteps: options.maxSteps}),
        ...(options.lrpRules === undefined ? {} : {lrpRules: options.lrpRules}),
        ...(options.attention === undefined ? {} : {attention: options.attention}),
    });
    const attributionMs = performance.now() - attributionStarted;

    const evaluator = options.evaluator ?? new Evaluator(model);
    const gameOptions = {
        segmented,
        backend: model,
        evaluator,
        valueKind,
        target: target.tokens.map((token) => token.id),
        targetTexts: target.tokens.map((token) => token.text),
        ...(contrastive ? {foil: foil.tokens.map((token) => token.id), foilTexts: foil.tokens.map((token) => token.text)} : {}),
        render: {removal, placeholder},
        ...(options.signal === undefined ? {} : {signal: options.signal}),
    };
    const game = new ModelGame(gameOptions);
    const [full, empty] = await game.evaluate([new Uint8Array(segmented.playerCount).fill(1), new Uint8Array(segmented.playerCount)]);
    const values = sumToUnits(tokens.values, unitOf, segmented.playerCount);
    const componentValues = tokens.components.map((row) => sumToUnits(row, unitOf, segmented.playerCount));
    const total = values.reduce((sum, value) => sum + value, 0);
    const result: ExplainResult = {
        schemaVersion: resultSchemaVersion,
        kind: "explain",
        glassboxVersion,
        model: {name: model.name, id: model.id},
        input,
        prompt,
        unit,
        removal,
        placeholder,
        units: segmented.units.map((unitEntry) => ({...unitEntry})),
        target,
        ...(foil === undefined ? {} : {foil}),
        valueKind,
        value: describeValueKind(valueKind),
        method: options.method,
        budget: 0,
        seed: options.seed ?? 0,
        evaluations: 2,
        values,
        componentLabels: [...game.componentLabels],
        componentValues,
        valueFull: full!.value,
        valueEmpty: empty!.value,
        ...(full?.components === undefined ? {} : {componentsFull: full.components}),
        ...(empty?.components === undefined ? {} : {componentsEmpty: empty.components}),
        efficiencyGap: total - (full!.value - empty!.value),
        diagnostics: {},
        evaluator: evaluator.stats,
        timing: {totalMs: 0, attributionMs},
        whiteBox: details(options, precision, context, contextTexts, unitOf, tokens),
    };
    if (options.rationale !== undefined) {
        result.rationale = {spans: options.rationale, unitMask: rationaleMask(input, segmented.units, options.rationale)};
    }
    let metricsMs: number | undefined;
    if (options.metrics === true) {
        const metricsStarted = performance.now();
        result.metrics = await computeExplainMetrics(
            game,
            {values},
            {
                seed: options.seed ?? 0,
                ...(result.rationale === undefined ? {} : {rationaleMask: result.rationale.unitMask}),
                ...(contrastive ? {contrastiveTargetTokens: target.tokens.length} : {}),
            },
        );
        metricsMs = performance.now() - metricsStarted;
    }
    result.evaluator = evaluator.stats;
    result.timing = {totalMs: performance.now() - started, attributionMs, ...(metricsMs === undefined ? {} : {metricsMs})};
    return result;
}

function details(
    options: WhiteBoxExplainOptions,
    precision: Precision,
    context: readonly number[],
    texts: readonly string[],
    unitOf: readonly number[],
    tokens: ReturnType<typeof tokenAttribution>,
): WhiteBoxDetails {
    const method = options.method;
    const absolute = tokens.values.reduce((sum, value) => sum + Math.abs(value), 0);
    const template = tokens.values.reduce((sum, value, index) => sum + (unitOf[index]! < 0 ? Math.abs(value) : 0), 0);
    const out: WhiteBoxDetails = {
        explains:
            method === "attnlrp"
                ? "the target tokens' logits (minus the foil's in a contrastive run)"
                : method === "attention"
                  ? "attention weights from the position that predicts each target token"
                  : method === "grad"
                    ? "the norm of the gradient of the value with respect to each token's embedding"
                    : "the value (log-probabilities of the target tokens)",
        precision,
        tokens: context.map((id, index) => ({id, text: texts[index] ?? "", unit: unitOf[index]!, value: tokens.values[index]!})),
        tokenComponentValues: tokens.components,
        templateShare: absolute === 0 ? 0 : template / absolute,
        forwardPasses: tokens.forwardPasses,
        backwardPasses: tokens.backwardPasses,
        ...(tokens.valueInput === undefined ? {} : {valueInput: tokens.valueInput}),
    };
    if (method === "ig") {
        out.baseline = describeBaseline(options.baseline ?? {kind: "mean"});
        out.steps = options.steps ?? defaultIntegrationSteps;
        out.integration = options.integration ?? "gauss-legendre";
        out.tolerance = options.tolerance ?? defaultTolerance;
        out.gradientEvaluations = tokens.gradientEvaluations!;
        out.intervals = tokens.intervals!;
        out.valueBaseline = tokens.valueBaseline!;
        out.convergenceDelta = tokens.convergenceDelta!;
        const change = Math.abs(tokens.valueInput! - tokens.valueBaseline!);
        out.relativeConvergenceDelta = change === 0 ? 0 : Math.abs(tokens.convergenceDelta!) / change;
    }
    if (method === "attnlrp") {
        out.rules = options.lrpRules ?? "attnlrp";
        out.relevanceTotal = tokens.relevanceTotal!;
        out.conservationGap = Math.abs(tokens.relevanceTotal! - tokens.valueInput!) / Math.max(Math.abs(tokens.valueInput!), 1e-12);
    }
    if (method === "attention") out.attention = options.attention ?? "raw";
    return out;
}
