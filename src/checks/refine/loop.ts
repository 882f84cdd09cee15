/**
 * The SR-NLE loop for one (edited) input and its answer: a post-hoc explanation (round 0), then
 * N rounds of feedback → refined explanation. Plugs into the counterfactual check, which measures
 * unfaithfulness of every round's explanation on the same flipped items.
 */
import type {Backend} from "../../model/backend-spec.js";
import type {StructuredInput} from "../../units/types.js";
import type {ExplanationRounds} from "../counterfactual/check.js";
import {explanationPrompt, followUp} from "../counterfactual/item-text.js";
import {generateText, itemPrompt} from "../../protocol/index.js";
import {feedbackFor, type Feedback, type FeedbackSettings} from "./feedback.js";

export interface RefineSettings extends FeedbackSettings {
    rounds: number;
    maxExplanationTokens?: number;
}

export function refinementRequest(explanation: string, feedback: Feedback): string {
    const words = feedback.words === undefined ? "" : ` Work these important words in naturally where they matter: ${feedback.words.join(", ")}.`;
    return [
        `Explanation: Because ${explanation.trim()}`,
        feedback.words === undefined ? feedback.text : "",
        `Rewrite the explanation in at most two sentences so that it reflects the real reasons for the answer.${words} Refined explanation: Because`,
    ]
        .filter((line) => line !== "")
        .join("\n");
}

export async function refineExplanation(backend: Backend, input: StructuredInput, answer: string, settings: RefineSettings): Promise<ExplanationRounds> {
    const prompt = itemPrompt(input);
    const maxTokens = settings.maxExplanationTokens ?? 48;
    const explanations = [await generateText(backend, explanationPrompt(prompt, answer), maxTokens)];
    const details: unknown[] = [null];
    for (let round = 1; round <= settings.rounds; round++) {
        const previous = explanations[explanations.length - 1] as string;
        const feedback = await feedbackFor(backend, input, prompt, answer, previous, settings, round);
        explanations.push(await generateText(backend, followUp(prompt, answer, refinementRequest(previous, feedback)), maxTokens));
        details.push(feedback);
    }
    return {explanations, details};
}
