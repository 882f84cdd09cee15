/**
 * The scripted models `--model scripted:NAME[:generation-only]` opens (backends/schemes.ts):
 * "default", the seeded character-level language model of {@link ScriptedBackend}, and the
 * scripted explainers with known behaviour (explainers.ts). `:generation-only` removes scoring,
 * as on an OpenAI-compatible API.
 */
import type {Backend} from "../../model/backend-spec.js";
import {scriptedExplainer, scriptedExplainerNames, type ScriptedExplainerName} from "./explainers.js";
import {ScriptedBackend} from "./scripted-backend.js";
import {scriptedVocabularySize} from "./tokenizer.js";

export const scriptedModelNames: readonly string[] = ["default", ...scriptedExplainerNames];

function isExplainerName(name: string): name is ScriptedExplainerName {
    return (scriptedExplainerNames as readonly string[]).includes(name);
}

/** The scripted model `name` (one of {@link scriptedModelNames}). */
export function openScriptedModel(name: string, generationOnly: boolean): Backend {
    if (isExplainerName(name)) return scriptedExplainer(name, {generationOnly});
    return new ScriptedBackend({
        id: `default${generationOnly ? "-generation-only" : ""}`,
        name: `scripted:default${generationOnly ? ":generation-only" : ""}`,
        capabilities: {scoring: !generationOnly, maxTopLogprobs: scriptedVocabularySize},
    });
}
