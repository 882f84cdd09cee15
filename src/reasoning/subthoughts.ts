/**
 * Subthought analysis ("Beyond the Last Answer", arXiv 2504.20708). A reasoning trace is split at
 * cue words into subthoughts s₁…sₙ; the model continues from each proper prefix s₁…sᵢ (i < n) and
 * an answer is extracted from each continuation; the trace's own last answer is the n-th. The
 * mode of the answers and their entropy (natural log) are reported; a high entropy flags an
 * unreliable item. The mode's ties go to the answer seen last (nearest the final answer).
 */

export const defaultCueWords: readonly string[] = ["Wait", "Alternatively", "Hmm", "Let me think", "But wait", "Actually", "On second thought"];

/**
 * Character offsets where subthoughts 2…n start: each occurrence of a cue word at a word
 * boundary (case-sensitive, as cues start sentences). Offset 0 is never a split.
 */
export function subthoughtBoundaries(trace: string, cues: readonly string[]): number[] {
    if (cues.length === 0) return [];
    const sorted = [...cues].sort((a, b) => b.length - a.length).map((cue) => cue.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join("|")})(?![\\p{L}\\p{N}])`, "gu");
    const boundaries = new Set<number>();
    for (const match of trace.matchAll(pattern)) {
        if (match.index !== undefined && match.index > 0) boundaries.add(match.index);
    }
    return [...boundaries].sort((a, b) => a - b);
}

/** The subthoughts themselves (their concatenation is the trace). */
export function splitSubthoughts(trace: string, cues: readonly string[]): string[] {
    const cuts = [0, ...subthoughtBoundaries(trace, cues), trace.length];
    const pieces: string[] = [];
    for (let index = 0; index + 1 < cuts.length; index++) pieces.push(trace.slice(cuts[index], cuts[index + 1]));
    return pieces;
}

export interface AnswerDistribution {
    /** Extracted answers counted (undefined ones are not). */
    answered: number;
    unanswered: number;
    mode: string | undefined;
    /** Entropy of the answer distribution in nats (0 when every answer agrees). */
    entropy: number;
    counts: Record<string, number>;
}

export function answerDistribution(answers: readonly (string | undefined)[]): AnswerDistribution {
    const counts = new Map<string, number>();
    const lastSeen = new Map<string, number>();
    let unanswered = 0;
    answers.forEach((answer, index) => {
        if (answer === undefined) {
            unanswered++;
            return;
        }
        counts.set(answer, (counts.get(answer) ?? 0) + 1);
        lastSeen.set(answer, index);
    });
    const answered = answers.length - unanswered;
    let mode: string | undefined;
    let best = 0;
    for (const [answer, count] of counts) {
        if (count > best || (count === best && mode !== undefined && lastSeen.get(answer)! > lastSeen.get(mode)!)) {
            mode = answer;
            best = count;
        }
    }
    let entropy = 0;
    for (const count of counts.values()) {
        const p = count / answered;
        entropy -= p * Math.log(p);
    }
    return {answered, unanswered, mode, entropy: entropy === 0 ? 0 : entropy, counts: Object.fromEntries(counts)};
}

export interface SubthoughtItemVerdict {
    subthoughts: number;
    /** One answer per prefix (i = 1…n−1), then the trace's last answer; canonical form. */
    answers: (string | undefined)[];
    lastAnswer: string | undefined;
    distribution: AnswerDistribution;
    gold?: string;
    modeCorrect?: boolean;
    lastCorrect?: boolean;
}

export interface SubthoughtSummary {
    items: number;
    /** Items whose trace has no extractable last answer. */
    noLastAnswer: number;
    meanEntropy: number | null;
    meanSubthoughts: number | null;
    withGold: number;
    lastAccuracy: number | null;
    modeAccuracy: number | null;
    /** Gold items where the mode is right and the last answer wrong, and the reverse. */
    modeBeatsLast: number;
    lastBeatsMode: number;
}

export function summarizeSubthoughts(verdicts: readonly SubthoughtItemVerdict[]): SubthoughtSummary {
    const mean = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
    const gold = verdicts.filter((verdict) => verdict.gold !== undefined);
    return {
        items: verdicts.length,
        noLastAnswer: verdicts.filter((verdict) => verdict.lastAnswer === undefined).length,
        meanEntropy: mean(verdicts.map((verdict) => verdict.distribution.entropy)),
        meanSubthoughts: mean(verdicts.map((verdict) => verdict.subthoughts)),
        withGold: gold.length,
        lastAccuracy: mean(gold.map((verdict) => (verdict.lastCorrect === true ? 1 : 0))),
        modeAccuracy: mean(gold.map((verdict) => (verdict.modeCorrect === true ? 1 : 0))),
        modeBeatsLast: gold.filter((verdict) => verdict.modeCorrect === true && verdict.lastCorrect !== true).length,
        lastBeatsMode: gold.filter((verdict) => verdict.lastCorrect === true && verdict.modeCorrect !== true).length,
    };
}
