/**
 * Elicitation prompts for self-explanations (after Huang et al. 2023): the model answers and
 * explains in one reply, either predict-then-explain ("pe") or explain-then-predict ("ep"), with a
 * full importance list (every unit scored in [−1, 1]) or the top-k units.
 */
import type {PromptInput} from "../../model/backend-spec.js";
import type {UnitKind} from "../../units/types.js";

export type ExplanationFormat = "list" | "topk";
export type ExplanationOrder = "pe" | "ep";

export interface ElicitationSettings {
    format: ExplanationFormat;
    order: ExplanationOrder;
    unit: UnitKind;
    k: number;
    options?: readonly string[];
}

function unitNoun(unit: UnitKind, plural: boolean): string {
    const nouns: Partial<Record<UnitKind, string>> = {
        word: "word",
        token: "token",
        sentence: "sentence",
        document: "document",
        message: "message",
        line: "line",
        paragraph: "paragraph",
    };
    const noun = nouns[unit] ?? "part";
    return plural ? `${noun}s` : noun;
}

export function elicitationRequest(settings: ElicitationSettings): string {
    const answerForm =
        settings.options === undefined
            ? "your answer and your confidence as (<answer>, <confidence from 0 to 1>)"
            : `your answer, one of ${settings.options.map((option) => `"${option}"`).join(", ")}, and your confidence as (<answer>, <confidence from 0 to 1>)`;
    const noun = unitNoun(settings.unit, false);
    const label = settings.unit === "document" ? "<document number>" : `<${noun}>`;
    const explanation =
        settings.format === "list"
            ? `for every ${noun} of the input above, how important it was for your answer, one per line as (${label}, <importance from -1 to 1 with three decimals>); positive means it supports your answer`
            : `the ${settings.k} ${unitNoun(settings.unit, settings.k !== 1)} of the input above that mattered most for your answer, most important first, on one line after "Words:"`;
    return settings.order === "pe" ? `First give ${answerForm}. Then give ${explanation}.` : `First give ${explanation}. Then give ${answerForm}.`;
}

export function elicitationPrompt(itemPrompt: PromptInput, settings: ElicitationSettings): PromptInput {
    const request = elicitationRequest(settings);
    if (itemPrompt.kind === "text") return {kind: "text", text: `${itemPrompt.text}\n\n${request}\n`};
    return {kind: "chat", messages: [...itemPrompt.messages, {role: "user", content: request}]};
}
