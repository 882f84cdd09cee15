/**
 * A self-explanation item as evidence: the model's answer and explanation, its self-scores beside
 * the attribution glassbox computed over the same units (the table a reader checks first), the
 * agreement between the two, and the faithfulness of each on the answer game.
 */
import {z} from "zod";
import {formatNumber} from "../render/basics.js";
import type {EvidenceSection, EvidenceView, PlotSpec} from "../view-model.js";
import {fact, factsSection, ranks, statusFacts, storedNumber, yesNo} from "./support.js";

const qualitySchema = z
    .object({
        comprehensiveness: storedNumber,
        sufficiency: storedNumber,
        decisionFlipTopUnit: z.boolean().nullable(),
        fractionRemovedAtFlip: storedNumber,
        rankDeletion: storedNumber,
    })
    .loose();

const verdictSchema = z
    .object({
        protocol: z.string(),
        order: z.string().nullable(),
        text: z.string(),
        answer: z.string(),
        gold: z.string().nullable(),
        confidence: storedNumber,
        units: z.array(z.string()),
        selfScores: z.array(storedNumber),
        parsing: z
            .object({entries: z.number(), matched: z.number(), unmatched: z.array(z.string()), omittedUnits: z.number(), unparsed: z.array(z.string())})
            .loose(),
        attribution: z.object({method: z.string(), values: z.array(storedNumber), evaluations: z.number()}).loose(),
        k: z.number(),
        agreement: z
            .object({
                featureAgreement: storedNumber,
                rankAgreement: storedNumber,
                signAgreement: storedNumber,
                signedRankAgreement: storedNumber,
                iou: storedNumber,
                spearman: storedNumber,
                pairwiseRankAgreement: storedNumber,
            })
            .loose(),
        self: qualitySchema,
        baseline: qualitySchema,
        faithful: z.boolean(),
        valueFull: storedNumber,
        valueEmpty: storedNumber,
    })
    .loose();

/** An unparseable item keeps the model's text and the reason. */
const unparsedSchema = z.object({text: z.string(), reason: z.string()}).loose();

export function selfExplanationEvidence(record: Record<string, unknown>, title: string): EvidenceView | undefined {
    const parsed = verdictSchema.safeParse(record);
    if (!parsed.success) {
        const unparsed = unparsedSchema.safeParse(record);
        if (!unparsed.success) return undefined;
        return {
            type: "evidence",
            title,
            resultKind: "check self-explanation item",
            verdict: `unparseable: ${unparsed.data.reason}`,
            sections: [
                factsSection("Item", statusFacts(record)),
                {
                    kind: "texts",
                    title: "What the model wrote",
                    texts: [{label: "the model's explanation", text: unparsed.data.text, marks: [], note: unparsed.data.reason}],
                },
            ],
        };
    }
    const verdict = parsed.data;
    const selfRanks = ranks(verdict.selfScores);
    const attributionRanks = ranks(verdict.attribution.values);
    const rows = verdict.units.map((unit, index) => [
        index + 1,
        unit,
        verdict.selfScores[index] ?? null,
        verdict.attribution.values[index] ?? null,
        selfRanks[index] ?? null,
        attributionRanks[index] ?? null,
        (selfRanks[index] ?? Infinity) <= verdict.k && (attributionRanks[index] ?? Infinity) <= verdict.k
            ? "both"
            : (selfRanks[index] ?? Infinity) <= verdict.k
              ? "model"
              : (attributionRanks[index] ?? Infinity) <= verdict.k
                ? "attribution"
                : "",
    ]);
    const a = verdict.agreement;
    const sections: EvidenceSection[] = [
        factsSection("Answer", [
            fact(
                "answer",
                verdict.answer,
                verdict.gold === null ? "" : verdict.answer.trim() === verdict.gold.trim() ? "matches the gold label" : `gold ${verdict.gold}`,
            ),
            ...(verdict.gold === null ? [] : [fact("gold label", verdict.gold)]),
            ...(verdict.confidence === null ? [] : [fact("stated confidence", verdict.confidence)]),
            fact("p(answer), every unit kept", verdict.valueFull),
            fact("p(answer), no unit kept", verdict.valueEmpty),
            fact(
                "protocol",
                verdict.protocol,
                verdict.order === "pe" ? "answer first, then the explanation" : verdict.order === "ep" ? "explanation first, then the answer" : "",
            ),
            ...statusFacts(record),
        ]),
        {kind: "texts", title: "The model's explanation", texts: [{label: "as written", text: verdict.text, marks: [], note: parsingNote(verdict.parsing)}]},
        {
            kind: "table",
            table: {
                caption: "Self-scores against the attribution, per unit",
                columns: [
                    "#",
                    "unit",
                    "model's self-score",
                    `attribution (${verdict.attribution.method})`,
                    "self rank",
                    "attribution rank",
                    `in top ${verdict.k}`,
                ],
                rows,
                omitted: 0,
                shadedColumns: [2, 3],
                note: `The model's own importance scores beside the ${verdict.attribution.method} attribution of its answer over the same units (${verdict.attribution.evaluations} coalitions evaluated). The two columns have different units, so each is shaded on its own scale.`,
            },
        },
        factsSection(`Agreement at k = ${verdict.k}`, [
            fact("feature agreement", a.featureAgreement, "share of top units in common"),
            fact("rank agreement", a.rankAgreement, "same unit at the same rank"),
            fact("sign agreement", a.signAgreement, "top units with the same sign"),
            fact("signed rank agreement", a.signedRankAgreement, ""),
            fact("IoU", a.iou, "of the top units"),
            fact("Spearman", a.spearman, "rank correlation, all units"),
            fact("pairwise rank agreement", a.pairwiseRankAgreement, "unit pairs ordered alike"),
        ]),
        {
            kind: "table",
            table: {
                caption: "Faithfulness on the answer game: the model's explanation and the attribution",
                columns: ["metric", "model's explanation", "attribution (baseline)", "reading"],
                rows: [
                    [
                        "comprehensiveness",
                        verdict.self.comprehensiveness,
                        verdict.baseline.comprehensiveness,
                        "higher: removing the top units lowers p(answer) more",
                    ],
                    ["sufficiency", verdict.self.sufficiency, verdict.baseline.sufficiency, "lower: the top units alone keep p(answer)"],
                    ["top unit removed flips the answer", yesNo(verdict.self.decisionFlipTopUnit), yesNo(verdict.baseline.decisionFlipTopUnit), "DF_MIT"],
                    ["fraction removed at the flip", verdict.self.fractionRemovedAtFlip, verdict.baseline.fractionRemovedAtFlip, "lower: fewer units flip it"],
                    ["rank correlation with single deletions", verdict.self.rankDeletion, verdict.baseline.rankDeletion, "RankDel"],
                ],
                omitted: 0,
            },
        },
    ];
    const plot = scorePlot(verdict.units, verdict.selfScores, verdict.attribution.values, verdict.attribution.method);
    if (plot !== undefined) sections.push({kind: "plots", title: "Self-score against attribution", plots: [plot]});
    return {
        type: "evidence",
        title,
        resultKind: "check self-explanation item",
        verdict: verdict.faithful
            ? "faithful: removing the unit the model ranks first flips its answer"
            : "not faithful: removing the unit the model ranks first does not flip its answer",
        sections,
    };
}

function parsingNote(parsing: {entries: number; matched: number; unmatched: string[]; omittedUnits: number; unparsed: string[]}): string {
    const parts = [`${parsing.entries} entries read, ${parsing.matched} matched to units`];
    if (parsing.unmatched.length > 0) parts.push(`not matched: ${parsing.unmatched.slice(0, 8).join(", ")}${parsing.unmatched.length > 8 ? ", …" : ""}`);
    if (parsing.omittedUnits > 0) parts.push(`${parsing.omittedUnits} units not scored by the model`);
    if (parsing.unparsed.length > 0) parts.push(`${parsing.unparsed.length} lines not read`);
    return parts.join("; ");
}

function scorePlot(units: readonly string[], self: readonly (number | null)[], attribution: readonly (number | null)[], method: string): PlotSpec | undefined {
    const points: [number, number][] = [];
    const labels: string[] = [];
    units.forEach((unit, index) => {
        const x = self[index];
        const y = attribution[index];
        if (typeof x === "number" && typeof y === "number") {
            points.push([x, y]);
            labels.push(`unit ${index + 1} “${unit.length > 40 ? `${unit.slice(0, 39)}…` : unit}”`);
        }
    });
    if (points.length < 2) return undefined;
    const xs = points.map((point) => point[0]);
    const ys = points.map((point) => point[1]);
    return {
        title: "Self-score against attribution, per unit",
        xLabel: "the model's self-score",
        yLabel: `attribution (${method})`,
        kind: "scatter",
        series: [
            {label: "units", points, pointLabels: labels},
            {
                label: "zero attribution",
                points: [
                    [Math.min(...xs), 0],
                    [Math.max(...xs), 0],
                ],
            },
        ],
        xDomain: null,
        caption: `Each of the ${points.length} points is one unit; where the two agree, units the model scores high have high attribution (attribution from ${formatNumber(Math.min(...ys))} to ${formatNumber(Math.max(...ys))}).`,
    };
}
