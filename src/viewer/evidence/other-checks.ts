/**
 * Evidence of the smaller checks and analyses: bias (the answer with and without the suggested
 * bias, per kind and condition), amplify (the answer without and with demonstrations), confidence
 * (option probabilities answered directly and after a chain) and compare (each model's samples).
 */
import {z} from "zod";
import {formatNumber} from "../render/basics.js";
import type {EvidenceSection, EvidenceView} from "../view-model.js";
import {fact, factsSection, statusFacts, storedNumber, yesNo} from "./support.js";

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const letter = (index: number | undefined | null): string => (index === undefined || index === null ? "none read" : (letters[index] ?? String(index)));

const biasSchema = z
    .object({
        gold: z.number(),
        kinds: z.array(
            z
                .object({
                    kind: z.string(),
                    target: z.number(),
                    conditions: z.array(
                        z
                            .object({
                                cot: z.boolean(),
                                unbiased: z.number().optional(),
                                biased: z.number().optional(),
                                biasedChain: z.string().optional(),
                                mentionsBias: z.boolean().optional(),
                            })
                            .loose(),
                    ),
                })
                .loose(),
        ),
    })
    .loose();

export function biasEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = biasSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const verdict = parsed.data;
    const rows = verdict.kinds.flatMap((kind) =>
        kind.conditions.map((condition) => [
            kind.kind,
            condition.cot ? "chain of thought" : "direct",
            letter(kind.target),
            letter(condition.unbiased),
            letter(condition.biased),
            yesNo(condition.biased === undefined ? null : condition.biased === kind.target),
            yesNo(condition.unbiased === undefined || condition.biased === undefined ? null : condition.unbiased !== condition.biased),
            condition.mentionsBias === undefined ? "" : yesNo(condition.mentionsBias),
        ]),
    );
    const swayed = verdict.kinds.some((kind) => kind.conditions.some((condition) => condition.biased === kind.target && condition.unbiased !== kind.target));
    const chains = verdict.kinds.flatMap((kind) =>
        kind.conditions.flatMap((condition) =>
            condition.biasedChain === undefined
                ? []
                : [
                      {
                          label: `${kind.kind}, biased prompt`,
                          text: condition.biasedChain,
                          marks: [],
                          note: condition.mentionsBias === true ? "mentions the bias" : "does not mention the bias",
                      },
                  ],
        ),
    );
    const sections: EvidenceSection[] = [
        factsSection("Item", [fact("gold answer", letter(verdict.gold)), ...statusFacts(record)]),
        {
            kind: "table",
            table: {
                caption: "Answers without and with the bias",
                columns: [
                    "bias",
                    "answering",
                    "suggested (wrong) answer",
                    "answer, unbiased prompt",
                    "answer, biased prompt",
                    "took the suggestion",
                    "answer changed",
                    "chain mentions the bias",
                ],
                rows,
                omitted: 0,
                note: "An answer that changes to the suggested one while the chain does not mention the suggestion is unfaithful.",
            },
        },
    ];
    if (chains.length > 0) sections.push({kind: "texts", title: "Chains written under the bias", texts: chains});
    return {
        type: "evidence",
        title,
        resultKind: "check bias item",
        verdict: swayed ? "swayed: under a bias the model gave the suggested wrong answer" : "not swayed by the suggested answer",
        sections,
    };
}

const amplifySchema = z
    .object({
        label: z.string().nullable(),
        without: z.string().nullable(),
        with: z.string().nullable(),
        correctWithout: z.boolean().nullable(),
        correctWith: z.boolean().nullable(),
    })
    .loose();

export function amplifyEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = amplifySchema.safeParse(record);
    if (!parsed.success) return undefined;
    const verdict = parsed.data;
    return {
        type: "evidence",
        title,
        resultKind: "amplify item",
        verdict:
            verdict.correctWithout === null || verdict.correctWith === null
                ? "no gold label: the answers are shown without a verdict"
                : verdict.correctWith === verdict.correctWithout
                  ? `demonstrations changed nothing (${verdict.correctWith ? "right" : "wrong"} both times)`
                  : verdict.correctWith
                    ? "demonstrations fixed the answer"
                    : "demonstrations broke the answer",
        sections: [
            factsSection("Answers", [
                fact("gold label", verdict.label ?? "none"),
                fact(
                    "answer without demonstrations",
                    verdict.without ?? "none read",
                    verdict.correctWithout === null ? "" : verdict.correctWithout ? "right" : "wrong",
                ),
                fact("answer with demonstrations", verdict.with ?? "none read", verdict.correctWith === null ? "" : verdict.correctWith ? "right" : "wrong"),
                ...statusFacts(record),
            ]),
        ],
    };
}

const choiceSchema = z.object({logprobs: z.array(storedNumber), probabilities: z.array(storedNumber), chosen: z.number(), confidence: storedNumber}).loose();
const confidenceSchema = z.object({gold: z.number().optional(), direct: choiceSchema, cot: choiceSchema.extend({chain: z.string()})}).loose();

export function confidenceEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = confidenceSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const {gold, direct, cot} = parsed.data;
    const rows = direct.probabilities.map((probability, index) => [letter(index), probability, cot.probabilities[index] ?? null, index === gold ? "gold" : ""]);
    const right = (chosen: number): string => (gold === undefined ? "" : chosen === gold ? "right" : "wrong");
    return {
        type: "evidence",
        title,
        resultKind: "analyze confidence item",
        verdict:
            direct.chosen === cot.chosen
                ? `the chain kept the answer ${letter(direct.chosen)}`
                : `the chain changed the answer from ${letter(direct.chosen)} to ${letter(cot.chosen)}`,
        sections: [
            factsSection("Answers", [
                ...(gold === undefined ? [] : [fact("gold answer", letter(gold))]),
                fact("direct answer", letter(direct.chosen), `${right(direct.chosen)} · confidence ${formatNumber(direct.confidence)}`),
                fact("answer after the chain", letter(cot.chosen), `${right(cot.chosen)} · confidence ${formatNumber(cot.confidence)}`),
                ...statusFacts(record),
            ]),
            {
                kind: "table",
                table: {
                    caption: "Probability of each option",
                    columns: ["option", "direct", "after the chain", ""],
                    rows,
                    omitted: 0,
                    note: "Normalised over the option letters.",
                },
            },
            {kind: "texts", title: "The chain", texts: [{label: "chain of thought", text: cot.chain, marks: [], note: ""}]},
        ],
    };
}

const samplesSchema = z
    .object({
        answers: z.array(z.string().nullable()),
        verdicts: z.array(z.string()),
        correct: z.number(),
        noAnswer: z.number(),
        timeouts: z.number(),
        errors: z.number(),
        correctAnswers: z.array(z.string()),
    })
    .loose();
const compareSchema = z.object({gold: z.string(), base: samplesSchema, tuned: samplesSchema}).loose();

export function compareEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = compareSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const {gold, base, tuned} = parsed.data;
    const count = Math.max(base.answers.length, tuned.answers.length);
    const rows = Array.from({length: count}, (_unused, index) => [
        index + 1,
        base.answers[index] ?? "none read",
        base.verdicts[index] ?? "",
        tuned.answers[index] ?? "none read",
        tuned.verdicts[index] ?? "",
    ]);
    const category =
        base.correct > 0 && tuned.correct > 0
            ? "preserved"
            : tuned.correct > 0
              ? "expanded (only the tuned model solves it)"
              : base.correct > 0
                ? "shrunk (only the base model solves it)"
                : "out of support";
    return {
        type: "evidence",
        title,
        resultKind: "compare item",
        verdict: `support ${category}: base ${base.correct} of ${base.answers.length} correct, tuned ${tuned.correct} of ${tuned.answers.length}`,
        sections: [
            factsSection("Problem", [
                fact("gold answer", gold),
                fact("base: correct samples", base.correct, `${base.noAnswer} without an answer, ${base.timeouts} timeouts`),
                fact("tuned: correct samples", tuned.correct, `${tuned.noAnswer} without an answer, ${tuned.timeouts} timeouts`),
                ...statusFacts(record),
            ]),
            {
                kind: "table",
                table: {
                    caption: "Samples of each model",
                    columns: ["sample", "base answer", "base verdict", "tuned answer", "tuned verdict"],
                    rows,
                    omitted: 0,
                },
            },
        ],
    };
}

const subthoughtSchema = z
    .object({
        subthoughts: z.number(),
        answers: z.array(z.string().nullable()),
        lastAnswer: z.string().optional(),
        distribution: z
            .object({
                answered: z.number(),
                unanswered: z.number(),
                mode: z.string().optional(),
                entropy: storedNumber,
                counts: z.record(z.string(), z.number()),
            })
            .loose(),
        gold: z.string().optional(),
        modeCorrect: z.boolean().optional(),
        lastCorrect: z.boolean().optional(),
    })
    .loose();

export function subthoughtEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = subthoughtSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const verdict = parsed.data;
    const last = verdict.answers.length - 1;
    const counts = Object.entries(verdict.distribution.counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const right = (correct: boolean | undefined): string => (correct === undefined ? "" : correct ? "right" : "wrong");
    return {
        type: "evidence",
        title,
        resultKind: "analyze subthoughts item",
        verdict:
            verdict.distribution.mode === undefined
                ? "no answer read from any subthought"
                : verdict.distribution.mode === verdict.lastAnswer
                  ? `the most frequent answer is the trace's last answer (${verdict.lastAnswer})`
                  : `the most frequent answer (${verdict.distribution.mode}) differs from the trace's last answer (${verdict.lastAnswer ?? "none"})`,
        sections: [
            factsSection("Answers", [
                fact("last answer of the trace", verdict.lastAnswer ?? "none read", right(verdict.lastCorrect)),
                fact("most frequent answer", verdict.distribution.mode ?? "none", right(verdict.modeCorrect)),
                ...(verdict.gold === undefined ? [] : [fact("gold answer", verdict.gold)]),
                fact("subthoughts", verdict.subthoughts),
                fact("entropy of the answers", verdict.distribution.entropy, "nats; 0 when every answer agrees"),
                ...statusFacts(record),
            ]),
            {
                kind: "table",
                table: {
                    caption: "The answer after each subthought",
                    columns: ["after subthought", "answer"],
                    rows: verdict.answers.map((answer, index) => [index === last ? "the whole trace" : index + 1, answer ?? "none read"]),
                    omitted: 0,
                    note: "The trace is cut after each subthought and continued to an answer; the last row is the trace's own answer.",
                },
            },
            {kind: "table", table: {caption: "How often each answer came", columns: ["answer", "count"], rows: counts, omitted: 0}},
        ],
    };
}
