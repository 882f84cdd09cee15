/**
 * The model game: the scoring game (protocol/scoring-game.ts) with the target tokens (and, for the
 * contrastive game, the foil) after the prompt rendered with only S kept, and v(S) one of the value
 * kinds of value-kinds.ts.
 */
import type {ScoringEvaluator} from "../evaluator/types.js";
import type {Backend, TokenId} from "../model/backend-spec.js";
import {ScoringGame} from "../protocol/scoring-game.js";
import type {RenderOptions, SegmentedInput} from "../units/segmented-input.js";
import {valueReducer, type ValueKind} from "./value-kinds.js";

export interface ModelGameOptions {
    segmented: SegmentedInput;
    backend: Backend;
    evaluator: ScoringEvaluator;
    target: readonly TokenId[];
    targetTexts: readonly string[];
    valueKind: ValueKind;
    /** Required for the contrastive game. */
    foil?: readonly TokenId[];
    foilTexts?: readonly string[];
    render?: RenderOptions;
    signal?: AbortSignal;
    /** Called as requests finish: (coalitions done in all batches, requests done in this batch, requests in this batch). */
    onProgress?: (coalitionsDone: number, requestsDone: number, requestsInBatch: number) => void;
}

export class ModelGame extends ScoringGame {
    constructor(options: ModelGameOptions) {
        const {target, foil, valueKind, targetTexts, foilTexts, ...shared} = options;
        if (valueKind === "contrastive" && foil === undefined) throw new Error("the contrastive game needs a foil");
        const contrastive = valueKind === "contrastive" && foil !== undefined;
        super({
            ...shared,
            targets: contrastive ? [target, foil] : [target],
            reducer: valueReducer(valueKind),
            componentLabels: contrastive ? [...targetTexts, ...(foilTexts ?? []).map((text) => `foil:${text}`)] : [...targetTexts],
        });
    }
}
