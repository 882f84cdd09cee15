/** Faithfulness (and plausibility) metrics for an explanation, delegated to src/metrics once available. */
import type {Game} from "../attribution/game.js";
import type {AttributionResult} from "../attribution/result.js";

export async function computeExplainMetrics(game: Game, attribution: AttributionResult, rationaleMask: number[] | undefined, seed: number): Promise<Record<string, unknown>> {
    void game;
    void attribution;
    void rationaleMask;
    void seed;
    return {};
}
