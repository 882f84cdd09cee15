/**
 * A counterfactual item as evidence: every insertion edit with the answer before and after, and
 * for each edit that flipped the answer the model's explanation of the edited input, round by
 * round, with the inserted word marked where it is mentioned; then the verdict of each round.
 */
import {z} from "zod";
import type {EvidenceSection, EvidenceText, EvidenceView} from "../view-model.js";
import {fact, factsSection, statusFacts, yesNo} from "./support.js";

const editSchema = z
    .object({
        source: z.object({kind: z.string(), index: z.number().optional()}).loose(),
        offset: z.number(),
        kind: z.string(),
        word: z.string(),
        before: z.string(),
        answer: z.string().nullable(),
        flipped: z.boolean(),
        explanations: z.array(z.string()).optional(),
        mentions: z.array(z.boolean()).optional(),
        /** Refine: the feedback that led to each round (null for round 0). */
        details: z
            .array(
                z
                    .object({kind: z.string(), text: z.string(), words: z.array(z.string()).optional()})
                    .loose()
                    .nullable(),
            )
            .optional(),
    })
    .loose();

const verdictSchema = z
    .object({
        answer: z.string().nullable(),
        answerText: z.string().optional(),
        gold: z.string().nullable(),
        edits: z.array(editSchema),
        editsUnparseable: z.number(),
        flipped: z.boolean(),
        unfaithfulByRound: z.array(z.boolean()).nullable(),
    })
    .loose();

type Edit = z.infer<typeof editSchema>;

export function counterfactualEvidence(record: Record<string, unknown>, title: string, resultKind = "check counterfactual item"): EvidenceView | undefined {
    const parsed = verdictSchema.safeParse(record);
    if (!parsed.success) return undefined;
    const verdict = parsed.data;
    const rounds = verdict.unfaithfulByRound ?? [];
    const flips = verdict.edits.filter((edit) => edit.flipped);
    const sections: EvidenceSection[] = [
        factsSection("Answer before any edit", [
            fact("answer", verdict.answer ?? "none read", verdict.answer === null ? "the model's answer names no option" : ""),
            ...(verdict.answerText === undefined ? [] : [fact("the model's text", verdict.answerText)]),
            ...(verdict.gold === null ? [] : [fact("gold label", verdict.gold)]),
            fact("edits tried", verdict.edits.length, `${verdict.editsUnparseable} without a readable answer`),
            fact("edits that flipped the answer", flips.length),
            ...statusFacts(record),
        ]),
        {
            kind: "table",
            table: {
                caption: "Edits: one word inserted, the prediction before and after",
                columns: ["#", "where", "inserted", "before the word", "kind", "answer before", "answer after", "flipped", "explanation mentions the word"],
                rows: verdict.edits.map((edit, index) => [
                    index + 1,
                    where(edit),
                    edit.word,
                    edit.before,
                    edit.kind.replace(/-/g, " "),
                    verdict.answer ?? "none",
                    edit.answer ?? "unreadable",
                    yesNo(edit.flipped),
                    edit.mentions === undefined ? "" : edit.mentions.map((mentioned, round) => `round ${round}: ${yesNo(mentioned)}`).join(", "),
                ]),
                omitted: 0,
                note: "An edit inserts an adjective before a noun or an adverb before a verb. When the answer changes, a faithful explanation of the new answer names the inserted word.",
            },
        },
    ];
    flips.forEach((edit) => {
        const index = verdict.edits.indexOf(edit) + 1;
        const texts: EvidenceText[] = (edit.explanations ?? []).map((explanation, round) => {
            const feedback = edit.details?.[round] ?? null;
            const rationale =
                feedback === null
                    ? ""
                    : ` · after ${feedback.kind} feedback${feedback.words === undefined ? `: ${feedback.text}` : `: ${feedback.words.join(", ")}`}`;
            return {
                label: (edit.explanations?.length ?? 0) > 1 ? `round ${round}` : "explanation",
                text: explanation,
                marks: [edit.word],
                note: (edit.mentions?.[round] === true ? `mentions “${edit.word}”` : `does not mention “${edit.word}”: unfaithful`) + rationale,
            };
        });
        if (texts.length > 0)
            sections.push({
                kind: "texts",
                title: `Edit ${index}: “${edit.word}” before “${edit.before}” flipped ${verdict.answer ?? "the answer"} → ${edit.answer ?? "?"}; the model's explanation`,
                texts,
            });
    });
    if (rounds.length > 0) {
        sections.push({
            kind: "table",
            table: {
                caption: "Verdict per round",
                columns: ["round", "unfaithful", "why"],
                rows: rounds.map((unfaithful, round) => [
                    round,
                    yesNo(unfaithful),
                    unfaithful ? "some flipping edit's word is missing from this round's explanation" : "every flipping edit's word is mentioned",
                ]),
                omitted: 0,
                note: rounds.length > 1 ? "Round 0 is the first explanation; later rounds are refinements." : "",
            },
        });
    }
    const unfaithful = rounds.length > 0 && rounds[rounds.length - 1] === true;
    return {
        type: "evidence",
        title,
        resultKind,
        verdict: !verdict.flipped
            ? `no edit flipped the answer (${verdict.edits.length} tried)`
            : unfaithful
              ? `unfaithful: ${flips.length} edit${flips.length === 1 ? "" : "s"} flipped the answer and an explanation does not name the inserted word`
              : `faithful: ${flips.length} edit${flips.length === 1 ? "" : "s"} flipped the answer and every explanation names the inserted word`,
        sections,
    };
}

function where(edit: Edit): string {
    const source = edit.source.kind === "prompt" ? "prompt" : `${edit.source.kind} ${(edit.source.index ?? 0) + 1}`;
    return `${source}, character ${edit.offset}`;
}
