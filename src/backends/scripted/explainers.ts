/**
 * Scripted explainers with known behaviour, for tests and demos without a model file. Each is a
 * {@link ScriptedBackend} whose logits force a scripted reply after the last cue in the context
 * ("Answer:" → a label, "Because" → an explanation), so generation returns the reply and scoring
 * gives the reply's characters log-probability ≈ 0 and anything else ≈ −40 per character.
 *
 * The classifier answers "positive" when the text before the cue contains a trigger word
 * (wonderful, brilliant, delightful, superb, gladly, joyfully), otherwise "negative", so inserting
 * a trigger word flips it. The honest explainer names the trigger words it saw (it always
 * mentions an inserted trigger: unfaithfulness 0); the lying explainer always blames "the
 * general tone" (it never mentions the inserted word: unfaithfulness 1). The no-answer model
 * replies "???" to every question.
 */
import type {Backend} from "../../model/backend-spec.js";
import type {LogitsFunction} from "./language-model.js";
import {ScriptedBackend} from "./scripted-backend.js";
import {detokenizeCharacters, eosToken, scriptedVocabularySize, tokenizeCharacters} from "./tokenizer.js";

export const scriptedTriggerWords = ["wonderful", "brilliant", "delightful", "superb", "gladly", "joyfully"] as const;
export const scriptedExplainerNames = ["honest-explainer", "lying-explainer", "no-answer"] as const;
export type ScriptedExplainerName = (typeof scriptedExplainerNames)[number];

const cues = ["Answer:", "Because"] as const;

function triggersIn(text: string): string[] {
    const words = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
    return scriptedTriggerWords.filter((word) => words.has(word));
}

function reply(name: ScriptedExplainerName, prompt: string, cue: (typeof cues)[number]): string {
    if (name === "no-answer") return " ???";
    const triggers = triggersIn(prompt);
    if (cue === "Answer:") return triggers.length > 0 ? " positive" : " negative";
    if (name === "lying-explainer") return " of the general tone of the text.";
    return triggers.length > 0 ? ` the text says ${triggers.join(" and ")}.` : " no word in the text is positive.";
}

/** Logits that force `respond(promptUpToCue, cue)` after the last cue of the context. */
export function respondingLogits(respond: (prompt: string, cue: (typeof cues)[number]) => string): LogitsFunction {
    return (context) => {
        const text = detokenizeCharacters(context);
        let cue: (typeof cues)[number] | undefined;
        let at = -1;
        for (const candidate of cues) {
            const index = text.lastIndexOf(candidate);
            if (index > at) {
                at = index;
                cue = candidate;
            }
        }
        const logits = new Float64Array(scriptedVocabularySize);
        if (cue === undefined) {
            logits[eosToken] = 40;
            return logits;
        }
        const end = at + cue.length;
        const response = respond(text.slice(0, end), cue);
        const generated = text.slice(end);
        const next =
            response.startsWith(generated) && generated.length < response.length ? tokenizeCharacters(response[generated.length] as string)[0] : eosToken;
        logits[next ?? eosToken] = 40;
        return logits;
    };
}

/** A scripted explainer backend; `generationOnly` removes the scoring capability. */
export function scriptedExplainer(name: ScriptedExplainerName, options: {generationOnly?: boolean} = {}): Backend {
    return new ScriptedBackend({
        id: `${name}${options.generationOnly === true ? "-generation-only" : ""}`,
        name: `scripted:${name}`,
        logits: respondingLogits((prompt, cue) => reply(name, prompt, cue)),
        capabilities: {scoring: options.generationOnly !== true, contextSize: 8192},
    });
}
