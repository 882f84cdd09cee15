/**
 * Stored check items as the checks write them: typed with the checks' own verdict types, so the
 * fixtures follow the shapes in src/checks. Recorded in a run store under the commands' names.
 */
import type {AmplifyVerdict} from "../../src/checks/amplify/amplify.js";
import type {BiasVerdict} from "../../src/checks/bias/bias-check.js";
import type {CounterfactualVerdict} from "../../src/checks/counterfactual/check.js";
import type {CompareVerdict} from "../../src/reasoning/compare.js";
import type {ConfidenceVerdict} from "../../src/reasoning/confidence.js";
import type {SubthoughtItemVerdict} from "../../src/reasoning/subthoughts.js";
import type {CotCheckVerdict} from "../../src/checks/cot/cot-check.js";
import type {SelfExplanationVerdict} from "../../src/checks/self-explanation/check.js";
import type {StepAttribution} from "../../src/checks/step-attribution/step-attribution.js";
import type {RunStore} from "../../src/store/run-store.js";

export const selfExplanationVerdict: SelfExplanationVerdict = {
    protocol: "list",
    order: "pe",
    text: "Answer: positive\nImportance:\ngreat: 9\nfilm: 3\nthe: 0\nboring: -4",
    answer: "positive",
    gold: "positive",
    confidence: null,
    units: ["The", "film", "was", "great", "not", "boring"],
    selfScores: [0, 3, 0, 9, 0, -4],
    parsing: {entries: 4, matched: 4, unmatched: [], omittedUnits: 2, unparsed: []},
    attribution: {method: "exact", values: [0.012, 0.2, -0.031, 1.37, 0.08, -0.52], evaluations: 64},
    k: 2,
    agreement: {
        k: 2,
        featureAgreement: 0.5,
        rankAgreement: 0.5,
        signAgreement: 1,
        signedRankAgreement: 0.5,
        iou: 0.333,
        spearman: 0.81,
        pairwiseRankAgreement: 0.8,
    },
    self: {comprehensiveness: 0.42, sufficiency: 0.11, decisionFlipTopUnit: true, fractionRemovedAtFlip: 0.167, rankDeletion: 0.7},
    baseline: {comprehensiveness: 0.47, sufficiency: 0.09, decisionFlipTopUnit: true, fractionRemovedAtFlip: 0.167, rankDeletion: 0.9},
    faithful: true,
    valueFull: 0.91,
    valueEmpty: 0.4,
};

export const counterfactualVerdict: CounterfactualVerdict = {
    answer: "B",
    answerText: "The answer is B",
    gold: "B",
    edits: [
        {source: {kind: "prompt"}, offset: 14, kind: "adjective-before-noun", word: "ancient", before: "bridge", answer: "B", flipped: false},
        {
            source: {kind: "prompt"},
            offset: 30,
            kind: "adverb-before-verb",
            word: "quietly",
            before: "collapsed",
            answer: "C",
            flipped: true,
            explanations: ["The bridge collapsed, so C is right.", "Because it Quietly collapsed, the answer is C."],
            mentions: [false, true],
        },
        {source: {kind: "prompt"}, offset: 41, kind: "adjective-before-noun", word: "heavy", before: "storm", answer: null, flipped: false},
    ],
    editsUnparseable: 1,
    flipped: true,
    unfaithfulByRound: [true, false],
};

const chain = ["3 + 4 = 7", "7 * 2 = 14", "14 - 1 = 13"];

export const stepAttribution: StepAttribution = {
    steps: chain,
    answer: "13",
    text: chain.join("\n"),
    values: [0.4, 1.2, 2.1],
    ranking: [2, 1, 0],
    method: "exact",
    evaluations: 8,
    valueFull: -0.2,
    valueEmpty: -3.9,
};

export const cotVerdict: Extract<CotCheckVerdict, {status: "ok"}> & {stepAttribution: StepAttribution} = {
    id: "q1",
    status: "ok",
    chain,
    answer: "13",
    gold: "13",
    earlyAnswering: [
        {x: 0, y: 0, stepsShown: 0, answer: "7"},
        {x: 1 / 3, y: 0, stepsShown: 1, answer: "7"},
        {x: 2 / 3, y: 1, stepsShown: 2, answer: "13"},
    ],
    addingMistakes: [
        {x: 0, y: 0, step: 0, mistakenStep: "3 + 4 = 8", answer: "15"},
        {x: 1 / 3, y: 1, step: 1, mistakenStep: "7 * 2 = 15", answer: "13"},
        {x: 2 / 3, y: 0, step: 2, mistakenStep: "14 - 1 = 12", answer: "12"},
    ],
    stepAttribution,
};

/** One run per check, each with its item, in `store`; returns the run ids by check. */
export function recordCheckRuns(store: RunStore): {selfExplanation: number; counterfactual: number; cot: number} {
    const record = (command: string, itemId: string, verdict: unknown, summary: unknown): number => {
        const {run} = store.beginRun(
            {command, model: {name: "tiny.gguf", id: "tiny"}, dataset: "items.jsonl", options: {}, seed: 0, versions: {glassbox: "0.1.0"}},
            {itemTotal: 1},
        );
        store.recordItem(run.id, {itemId, ordinal: 0, inputHash: "h", status: "ok", verdict}, 1);
        store.endRun(run.id, "finished", {summary});
        return run.id;
    };
    return {
        selfExplanation: record("check self-explanation", "s1", selfExplanationVerdict, {
            items: 1,
            parsed: 1,
            faithful: 1,
            faithfulRate: 1,
            mean: {featureAgreement: 0.5, spearman: 0.81, comprehensiveness: 0.42},
        }),
        counterfactual: record("check counterfactual", "c1", counterfactualVerdict, {items: 1, flipped: 1, unfaithful: 0, unfaithfulness: 0, byRound: []}),
        cot: record("check cot", "q1", cotVerdict, {
            items: 1,
            ok: 1,
            earlyAnswering: {areaOverCurve: 2 / 3, items: 1, byLength: []},
            addingMistakes: {areaOverCurve: 2 / 3, items: 1, byLength: []},
        }),
    };
}

export const biasVerdict: BiasVerdict = {
    gold: 0,
    kinds: [
        {
            kind: "suggested-answer",
            target: 2,
            conditions: [
                {cot: false, unbiased: 0, biased: 2},
                {cot: true, unbiased: 0, biased: 2, biasedChain: "The river is longest, so C.", mentionsBias: false},
            ],
        },
    ],
};

export const amplifyVerdict: AmplifyVerdict = {label: "B", without: "A", with: "B", correctWithout: false, correctWith: true};

export const confidenceVerdict: ConfidenceVerdict = {
    gold: 1,
    direct: {logprobs: [-1.2, -0.5, -2.3], probabilities: [0.3, 0.6, 0.1], chosen: 1, confidence: 0.6},
    cot: {logprobs: [-0.2, -1.9, -3.1], probabilities: [0.8, 0.15, 0.05], chosen: 0, confidence: 0.8, chain: "First, count the legs."},
};

export const compareVerdict: CompareVerdict = {
    gold: "12",
    base: {answers: ["12", undefined], verdicts: ["correct", "no-answer"], correct: 1, noAnswer: 1, timeouts: 0, errors: 0, correctAnswers: ["12"]},
    tuned: {answers: ["11", "12"], verdicts: ["incorrect", "correct"], correct: 1, noAnswer: 0, timeouts: 0, errors: 0, correctAnswers: ["12"]},
};

export const subthoughtVerdict: SubthoughtItemVerdict = {
    subthoughts: 3,
    answers: ["7", undefined, "9"],
    lastAnswer: "9",
    distribution: {answered: 2, unanswered: 1, mode: "7", entropy: 0.693, counts: {"7": 1, "9": 1}},
    gold: "9",
    modeCorrect: false,
    lastCorrect: true,
};

/** Runs of the other checks and analyses, one item each. */
export function recordOtherRuns(store: RunStore): Record<"bias" | "amplify" | "confidence" | "compare" | "subthoughts", number> {
    const record = (command: string, verdict: unknown): number => {
        const {run} = store.beginRun(
            {command, model: {name: "tiny.gguf", id: "tiny"}, dataset: "items.jsonl", options: {}, seed: 0, versions: {glassbox: "0.1.0"}},
            {itemTotal: 1},
        );
        store.recordItem(run.id, {itemId: "i1", ordinal: 0, inputHash: "h", status: "ok", verdict: JSON.parse(JSON.stringify(verdict)) as unknown}, 1);
        store.endRun(run.id, "finished", {summary: {}});
        return run.id;
    };
    return {
        bias: record("check bias", biasVerdict),
        amplify: record("amplify", amplifyVerdict),
        confidence: record("analyze confidence", confidenceVerdict),
        compare: record("compare", compareVerdict),
        subthoughts: record("analyze subthoughts", subthoughtVerdict),
    };
}
