/**
 * The answer game of the self-explanation check: players are the units of the item's input and
 * v(S) is the probability of the model's answer with only S kept (Huang et al. work with p of the
 * predicted class). With answer options the probabilities are normalised over the options and
 * the outcome's components are every option's probability, so a decision flip means another
 * option became the most probable. Without options the components are [p, 1 − p]: the decision
 * flips when the answer's probability falls below ½.
 */
import type {Coalition, Game, GameOutcome} from "../../attribution/game.js";
import type {ScoringEvaluator} from "../../evaluator/types.js";
import {alignTarget, answerSeparator, contextTokens, normalizeOptionLogprobs} from "../../protocol/index.js";
import type {Backend, ScoreRequest, TokenId} from "../../model/backend-spec.js";
import type {SegmentedInput} from "../../units/segmented-input.js";

export interface AnswerGameOptions {
    backend: Backend;
    evaluator: ScoringEvaluator;
    segmented: SegmentedInput;
    /** The answer whose probability is the value. */
    answer: string;
    /** Candidate answers (the answer must be one of them), or undefined for a free answer. */
    options?: readonly string[];
}

export class AnswerGame implements Game {
    readonly playerCount: number;
    readonly componentLabels: readonly string[];
    private readonly options: AnswerGameOptions;
    /** The candidates' target tokens, aligned once on the full input (on the first evaluation). */
    private targets: Promise<TokenId[][]> | undefined;
    private readonly answerIndex: number;

    constructor(options: AnswerGameOptions) {
        this.options = options;
        this.playerCount = options.segmented.playerCount;
        this.answerIndex = options.options === undefined ? 0 : options.options.indexOf(options.answer);
        if (this.answerIndex < 0) throw new Error(`the answer "${options.answer}" is not one of the options`);
        this.componentLabels = options.options === undefined ? ["p(answer)", "1 - p(answer)"] : [...options.options];
    }

    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const {backend, segmented, evaluator} = this.options;
        const targets = await this.targetTokens();
        const requests: ScoreRequest[] = [];
        for (const coalition of coalitions) {
            const context = await contextTokens(backend, segmented.render(coalition));
            for (const target of targets) requests.push({context, target});
        }
        const results = await evaluator.scoreMany(requests);
        const perCoalition = targets.length;
        return coalitions.map((_, index) => {
            const totals = Array.from({length: perCoalition}, (_, candidate) =>
                (results[index * perCoalition + candidate]?.logprobs ?? []).reduce((sum, value) => sum + value, 0),
            );
            if (this.options.options === undefined) {
                const probability = Math.exp(totals[0] as number);
                return {value: probability, components: [probability, 1 - probability]};
            }
            const probabilities = normalizeOptionLogprobs(totals);
            return {value: probabilities[this.answerIndex] as number, components: probabilities};
        });
    }

    private targetTokens(): Promise<TokenId[][]> {
        this.targets ??= (async () => {
            const {backend, segmented, answer, options} = this.options;
            const full = segmented.render(new Uint8Array(this.playerCount).fill(1));
            const aligned = await Promise.all((options ?? [answer]).map((candidate) => alignTarget(backend, full, answerSeparator(full) + candidate)));
            return aligned.map((item) => [...item.request.target]);
        })();
        return this.targets;
    }
}
