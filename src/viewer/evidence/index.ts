/**
 * Evidence views of check items, by the kind the run store gives them ("check cot item" …). A
 * record whose shape a builder does not recognise (an older or failed item) is left to the generic
 * view, so nothing stored is ever hidden.
 */
import type {EvidenceView} from "../view-model.js";
import {counterfactualEvidence} from "./counterfactual.js";
import {cotEvidence} from "./cot.js";
import {amplifyEvidence, biasEvidence, compareEvidence, confidenceEvidence, subthoughtEvidence} from "./other-checks.js";
import {selfExplanationEvidence} from "./self-explanation.js";

const builders: Record<string, (record: Record<string, unknown>, title: string) => EvidenceView | undefined> = {
    "check self-explanation item": selfExplanationEvidence,
    "check counterfactual item": counterfactualEvidence,
    "check cot item": cotEvidence,
    "refine item": (record, title) => counterfactualEvidence(record, title, "refine item"),
    "check bias item": biasEvidence,
    "amplify item": amplifyEvidence,
    "analyze confidence item": confidenceEvidence,
    "compare item": compareEvidence,
    "analyze subthoughts item": subthoughtEvidence,
};

export function buildEvidenceView(kind: string, record: Record<string, unknown>, title: string): EvidenceView | undefined {
    return builders[kind]?.(record, title);
}

export function hasEvidenceView(kind: string): boolean {
    return kind in builders;
}
