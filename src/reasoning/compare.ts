/**
 * `glassbox compare` for one problem: n samples from each of two models (a base and a tuned one),
 * each answer extracted and verified; then, over a run, pass@k curves, maj@k, coverage and the
 * support categories (support.ts). A sample whose verifier timed out or failed counts as not
 * correct and is reported.
 */
import {canonicalAnswer, type AnswerExtractor} from "./answers.js";
import {coverage, majorityAtK, passAtK, passAtKCurve} from "./pass-at-k.js";
import type {ReasoningModel} from "./reasoning-model.js";
import {supportSummary, supportThreshold, type SupportSummary} from "./support.js";
import type {Verifier, VerifierVerdict} from "./verifiers.js";

export interface CompareSettings {
    samples: number;
    maxTokens: number;
    temperature: number;
    seed: number;
    extract: AnswerExtractor;
    verifier: Verifier;
}

export interface ModelSamples {
    answers: (string | undefined)[];
    verdicts: VerifierVerdict[];
    correct: number;
    noAnswer: number;
    timeouts: number;
    errors: number;
    /** Distinct canonical answers of the correct samples. */
    correctAnswers: string[];
}

export interface CompareVerdict {
    gold: string;
    base: ModelSamples;
    tuned: ModelSamples;
}

async function sampleModel(model: ReasoningModel, item: {id: string; prompt: string; gold: string}, settings: CompareSettings): Promise<ModelSamples> {
    const completions = await model.sample(item.prompt, settings.samples, {
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
        seed: settings.seed,
    });
    const answers: (string | undefined)[] = [];
    const verdicts: VerifierVerdict[] = [];
    for (const completion of completions) {
        const answer = settings.extract(completion);
        answers.push(answer === undefined ? undefined : canonicalAnswer(answer));
        verdicts.push((await settings.verifier.verify({id: item.id, answer, gold: item.gold, completion})).verdict);
    }
    const correctAnswers = [...new Set(answers.filter((answer, index): answer is string => answer !== undefined && verdicts[index] === "correct"))];
    return {
        answers,
        verdicts,
        correctAnswers,
        correct: verdicts.filter((verdict) => verdict === "correct").length,
        noAnswer: verdicts.filter((verdict) => verdict === "no-answer").length,
        timeouts: verdicts.filter((verdict) => verdict === "timeout").length,
        errors: verdicts.filter((verdict) => verdict === "error").length,
    };
}

export async function compareItem(
    base: ReasoningModel,
    tuned: ReasoningModel,
    item: {id: string; prompt: string; gold: string},
    settings: CompareSettings,
): Promise<CompareVerdict> {
    return {gold: item.gold, base: await sampleModel(base, item, settings), tuned: await sampleModel(tuned, item, settings)};
}

export interface ModelCompareSummary {
    passAtK: {k: number; passAtK: number}[];
    majAtK: {k: number; majAtK: number}[];
    coverage: number;
    samples: number;
    noAnswer: number;
    timeouts: number;
    errors: number;
}

export interface CompareSummary {
    problems: number;
    samplesPerProblem: number;
    base: ModelCompareSummary;
    tuned: ModelCompareSummary;
    support: SupportSummary;
    /** ε = 1 − 0.05^{1/n}: least probability an answer needs to be seen in n samples with 95 % probability. */
    supportEpsilon: number;
    /** pass@n(base) − pass@1(tuned) (ΔSE of Yue et al. 2025). */
    deltaSe: number | null;
    /** Problems with at least one verifier timeout. */
    problemsWithTimeouts: number;
}

function modelSummary(verdicts: readonly CompareVerdict[], which: "base" | "tuned", ks: readonly number[]): ModelCompareSummary {
    const runs = verdicts.map((verdict) => verdict[which]);
    const problems = runs.map((run) => ({n: run.verdicts.length, correct: run.correct}));
    return {
        passAtK: passAtKCurve(problems, ks),
        majAtK: ks.map((k) => ({
            k,
            majAtK:
                runs.length === 0
                    ? 0
                    : runs.reduce((sum, run) => {
                          const correct = new Set(
                              run.answers.filter((answer, index): answer is string => answer !== undefined && run.verdicts[index] === "correct"),
                          );
                          return sum + majorityAtK(run.answers, (answer) => correct.has(answer), k);
                      }, 0) / runs.length,
        })),
        coverage: coverage(problems),
        samples: runs.reduce((sum, run) => sum + run.verdicts.length, 0),
        noAnswer: runs.reduce((sum, run) => sum + run.noAnswer, 0),
        timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
        errors: runs.reduce((sum, run) => sum + run.errors, 0),
    };
}

export function summarizeCompare(entries: readonly {id: string; verdict: CompareVerdict}[], ks: readonly number[], samples: number): CompareSummary {
    const verdicts = entries.map((entry) => entry.verdict);
    const base = modelSummary(verdicts, "base", ks);
    const tuned = modelSummary(verdicts, "tuned", ks);
    const passBaseN =
        verdicts.length === 0
            ? null
            : verdicts.reduce((sum, verdict) => sum + passAtK(verdict.base.verdicts.length, verdict.base.correct, verdict.base.verdicts.length), 0) /
              verdicts.length;
    const passTuned1 =
        verdicts.length === 0
            ? null
            : verdicts.reduce((sum, verdict) => sum + passAtK(verdict.tuned.verdicts.length, verdict.tuned.correct, 1), 0) / verdicts.length;
    return {
        problems: verdicts.length,
        samplesPerProblem: samples,
        base,
        tuned,
        support: supportSummary(entries.map((entry) => ({id: entry.id, base: entry.verdict.base.correctAnswers, tuned: entry.verdict.tuned.correctAnswers}))),
        supportEpsilon: supportThreshold(samples),
        deltaSe: passBaseN === null || passTuned1 === null ? null : passBaseN - passTuned1,
        problemsWithTimeouts: verdicts.filter((verdict) => verdict.base.timeouts + verdict.tuned.timeouts > 0).length,
    };
}
