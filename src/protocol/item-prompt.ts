/**
 * The prompt a model sees for a dataset item (any structured input), written once for every
 * check: a plain prompt as it is, documents under their headers after the question, chat messages
 * as they are — the input rendered with every unit kept.
 */
import type {PromptInput} from "../model/backend-spec.js";
import {segmentInput} from "../units/segmented-input.js";
import type {StructuredInput} from "../units/types.js";

/** The prompt the model sees for the whole item. */
export function itemPrompt(input: StructuredInput): PromptInput {
    const unit = input.kind === "documents" ? "document" : input.kind === "chat" ? "message" : "sentence";
    const segmented = segmentInput(input, unit);
    return segmented.render(new Uint8Array(segmented.playerCount).fill(1));
}
