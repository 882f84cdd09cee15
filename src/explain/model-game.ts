/**
 * The model game: players are the units of a segmented input; v(S) is a function (see
 * value-kinds.ts) of the teacher-forced log-probabilities of fixed target tokens after the prompt
 * rendered with only S kept. Every batch of coalitions becomes one evaluator.scoreMany call (two
 * requests per coalition for the contrastive game), so the evaluator can deduplicate, cache and
 * order the whole batch by shared prefix; the batch's text prompts are tokenized in one batched
 * call (a remote tokenizer: one round of requests per batch).
 */
import type {Coalition, Game, GameOutcome} from "../attribution/game.js";
import type {EvaluatorStats, ScoringEvaluator} from "../evaluator/types.js";
import {contextTokens, nonEmptyContext, tokenizeManyWithBos} from "../protocol/index.js";
import type {Backend, ScoreRequest, TokenId} from "../model/backend-spec.js";
import type {RenderOptions, SegmentedInput} from "../units/segmented-input.js";
import {outcomeFor, type ValueKind} from "./value-kinds.js";

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
    /** Called after each batch with the running count of coalitions evaluated. */
    onProgress?: (coalitionsDone: number, requestsDone: number, requestsInBatch: number) => void;
}

export class ModelGame implements Game {
    readonly playerCount: number;
    readonly componentLabels: readonly string[];
    /** Coalitions evaluated so far (duplicates within and across batches included). */
    coalitionsEvaluated = 0;
    private readonly options: ModelGameOptions;

    constructor(options: ModelGameOptions) {
        if (options.valueKind === "contrastive" && options.foil === undefined) throw new Error("the contrastive game needs a foil");
        this.options = options;
        this.playerCount = options.segmented.playerCount;
        this.componentLabels =
            options.valueKind === "contrastive"
                ? [...options.targetTexts, ...(options.foilTexts ?? []).map((text) => `foil:${text}`)]
                : [...options.targetTexts];
    }

    get evaluatorStats(): EvaluatorStats {
        return this.options.evaluator.stats;
    }

    /** The score requests for one coalition: target first, then foil (contrastive only). */
    async requestsFor(coalition: Coalition): Promise<ScoreRequest[]> {
        const {segmented, backend} = this.options;
        return this.requestsWith(await contextTokens(backend, segmented.render(coalition, this.options.render)));
    }

    private requestsWith(context: TokenId[]): ScoreRequest[] {
        const {target, foil, valueKind} = this.options;
        const requests: ScoreRequest[] = [{context, target}];
        if (valueKind === "contrastive" && foil !== undefined) requests.push({context, target: foil});
        return requests;
    }

    /**
     * The requests of a whole batch: the same as {@link requestsFor} on each coalition, with every
     * text prompt tokenized in one batched call (chat prompts are rendered in one call too).
     */
    private async requestsForBatch(coalitions: readonly Coalition[]): Promise<ScoreRequest[]> {
        const {segmented, backend} = this.options;
        const prompts = coalitions.map((coalition) => segmented.render(coalition, this.options.render));
        const texts = prompts.flatMap((prompt) => (prompt.kind === "text" ? [prompt.text] : []));
        const chats = prompts.flatMap((prompt) => (prompt.kind === "chat" ? [{messages: prompt.messages}] : []));
        const [textTokens, chatTokens] = await Promise.all([
            tokenizeManyWithBos(backend, texts),
            chats.length === 0 ? Promise.resolve([]) : backend.renderChat(chats),
        ]);
        let nextText = 0;
        let nextChat = 0;
        return prompts.flatMap((prompt) => {
            const tokens = prompt.kind === "text" ? textTokens[nextText++] : chatTokens[nextChat++];
            return this.requestsWith(nonEmptyContext(backend, [...(tokens ?? [])]));
        });
    }

    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const perCoalition = this.options.valueKind === "contrastive" ? 2 : 1;
        const requests = await this.requestsForBatch(coalitions);
        const onProgress = this.options.onProgress;
        const before = this.coalitionsEvaluated;
        const results = await this.options.evaluator.scoreMany(requests, {
            ...(this.options.signal === undefined ? {} : {signal: this.options.signal}),
            ...(onProgress === undefined
                ? {}
                : {onProgress: (done: number, total: number) => onProgress(before + Math.floor(done / perCoalition), done, total)}),
        });
        this.coalitionsEvaluated += coalitions.length;
        return coalitions.map((_, index) => {
            const target = results[index * perCoalition]?.logprobs;
            if (target === undefined) throw new Error("the evaluator returned fewer results than requests");
            const foil = perCoalition === 2 ? results[index * perCoalition + 1]?.logprobs : undefined;
            return outcomeFor(this.options.valueKind, target, foil);
        });
    }
}
