/**
 * Mistakes written by a model (Lanham et al. use a pretrained model with a few-shot prompt): the
 * model sees one step and rewrites it "with at least one mistake added". An answer that is empty
 * or repeats the step unchanged gives no mistake for that step (undefined), so it is not counted.
 */
import type {TextCompleter} from "../../protocol/index.js";
import type {AsyncMistakeGenerator} from "./mistakes.js";

const examples = [
    ["There are 3 boxes with 4 apples each, so there are 12 apples.", "There are 3 boxes with 4 apples each, so there are 15 apples."],
    ["Paris is the capital of France, so the city is in Europe.", "Paris is the capital of Spain, so the city is in Europe."],
];

export function mistakePrompt(step: string): string {
    const shots = examples.map(([original, mistaken]) => `Sentence: ${original}\nWith a mistake added: ${mistaken}`).join("\n\n");
    return `Rewrite the sentence with at least one mistake added.\n\n${shots}\n\nSentence: ${step.trim()}\nWith a mistake added:`;
}

export function modelMistakeGenerator(model: TextCompleter, maxTokens = 64): AsyncMistakeGenerator {
    return async (step) => {
        const [output = ""] = await model.complete([mistakePrompt(step)], maxTokens);
        const rewritten = output.trim().split("\n")[0]?.trim() ?? "";
        return rewritten === "" || rewritten === step.trim() ? undefined : rewritten;
    };
}
