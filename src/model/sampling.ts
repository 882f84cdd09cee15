/**
 * Temperature sampling from raw log-probabilities, shared by backends that see a full next-token
 * distribution (draws come from the project's seeded source, src/foundation/random.ts). The reported
 * log-probability of a token is always the raw one; temperature only changes which token is drawn.
 */
import type {SeededRandom} from "../foundation/random.js";

export interface WeightedCandidate {
    token: number;
    /** Raw natural-log probability (may be -Infinity). */
    logprob: number;
}

/**
 * Draw one token from softmax(logits / temperature), given raw log-probabilities (which differ
 * from the logits by a constant, so the result is the same). `candidates` must be in a fixed
 * order (e.g. best first) for the draw to be reproducible. Temperature 0 picks the first maximum.
 */
export function sampleCandidate(candidates: readonly WeightedCandidate[], temperature: number, random: Pick<SeededRandom, "next">): WeightedCandidate {
    const first = candidates[0];
    if (first === undefined) throw new RangeError("cannot sample from an empty distribution");
    let best = first;
    for (const candidate of candidates) if (candidate.logprob > best.logprob) best = candidate;
    if (temperature <= 0) return best;
    const weights = candidates.map((candidate) => Math.exp((candidate.logprob - best.logprob) / temperature));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let threshold = random.next() * total;
    for (let index = 0; index < candidates.length; index++) {
        threshold -= weights[index] ?? 0;
        if (threshold < 0) return candidates[index] ?? best;
    }
    // Rounding left a sliver of mass: return the last candidate with positive weight.
    for (let index = candidates.length - 1; index >= 0; index--) {
        if ((weights[index] ?? 0) > 0) return candidates[index] ?? best;
    }
    return best;
}
