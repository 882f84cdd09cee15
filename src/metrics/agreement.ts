/**
 * Agreement between two attributions over the same players (Krishna et al. 2022, as used by
 * Huang et al. 2023 to compare self-explanations with occlusion and LIME). Top-k sets rank by
 * |score| with ties to the lower index; k defaults to max(1, ⌊0.2·n⌋).
 *   feature agreement = |T_a ∩ T_b| / k
 *   rank agreement = #{positions p < k : T_a[p] = T_b[p]} / k
 *   sign agreement = #{i ∈ T_a ∩ T_b : sign a_i = sign b_i} / k
 *   signed rank agreement = #{p < k : T_a[p] = T_b[p] and signs agree} / k
 *   IoU = |T_a ∩ T_b| / |T_a ∪ T_b|
 *   Spearman = rank correlation of the scores (average ranks for ties), all players
 *   pairwise rank agreement = share of player pairs {i, j} with sign(a_i − a_j) = sign(b_i − b_j)
 * The last two use signed scores unless `byMagnitude` is set.
 */

import {spearman} from "../foundation/correlation.js";
import {defaultTopK, topK} from "./ordering.js";

export interface AgreementOptions {
    k?: number;
    /** Spearman and pairwise rank agreement on |score| (default: signed scores). */
    byMagnitude?: boolean;
}

export interface AgreementReport {
    k: number;
    featureAgreement: number;
    rankAgreement: number;
    signAgreement: number;
    signedRankAgreement: number;
    iou: number;
    spearman: number;
    pairwiseRankAgreement: number;
}

export function agreementMetrics(a: readonly number[], b: readonly number[], options: AgreementOptions = {}): AgreementReport {
    if (a.length !== b.length) throw new RangeError(`the two attributions differ in length (${a.length} and ${b.length})`);
    const n = a.length;
    const k = Math.min(n, options.k ?? defaultTopK(n));
    if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`agreement needs k ≥ 1, got ${options.k}`);
    const topA = topK(a, k, {byMagnitude: true});
    const topB = topK(b, k, {byMagnitude: true});
    const setB = new Set(topB);
    const common = topA.filter((player) => setB.has(player));
    const sameSign = (player: number): boolean => Math.sign(a[player] as number) === Math.sign(b[player] as number);
    let samePosition = 0;
    let samePositionAndSign = 0;
    for (let p = 0; p < k; p++) {
        if (topA[p] === topB[p]) {
            samePosition++;
            if (sameSign(topA[p] as number)) samePositionAndSign++;
        }
    }
    const transform = (scores: readonly number[]): number[] => (options.byMagnitude === true ? scores.map(Math.abs) : [...scores]);
    const ta = transform(a);
    const tb = transform(b);
    let agreeingPairs = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
            pairs++;
            if (Math.sign((ta[i] as number) - (ta[j] as number)) === Math.sign((tb[i] as number) - (tb[j] as number))) agreeingPairs++;
        }
    }
    return {
        k,
        featureAgreement: common.length / k,
        rankAgreement: samePosition / k,
        signAgreement: common.filter(sameSign).length / k,
        signedRankAgreement: samePositionAndSign / k,
        iou: common.length / (2 * k - common.length),
        spearman: spearman(ta, tb),
        pairwiseRankAgreement: pairs === 0 ? NaN : agreeingPairs / pairs,
    };
}
