/**
 * A cooperative game: a value function over coalitions of players. Every attribution method is a
 * pure function of a game, a budget and a seed; the same code runs on an analytic game (whose
 * exact values are known) and on a model (where v(S) is, e.g., log p(target | only S kept)).
 */

/** A coalition: `kept[i] === 1` when player i is present. Length = the game's playerCount. */
export type Coalition = Uint8Array;

export interface GameOutcome {
    /** The scalar value v(S) that methods attribute. */
    value: number;
    /**
     * Optional vector of components (e.g. one log-probability per target token, summing to
     * `value` for the log-probability game). Methods that are linear in v attribute each
     * component with the same evaluations, giving the component × player matrix.
     */
    components?: number[];
}

export interface Game {
    readonly playerCount: number;
    /** Names of the components, when outcomes carry components (e.g. target token texts). */
    readonly componentLabels?: readonly string[];
    /** Values of a batch of coalitions, in order. Batches are the unit of work handed to the evaluator. */
    evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]>;
}
