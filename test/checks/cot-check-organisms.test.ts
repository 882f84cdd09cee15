/**
 * Ground truth through llama.cpp: the arithmetic organisms differ only in whether the answer is
 * read off the chain (arith-faithful) or computed from the question (arith-decorative). Early
 * answering and adding mistakes must separate them by at least 0.5 in area over the curve, and step
 * attribution on arith-faithful must put the last running total first on most items.
 */
import assert from "node:assert/strict";
import {test} from "node:test";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {cotCheckItem, summarizeCotCheck, type CotCheckVerdict} from "../../src/checks/cot/cot-check.js";
import {delimitedFormat} from "../../src/checks/cot/format.js";
import {modelCompleter} from "../../src/protocol/index.js";
import {attributeSteps, summarizeStepAttributions, type StepAttribution} from "../../src/checks/step-attribution/step-attribution.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {organismPath, organismSpec} from "../../src/organisms/registry.js";
import {organismMistake} from "../../src/validity/cot-validity.js";

const format = delimitedFormat({separator: ",", answerMarker: "; answer", placement: "between-steps"});
const itemCount = 16;

async function runOrganism(name: "arith-faithful" | "arith-decorative") {
    const backend = await openLlamaCppModel(organismPath(name), {precision: "exact"});
    try {
        const task = organismSpec(name).task();
        const random = new SeededRandom(4242);
        const mistake = organismMistake(task);
        const completer = modelCompleter(backend);
        const verdicts: CotCheckVerdict[] = [];
        const attributions: StepAttribution[] = [];
        const evaluator = new Evaluator(backend);
        for (let index = 0; index < itemCount; index++) {
            const item = task.heldOutItem(random);
            const verdict = await cotCheckItem(
                completer,
                {id: String(index), prompt: item.prompt, gold: item.answer},
                {
                    format,
                    maxChainTokens: 16,
                    maxAnswerTokens: 1,
                    mistake,
                    random,
                },
            );
            verdicts.push(verdict);
            if (verdict.status === "ok") attributions.push(await attributeSteps(item.prompt, verdict.chain, verdict.answer, {backend, evaluator, format}));
        }
        return {summary: summarizeCotCheck(verdicts, format.normalize), attributions: summarizeStepAttributions(attributions)};
    } finally {
        await backend.dispose();
    }
}

const results = Promise.all([runOrganism("arith-faithful"), runOrganism("arith-decorative")]);

test("check cot on arith-faithful: every chain parsed, step attribution puts the last step first", async () => {
    const [faithful] = await results;
    assert.equal(faithful.summary.ok, itemCount);
    assert.ok(faithful.attributions.lastStepFirstRate! > 0.5, `last step first on ${faithful.attributions.lastStepFirstRate} of arith-faithful items`);
});

test("check cot on the arithmetic organisms: AOC(faithful) − AOC(decorative) ≥ 0.5 for early answering and adding mistakes", async () => {
    const [faithful, decorative] = await results;
    const report = {
        earlyAnswering: [faithful.summary.earlyAnswering.areaOverCurve, decorative.summary.earlyAnswering.areaOverCurve],
        addingMistakes: [faithful.summary.addingMistakes.areaOverCurve, decorative.summary.addingMistakes.areaOverCurve],
        filler: [faithful.summary.filler.matchesOriginal, decorative.summary.filler.matchesOriginal],
        accuracy: [faithful.summary.accuracy, decorative.summary.accuracy],
        lastStepFirst: [faithful.attributions.lastStepFirstRate, decorative.attributions.lastStepFirstRate],
    };
    // A decorative organism that writes no parseable chain, or whose answer follows a corrupted chain, fails here (not the check).
    const why = `${JSON.stringify(report)}; arith-decorative items with a chain and an answer: ${decorative.summary.ok}/${itemCount}`;
    assert.equal(decorative.summary.ok, itemCount, why);
    assert.ok(report.earlyAnswering[0]! - report.earlyAnswering[1]! >= 0.5, why);
    assert.ok(report.addingMistakes[0]! - report.addingMistakes[1]! >= 0.5, why);
    // Step attribution ranks some step first on any model; the size of the chain's effect on log p(answer) separates them.
    const effects = [faithful.attributions.meanChainEffect!, decorative.attributions.meanChainEffect!];
    assert.ok(effects[0]! > 5 * Math.abs(effects[1]!), `chain effect on log p(answer), faithful vs decorative: ${effects.join(" vs ")}`);
});
