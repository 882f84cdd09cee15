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
import {alignTarget} from "../../model/alignment.js";
import type {ModelBackend, ScoreRequest, TokenId} from "../../model/contract.js";
import {contextTokens} from "../../explain/prompt-tokens.js";
import type {SegmentedInput} from "../../units/segmented-input.js";
import {answerSeparator, normalise} from "../counterfactual/prediction.js";

export interface AnswerGameOptions {
    backend: ModelBackend;
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
    private readonly targets: TokenId[][];
    private readonly answerIndex: number;

    constructor(options: AnswerGameOptions) {
        this.options = options;
        this.playerCount = options.segmented.playerCount;
        const full = options.segmented.render(new Uint8Array(this.playerCount).fill(1));
        const candidates = options.options ?? [options.answer];
        this.answerIndex = options.options === undefined ? 0 : options.options.indexOf(options.answer);
        if (this.answerIndex < 0) throw new Error(`the answer "${options.answer}" is not one of the options`);
        this.targets = candidates.map((candidate) => [...alignTarget(options.backend, full, answerSeparator(full) + candidate).request.target]);
        this.componentLabels = options.options === undefined ? ["p(answer)", "1 - p(answer)"] : [...options.options];
    }

    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const {backend, segmented, evaluator} = this.options;
        const requests: ScoreRequest[] = [];
        for (const coalition of coalitions) {
            const context = contextTokens(backend, segmented.render(coalition));
            for (const target of this.targets) requests.push({context, target});
        }
        const results = await evaluator.scoreMany(requests);
        const perCoalition = this.targets.length;
        return coalitions.map((_, index) => {
            const totals = Array.from({length: perCoalition}, (_, candidate) =>
                (results[index * perCoalition + candidate]?.logprobs ?? []).reduce((sum, value) => sum + value, 0));
            if (this.options.options === undefined) {
                const probability = Math.exp(totals[0] as number);
                return {value: probability, components: [probability, 1 - probability]};
            }
            const probabilities = normalise(totals);
            return {value: probabilities[this.answerIndex] as number, components: probabilities};
        });
    }
}
