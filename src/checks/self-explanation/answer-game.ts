/**
 * The answer game of the self-explanation check: players are the units of the item's input and
 * v(S) is the probability of the model's answer with only S kept (Huang et al. work with p of the
 * predicted class). With answer options the probabilities are normalised over the options and
 * the outcome's components are every option's probability, so a decision flip means another
 * option became the most probable. Without options the components are [p, 1 − p]: the decision
 * flips when the answer's probability falls below ½. A configuration of the scoring game
 * (protocol/scoring-game.ts): the targets are the candidates' tokens, aligned once on the full input.
 */
import type {ScoringEvaluator} from "../../evaluator/types.js";
import type {Backend} from "../../model/backend-spec.js";
import {alignOptions, answerSeparator} from "../../protocol/index.js";
import {answerProbabilityReducer, optionProbabilityReducer} from "../../protocol/score-reducers.js";
import {ScoringGame} from "../../protocol/scoring-game.js";
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

export class AnswerGame extends ScoringGame {
    constructor(options: AnswerGameOptions) {
        const {backend, evaluator, segmented, answer} = options;
        const candidates = options.options ?? [answer];
        const answerIndex = candidates.indexOf(answer);
        if (answerIndex < 0) throw new Error(`the answer "${answer}" is not one of the options`);
        super({
            backend,
            evaluator,
            segmented,
            targets: async () => {
                const full = segmented.render(new Uint8Array(segmented.playerCount).fill(1));
                const aligned = await alignOptions(backend, full, candidates, answerSeparator(full));
                return aligned.map((item) => [...item.request.target]);
            },
            reducer: options.options === undefined ? answerProbabilityReducer : optionProbabilityReducer(answerIndex),
            componentLabels: options.options === undefined ? ["p(answer)", "1 - p(answer)"] : [...options.options],
        });
    }
}
