/** The typed result of {@link explain} (also the body of `glassbox explain --json`, see docs/schema-explain.md). */
import type {AttributionDiagnostics, AttributionMethodName} from "../attribution/result.js";
import type {EvaluatorStats} from "../evaluator/types.js";
import type {PromptInput, TokenId} from "../model/backend-spec.js";
import type {RemovalMode} from "../units/render-text.js";
import type {StructuredInput, Unit, UnitKind} from "../units/types.js";
import type {RationaleSpan} from "./input-file.js";
import type {GreedyStop} from "./greedy-target.js";
import type {ExplainMetrics} from "./metrics.js";
import type {ValueKind} from "./value-kinds.js";
import type {WhiteBoxDetails} from "./white-box/details.js";
import type {WhiteBoxMethodName} from "./white-box/methods.js";

/** A game-theoretic method (src/attribution) or a white-box one (src/explain/white-box). */
export type ExplainMethodName = AttributionMethodName | WhiteBoxMethodName;

export interface ExplainTokens {
    text: string;
    tokens: {id: TokenId; text: string}[];
}

export interface ExplainTarget extends ExplainTokens {
    /** "given" by the caller, or "generated" greedily from the full input. */
    origin: "given" | "generated";
    /** For a generated target: why generation stopped and the token cap in force. */
    generation?: {stop: GreedyStop; maxTokens: number};
    /** When the scored tokens cover more or other text than the target as given. */
    note?: string;
}

export interface ExplainResult {
    schemaVersion: number;
    kind: "explain";
    glassboxVersion: string;
    model: {name: string; id: string};
    input: StructuredInput;
    /** The full input as the model sees it (every unit kept). */
    prompt: PromptInput;
    unit: UnitKind;
    removal: RemovalMode;
    placeholder: string;
    units: Unit[];
    target: ExplainTarget;
    foil?: ExplainTokens;
    valueKind: ValueKind;
    /** The value function in words. */
    value: string;
    method: ExplainMethodName;
    /** Coalitions the method may evaluate; 0 for white-box methods, which evaluate none (see `whiteBox`). */
    budget: number;
    seed: number;
    /** Distinct coalitions the method evaluated (v(N) and v(∅) included). */
    evaluations: number;
    /** One value per unit. */
    values: number[];
    standardErrors?: number[];
    /** Labels of the rows of `componentValues`: target tokens (then "foil:" tokens for contrastive). */
    componentLabels: string[];
    /** componentLabels × units: per-target-token attribution from the same evaluations. */
    componentValues?: number[][];
    valueFull: number;
    valueEmpty: number;
    componentsFull?: number[];
    componentsEmpty?: number[];
    /** Σ values − (v(full) − v(empty)); 0 for efficient methods up to rounding. */
    efficiencyGap: number;
    diagnostics: AttributionDiagnostics;
    evaluator: EvaluatorStats;
    timing: {totalMs: number; attributionMs: number; metricsMs?: number};
    rationale?: {spans: RationaleSpan[]; unitMask: number[]};
    metrics?: ExplainMetrics;
    /** White-box methods: settings, token-level scores, passes and the checks of completeness. */
    whiteBox?: WhiteBoxDetails;
}
