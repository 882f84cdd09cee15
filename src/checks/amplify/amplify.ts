/**
 * AMPLIFY (Krishna et al., NeurIPS 2023) with glassbox's attribution as the proxy's explainer:
 *  1. answer every item of a labelled development set; keep the misclassified ones;
 *  2. rank them by the misclassification confidence score MCS = p(predicted wrong label) − p(true
 *     label) (options normalised; without probabilities they keep file order);
 *  3. attribute the TRUE label over the item's words on the proxy model (default: the model
 *     itself) and keep the k content words with the highest attribution (stopwords left out);
 *  4. write each as a demonstration: the input, "The key words: w1, w2, … are important clues to
 *     predict <label> as the correct answer.", and the label; the demonstrations prefix every
 *     prompt of the evaluation set. Accuracy is measured with and without the prefix.
 */
import type {AttributionMethodName} from "../../attribution/result.js";
import {CapabilityError, InputError} from "../../errors.js";
import type {DatasetItem} from "../../datasets/item.js";
import type {Backend, PromptInput} from "../../model/backend-spec.js";
import type {TypedVerdict} from "../run-records.js";
import type {ItemEvaluation} from "../run-dataset.js";
import {itemPrompt} from "../../protocol/index.js";
import {predict, type Prediction, type PredictionSettings} from "../counterfactual/prediction.js";
import {topAttributedWords} from "../refine/attributed-words.js";

export const amplifyCapabilities = {
    needs: "generation (accuracy) and scoring on the proxy (rationales)",
    note: "predictions are generated (or scored over the options); rationales need an attribution on a scoring proxy model",
} as const;

export interface AmplifySettings {
    demonstrations?: number;
    words?: number;
    method?: AttributionMethodName;
    budget?: number;
    seed?: number;
    prediction?: PredictionSettings;
}

export interface Demonstration {
    itemId: string;
    prompt: string;
    label: string;
    predicted: string | null;
    mcs: number | null;
    words: string[];
}

export interface AmplifyPrompt {
    demonstrations: Demonstration[];
    /** The few-shot prefix put before every evaluation prompt. */
    prefix: string;
    developmentItems: number;
    misclassified: number;
    unparseable: number;
}

function promptText(prompt: PromptInput): string {
    return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

export function rationaleSentence(words: readonly string[], label: string): string {
    return `The key words: ${words.join(", ")} are important clues to predict ${label} as the correct answer.`;
}

export function demonstrationText(demonstration: Pick<Demonstration, "prompt" | "label" | "words">): string {
    return `${demonstration.prompt}\n${rationaleSentence(demonstration.words, demonstration.label)}\n${demonstration.label}`;
}

/** Misclassification confidence score: p(predicted) − p(true), from option probabilities when known. */
export function misclassificationConfidence(prediction: Prediction, options: readonly string[] | undefined, label: string): number | null {
    if (prediction.optionProbabilities === undefined || options === undefined || prediction.optionIndex === undefined) return null;
    const truth = options.indexOf(label);
    if (truth < 0) return null;
    return (prediction.optionProbabilities[prediction.optionIndex] as number) - (prediction.optionProbabilities[truth] as number);
}

export async function topWordsFor(proxy: Backend, item: DatasetItem, label: string, settings: AmplifySettings): Promise<string[]> {
    if (!proxy.capabilities.scoring) {
        throw new CapabilityError(`amplify needs a proxy model that scores prompt tokens for its rationales; ${proxy.name} only generates`, {
            hint: "give a proxy model that scores prompt tokens",
            parameter: "proxy",
        });
    }
    return topAttributedWords(proxy, item.input, label, {
        count: settings.words ?? 5,
        method: settings.method,
        budget: settings.budget,
        seed: settings.seed,
        options: item.options,
    });
}

export async function buildAmplifyPrompt(
    model: Backend,
    proxy: Backend,
    development: readonly DatasetItem[],
    settings: AmplifySettings = {},
): Promise<AmplifyPrompt> {
    const labelled = development.filter((item) => item.label !== undefined);
    if (labelled.length === 0)
        throw new InputError("amplify needs labelled development items", {hint: 'give the development items a "label"', parameter: "developmentItems"});
    const wrong: {item: DatasetItem; prediction: Prediction; mcs: number | null}[] = [];
    let unparseable = 0;
    for (const item of labelled) {
        const prediction = await predict(model, itemPrompt(item.input), item.options, settings.prediction);
        if (prediction.answer === undefined) unparseable++;
        if (prediction.answer === item.label) continue;
        wrong.push({item, prediction, mcs: misclassificationConfidence(prediction, item.options, item.label as string)});
    }
    const ranked = wrong
        .map((entry, order) => ({...entry, order}))
        .sort((left, right) => (right.mcs ?? -Infinity) - (left.mcs ?? -Infinity) || left.order - right.order);
    const demonstrations: Demonstration[] = [];
    for (const entry of ranked.slice(0, settings.demonstrations ?? 4)) {
        const label = entry.item.label as string;
        demonstrations.push({
            itemId: entry.item.id,
            prompt: promptText(itemPrompt(entry.item.input)),
            label,
            predicted: entry.prediction.answer ?? null,
            mcs: entry.mcs,
            words: await topWordsFor(proxy, entry.item, label, settings),
        });
    }
    const prefix = demonstrations.map((demonstration) => `${demonstrationText(demonstration)}\n\n`).join("");
    return {demonstrations, prefix, developmentItems: labelled.length, misclassified: wrong.length, unparseable};
}

export function withPrefix(prompt: PromptInput, prefix: string): PromptInput {
    if (prefix === "") return prompt;
    if (prompt.kind === "text") return {kind: "text", text: `${prefix}${prompt.text}`};
    const first = prompt.messages.findIndex((message) => message.role === "user");
    return {
        kind: "chat",
        messages: prompt.messages.map((message, index) => (index === first ? {...message, content: `${prefix}${message.content}`} : message)),
    };
}

export interface AmplifyVerdict {
    label: string | null;
    without: string | null;
    with: string | null;
    correctWithout: boolean | null;
    correctWith: boolean | null;
}

export async function amplifyItem(model: Backend, item: DatasetItem, prefix: string, settings: AmplifySettings = {}): Promise<ItemEvaluation<AmplifyVerdict>> {
    const prompt = itemPrompt(item.input);
    const without = await predict(model, prompt, item.options, settings.prediction);
    const withDemos = await predict(model, withPrefix(prompt, prefix), item.options, settings.prediction);
    const label = item.label ?? null;
    const verdict: AmplifyVerdict = {
        label,
        without: without.answer ?? null,
        with: withDemos.answer ?? null,
        correctWithout: label === null ? null : without.answer === label,
        correctWith: label === null ? null : withDemos.answer === label,
    };
    const status = without.answer === undefined || withDemos.answer === undefined ? "unparseable" : "ok";
    return {status, verdict, ...(status === "unparseable" ? {error: "an answer named none of the options"} : {})};
}

export interface AmplifySummary {
    items: number;
    labelled: number;
    unparseable: number;
    errors: number;
    malformedLines: number;
    /** Correct / labelled items that are not errors (an unparseable answer counts as wrong). */
    accuracyWithout: number | null;
    accuracyWith: number | null;
    correctWithout: number;
    correctWith: number;
}

export function summarizeAmplify(items: readonly TypedVerdict<AmplifyVerdict>[], malformedLines: number): AmplifySummary {
    const verdicts = items.flatMap((item) => (item.status === "error" ? [] : [item.verdict]));
    const labelled = verdicts.filter((verdict) => verdict.label !== null);
    const correctWithout = labelled.filter((verdict) => verdict.correctWithout === true).length;
    const correctWith = labelled.filter((verdict) => verdict.correctWith === true).length;
    return {
        items: items.length,
        labelled: labelled.length,
        unparseable: items.filter((item) => item.status === "unparseable").length,
        errors: items.filter((item) => item.status === "error").length,
        malformedLines,
        accuracyWithout: labelled.length === 0 ? null : correctWithout / labelled.length,
        accuracyWith: labelled.length === 0 ? null : correctWith / labelled.length,
        correctWithout,
        correctWith,
    };
}
