/**
 * SR-NLE feedback kinds (Wang & Atanasova 2025): the model's natural-language self-critique
 * ("nl"), the model's own ranking of important words ("iw"), important words from glassbox's
 * attribution of the answer over the input's words ("attribution", SR-NLE's attribution-based
 * feedback with a perturbation attribution in place of attention or integrated gradients) and
 * random words as the control ("random").
 */
import type {AttributionMethodName} from "../../attribution/result.js";
import {CapabilityError, InputError} from "../../errors.js";
import type {Backend, PromptInput} from "../../model/backend-spec.js";
import {SeededRandom} from "../../foundation/random.js";
import {segmentInput} from "../../units/segmented-input.js";
import type {StructuredInput} from "../../units/types.js";
import {followUp} from "../counterfactual/item-text.js";
import {generateText} from "../../protocol/index.js";
import {parseImportanceList, parseWordList} from "../self-explanation/parse.js";
import {topAttributedWords} from "./attributed-words.js";
import {isContentWord} from "./stopwords.js";

export const feedbackKinds = ["nl", "iw", "attribution", "random"] as const;
export type FeedbackKind = (typeof feedbackKinds)[number];

export interface FeedbackSettings {
    kind: FeedbackKind;
    /** Important words to give (iw, attribution, random; default 5). */
    words?: number;
    method?: AttributionMethodName;
    budget?: number;
    seed?: number;
    options?: readonly string[];
    maxTokens?: number;
}

export interface Feedback {
    kind: FeedbackKind;
    /** The text put into the refinement prompt. */
    text: string;
    words?: string[];
    /** Raw model output (nl, iw). */
    raw?: string;
}

export function feedbackNeedsScoring(kind: FeedbackKind): boolean {
    return kind === "attribution";
}

function contentWords(input: StructuredInput): string[] {
    const segmented = segmentInput(input, "word");
    return segmented.units.map((unit) => unit.text).filter(isContentWord);
}

export async function feedbackFor(
    backend: Backend,
    input: StructuredInput,
    prompt: PromptInput,
    answer: string,
    explanation: string,
    settings: FeedbackSettings,
    round: number,
): Promise<Feedback> {
    const count = settings.words ?? 5;
    switch (settings.kind) {
        case "nl": {
            const raw = await generateText(
                backend,
                followUp(
                    prompt,
                    answer,
                    `Explanation: Because ${explanation.trim()}\nDoes this explanation accurately reflect your actual reasoning for the answer? Say briefly what it leaves out or gets wrong. Feedback:`,
                ),
                settings.maxTokens ?? 64,
            );
            return {kind: "nl", text: `Feedback: ${raw.trim()}`, raw};
        }
        case "iw": {
            const raw = await generateText(
                backend,
                followUp(
                    prompt,
                    answer,
                    `List the ${count} words of the input that were most important for your answer, one per line as "<rank>. <word>, <importance from 1 to 100>". Words:`,
                ),
                settings.maxTokens ?? 64,
            );
            const ranked = parseImportanceList(raw).entries.map((entry) => entry.word);
            const words = (ranked.length > 0 ? ranked : parseWordList(raw)).slice(0, count);
            return {kind: "iw", text: `Important words: ${words.join(", ")}`, words, raw};
        }
        case "attribution": {
            if (!backend.capabilities.scoring) {
                throw new CapabilityError(`attribution feedback needs a backend that scores prompt tokens; ${backend.name} only generates`, {
                    hint: "use nl, iw or random feedback",
                    parameter: "feedback",
                });
            }
            if (settings.options !== undefined && !settings.options.includes(answer)) throw new InputError(`the answer "${answer}" is not one of the options`);
            const words = await topAttributedWords(backend, input, answer, {
                count,
                method: settings.method,
                budget: settings.budget,
                seed: settings.seed,
                options: settings.options,
            });
            return {kind: "attribution", text: `Important words: ${words.join(", ")}`, words};
        }
        case "random": {
            const random = new SeededRandom((settings.seed ?? 0) * 31 + round);
            const words = random.sample([...new Set(contentWords(input))], count);
            return {kind: "random", text: `Important words: ${words.join(", ")}`, words};
        }
    }
}
