/**
 * The scoring game, under every game whose value comes from a model's log-probabilities (explain's
 * model game, the self-explanation answer game): players are the units of a segmented input;
 * for each coalition S the prompt is rendered with only S kept, fixed target token sequences are
 * scored after it, and a reducer (score-reducers.ts) turns their per-token log-probabilities into
 * v(S) and its components. Every batch of coalitions becomes one evaluator.scoreMany call (one
 * request per coalition and target), so the evaluator can deduplicate, cache and order the whole
 * batch by shared prefix; the batch's text prompts are tokenized in one batched call (a remote
 * tokenizer: one round of requests per batch) and its chat prompts rendered in one call.
 */
import type {Coalition, Game, GameOutcome} from "../attribution/game.js";
import type {EvaluatorStats, ScoringEvaluator} from "../evaluator/types.js";
import type {Backend, ScoreRequest, TokenId} from "../model/backend-spec.js";
import type {RenderOptions, SegmentedInput} from "../units/segmented-input.js";
import type {ScoreReducer} from "./score-reducers.js";
import {contextTokens, nonEmptyContext, tokenizeManyWithBos} from "./tokens.js";

export type ScoringTargets = readonly (readonly TokenId[])[];

export interface ScoringGameOptions {
    segmented: SegmentedInput;
    backend: Backend;
    evaluator: ScoringEvaluator;
    /** The target token sequences scored after every coalition's prompt, or how to find them (called once, on the first evaluation). */
    targets: ScoringTargets | (() => Promise<ScoringTargets>);
    reducer: ScoreReducer;
    /** Names of the outcomes' components. */
    componentLabels: readonly string[];
    render?: RenderOptions;
    signal?: AbortSignal;
    /** Called as requests finish: (coalitions done in all batches, requests done in this batch, requests in this batch). */
    onProgress?: (coalitionsDone: number, requestsDone: number, requestsInBatch: number) => void;
}

export class ScoringGame implements Game {
    readonly playerCount: number;
    readonly componentLabels: readonly string[];
    /** Coalitions evaluated so far (duplicates within and across batches included). */
    coalitionsEvaluated = 0;
    private readonly settings: ScoringGameOptions;
    private targets: Promise<ScoringTargets> | undefined;

    constructor(settings: ScoringGameOptions) {
        this.settings = settings;
        this.playerCount = settings.segmented.playerCount;
        this.componentLabels = settings.componentLabels;
    }

    get evaluatorStats(): EvaluatorStats {
        return this.settings.evaluator.stats;
    }

    /** The score requests for one coalition, one per target in the targets' order. */
    async requestsFor(coalition: Coalition): Promise<ScoreRequest[]> {
        const {segmented, backend, render} = this.settings;
        return this.requestsWith(await contextTokens(backend, segmented.render(coalition, render)), await this.targetTokens());
    }

    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const targets = await this.targetTokens();
        const perCoalition = targets.length;
        const requests = await this.requestsForBatch(coalitions, targets);
        const {onProgress, signal, evaluator, reducer} = this.settings;
        const before = this.coalitionsEvaluated;
        const results = await evaluator.scoreMany(requests, {
            ...(signal === undefined ? {} : {signal}),
            ...(onProgress === undefined
                ? {}
                : {onProgress: (done: number, total: number) => onProgress(before + Math.floor(done / perCoalition), done, total)}),
        });
        this.coalitionsEvaluated += coalitions.length;
        return coalitions.map((_, index) => {
            const scores = Array.from({length: perCoalition}, (_, target) => {
                const logprobs = results[index * perCoalition + target]?.logprobs;
                if (logprobs === undefined) throw new Error("the evaluator returned fewer results than requests");
                return logprobs;
            });
            return reducer(scores);
        });
    }

    private targetTokens(): Promise<ScoringTargets> {
        const {targets} = this.settings;
        this.targets ??= typeof targets === "function" ? targets() : Promise.resolve(targets);
        return this.targets;
    }

    private requestsWith(context: TokenId[], targets: ScoringTargets): ScoreRequest[] {
        return targets.map((target) => ({context, target}));
    }

    /** {@link requestsFor} on each coalition, with every text prompt tokenized in one call and every chat rendered in one call. */
    private async requestsForBatch(coalitions: readonly Coalition[], targets: ScoringTargets): Promise<ScoreRequest[]> {
        const {segmented, backend, render} = this.settings;
        const prompts = coalitions.map((coalition) => segmented.render(coalition, render));
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
            return this.requestsWith(nonEmptyContext(backend, [...(tokens ?? [])]), targets);
        });
    }
}
