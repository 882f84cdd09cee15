/**
 * `glassbox analyze confidence` for one item: the normalised probability of the chosen option
 * letter answering directly, and after the model's own chain of thought (arXiv 2501.09775).
 */
import {calibrationSummary, type CalibrationItem, type CalibrationSummary} from "./calibration.js";
import {afterChainPrompt, chainBeforeAnswer, checkOptions, chooseOption, cotPrompt, directPrompt, questionBlock, type OptionChoice} from "./multiple-choice.js";
import type {ReasoningModel} from "./reasoning-model.js";

export interface ConfidenceItem {
    id: string;
    question: string;
    options: readonly string[];
    /** Index of the gold option. */
    gold?: number;
}

export interface ConfidenceVerdict {
    gold?: number;
    direct: OptionChoice;
    cot: OptionChoice & {chain: string};
}

export async function confidenceItem(model: ReasoningModel, item: ConfidenceItem, settings: {maxChainTokens: number}): Promise<ConfidenceVerdict> {
    checkOptions(item.options, `item ${item.id}`);
    const block = questionBlock(item.question, item.options);
    const direct = await chooseOption(model, directPrompt(block), item.options.length);
    const [completion = ""] = await model.complete([cotPrompt(block)], settings.maxChainTokens);
    const chain = chainBeforeAnswer(completion);
    const cot = await chooseOption(model, afterChainPrompt(block, chain), item.options.length);
    return {...(item.gold === undefined ? {} : {gold: item.gold}), direct, cot: {...cot, chain}};
}

export interface ConfidenceSummary {
    items: number;
    withGold: number;
    direct: CalibrationSummary;
    cot: CalibrationSummary;
    /** Items whose chosen option differs between direct and CoT answering. */
    changedByCot: number;
}

function calibrationItems(verdicts: readonly ConfidenceVerdict[], mode: "direct" | "cot"): CalibrationItem[] {
    return verdicts
        .filter((verdict) => verdict.gold !== undefined)
        .map((verdict) => ({
            confidence: verdict[mode].confidence,
            correct: verdict[mode].chosen === verdict.gold,
            probabilities: verdict[mode].probabilities,
            gold: verdict.gold!,
        }));
}

export function summarizeConfidence(verdicts: readonly ConfidenceVerdict[], bins = 10): ConfidenceSummary {
    return {
        items: verdicts.length,
        withGold: verdicts.filter((verdict) => verdict.gold !== undefined).length,
        direct: calibrationSummary(calibrationItems(verdicts, "direct"), bins),
        cot: calibrationSummary(calibrationItems(verdicts, "cot"), bins),
        changedByCot: verdicts.filter((verdict) => verdict.direct.chosen !== verdict.cot.chosen).length,
    };
}
