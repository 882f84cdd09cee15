/**
 * A chain-of-thought item as evidence: the chain with its steps, the answer at every intervention
 * point of each test (early answering, adding mistakes, paraphrasing, filler), the curves with
 * named axes, and the attribution of the answer to the steps when it was computed.
 */
import {z} from "zod";
import {formatNumber} from "../render/basics.js";
import type {EvidenceSection, EvidenceView, PlotSpec, TableView} from "../view-model.js";
import {areaOverCurve, fact, factsSection, ranks, statusFacts, storedNumber, yesNo} from "./support.js";

const earlySchema = z.object({x: z.number(), y: z.number(), stepsShown: z.number(), answer: z.string().optional()}).loose();
const mistakeSchema = z.object({x: z.number(), y: z.number(), step: z.number(), mistakenStep: z.string(), answer: z.string().optional()}).loose();
const paraphraseSchema = z.object({paraphrased: z.number(), x: z.number(), y: z.number(), answer: z.string().optional()}).loose();
const fillerSchema = z.object({filler: z.string(), answer: z.string().optional(), noChainAnswer: z.string().optional(), matchesOriginal: z.number()}).loose();
const stepAttributionSchema = z
    .object({
        steps: z.array(z.string()),
        answer: z.string(),
        values: z.array(storedNumber),
        method: z.string(),
        evaluations: z.number(),
        valueFull: storedNumber,
        valueEmpty: storedNumber,
    })
    .loose();

const okSchema = z
    .object({
        status: z.literal("ok"),
        chain: z.array(z.string()),
        answer: z.string(),
        earlyAnswering: z.array(earlySchema),
        addingMistakes: z.array(mistakeSchema),
        paraphrasing: z.array(paraphraseSchema).optional(),
        filler: fillerSchema.optional(),
        fillerSkipped: z.string().optional(),
        gold: z.string().optional(),
        stepAttribution: stepAttributionSchema.optional(),
    })
    .loose();

const failedSchema = z.object({status: z.enum(["no-answer", "no-steps"]), completion: z.string()}).loose();

export function cotEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const failed = failedSchema.safeParse(record);
    if (failed.success) {
        return {
            type: "evidence",
            title,
            resultKind: "check cot item",
            verdict: failed.data.status === "no-answer" ? "no answer: the chain ends without the answer marker" : "no steps: the chain has no steps to test",
            sections: [
                factsSection("Item", statusFacts(record)),
                {kind: "texts", title: "What the model wrote", texts: [{label: "completion", text: failed.data.completion, marks: [], note: ""}]},
            ],
        };
    }
    const parsed = okSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const verdict = parsed.data;
    const early = areaOverCurve(verdict.earlyAnswering);
    const mistakes = areaOverCurve(verdict.addingMistakes);
    const matches = (y: number): string => (y === 1 ? "same as the full chain" : "changed");
    const sections: EvidenceSection[] = [
        factsSection("Answer", [
            fact("answer after the full chain", verdict.answer),
            ...(verdict.gold === undefined ? [] : [fact("gold label", verdict.gold, verdict.gold.trim() === verdict.answer.trim() ? "matches" : "differs")]),
            fact("steps", verdict.chain.length),
            fact("early answering: area over the curve", early, "0: the answer never needs the chain; higher: it depends on the chain"),
            fact("adding mistakes: area over the curve", mistakes, "higher: a mistake in the chain changes the answer"),
            ...statusFacts(record),
        ]),
        {kind: "list", title: "The chain", items: verdict.chain, ordered: true},
        table(
            "Early answering: the answer forced after the first steps",
            ["steps shown", "fraction of the chain", "answer", "compared with the full chain"],
            verdict.earlyAnswering.map((point) => [point.stepsShown, point.x, point.answer ?? "none read", matches(point.y)]),
            "The chain is cut after each number of steps and the model is asked for its answer at once.",
        ),
        table(
            "Adding mistakes: a mistake in one step, the chain continued, the answer read",
            ["step", "fraction of the chain", "the step with a mistake", "answer", "compared with the full chain"],
            verdict.addingMistakes.map((point) => [point.step + 1, point.x, point.mistakenStep, point.answer ?? "none read", matches(point.y)]),
            verdict.addingMistakes.length === 0 ? "No step could be given a mistake." : "",
        ),
    ];
    if (verdict.paraphrasing !== undefined && verdict.paraphrasing.length > 0) {
        sections.push(
            table(
                "Paraphrasing: the first steps reworded",
                ["steps reworded", "fraction of the chain", "answer", "compared with the full chain"],
                verdict.paraphrasing.map((point) => [point.paraphrased, point.x, point.answer ?? "none read", matches(point.y)]),
                "",
            ),
        );
    }
    if (verdict.filler !== undefined) {
        sections.push(
            factsSection("Filler instead of the chain", [
                fact("filler", verdict.filler.filler),
                fact("answer after the filler", verdict.filler.answer ?? "none read"),
                fact("answer with no chain", verdict.filler.noChainAnswer ?? "none read"),
                fact("filler answer matches the full chain's", yesNo(verdict.filler.matchesOriginal === 1)),
            ]),
        );
    } else if (verdict.fillerSkipped !== undefined) sections.push(factsSection("Filler instead of the chain", [fact("not run", verdict.fillerSkipped)]));
    sections.push({kind: "plots", title: "Curves", plots: [curvesPlot(verdict.earlyAnswering, verdict.addingMistakes, verdict.paraphrasing ?? [])]});
    if (verdict.stepAttribution !== undefined) {
        const attribution = verdict.stepAttribution;
        const order = ranks(attribution.values.map((value) => (value === null ? null : Math.abs(value))));
        sections.push(
            table(
                `Step attribution (${attribution.method}): each step's share of log p(answer)`,
                ["step", "text", "value", "rank by |value|"],
                attribution.steps.map((step, index) => [index + 1, step, attribution.values[index] ?? null, order[index] ?? null]),
                `${attribution.evaluations} coalitions evaluated; log p(answer) is ${formatNumber(attribution.valueFull)} with every step and ${formatNumber(attribution.valueEmpty)} with none.`,
                [2],
            ),
        );
    }
    const dependsOnChain = (early ?? 0) > 0 || (mistakes ?? 0) > 0;
    return {
        type: "evidence",
        title,
        resultKind: "check cot item",
        verdict: dependsOnChain
            ? "the answer depends on the chain: cutting it or adding a mistake changes the answer"
            : "the answer does not depend on the chain: it stays the same however the chain is cut or changed",
        sections,
    };
}

function table(caption: string, columns: string[], rows: TableView["rows"], note: string, shadedColumns?: number[]): EvidenceSection {
    return {
        kind: "table",
        table: {caption, columns, rows, omitted: 0, ...(note === "" ? {} : {note}), ...(shadedColumns === undefined ? {} : {shadedColumns})},
    };
}

function curvesPlot(
    early: readonly {x: number; y: number}[],
    mistakes: readonly {x: number; y: number}[],
    paraphrasing: readonly {x: number; y: number}[],
): PlotSpec {
    const series = [
        {label: "early answering", points: early.map((point): [number, number] => [point.x, point.y])},
        {label: "adding mistakes", points: mistakes.map((point): [number, number] => [point.x, point.y])},
        {label: "paraphrasing", points: paraphrasing.map((point): [number, number] => [point.x, point.y])},
    ].filter((entry) => entry.points.length > 0);
    return {
        title: "Does the answer follow the chain?",
        xLabel: "fraction of the chain before the intervention",
        yLabel: "answer same as the full chain's (1 = same)",
        kind: "line",
        series,
        xDomain: [0, 1],
        caption: "Early answering cuts the chain at x; adding mistakes changes the step at x. A curve at 1 everywhere means the answer ignores the chain.",
    };
}
