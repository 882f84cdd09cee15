/**
 * Attribution benchmark, part 2 (`npm run bench:attribution` runs part 1 and then this file):
 * wall time of explaining a 16-document input on stories260K with leave-one-out and with
 * KernelSHAP, against naive sequential evaluation of the same method in the same run.
 *
 *   (a) captum-style: the same method on a game that, for each coalition in turn, renders the
 *             prompt, clears a llama.cpp sequence, prefills the prompt and then feeds the target one
 *             token per call, reading the distribution at each step (what captum and inseq do:
 *             batch 1, KV cache only within one coalition, no prefix reuse, no deduplication);
 *   (a′) single-pass naive: the same, but prompt + target in one call per coalition (stronger
 *             than captum's baseline);
 *   glassbox: explain() end to end (rendering, tokenizing, the Evaluator's deduplicated,
 *             prefix-ordered batches with KV prefix reuse), cache empty at the start of each run.
 *
 * Both arms use the llama.cpp exact mode (no flash attention, F32 KV cache), so their values agree
 * to rounding; the largest difference is printed. Rounds alternate the arms; medians are reported.
 *
 * The section "Attribution on a model: 16 documents on stories260K" of BENCHMARKS.md is replaced
 * with the result (other sections are left alone) unless `--no-write` is given.
 *
 * Environment: BENCH_ROUNDS (default 3), BENCH_KERNELSHAP_BUDGET (default 128), BENCH_LANES (glassbox
 * lane counts, e.g. "1,4"; default "1"), BENCH_THREADS (default: the backend's default for the file),
 * BENCH_METHODS (default "loo,kernelshap"), BENCH_TARGETS ("|"-separated, default " Lily| Lily was sad.").
 */
import {readFileSync, statSync, writeFileSync} from "node:fs";
import {attributionMethods} from "../src/attribution/registry.js";
import type {AttributionMethodName, AttributionResult} from "../src/attribution/result.js";
import type {Coalition, Game, GameOutcome} from "../src/attribution/game.js";
import {openLlamaCppModel, type LlamaCppBackend} from "../src/backends/llama-cpp/backend.js";
import {defaultThreads} from "../src/backends/llama-cpp/llama-runtime.js";
import {explain} from "../src/explain/explain.js";
import {contextTokens} from "../src/protocol/index.js";
import {outcomeFor} from "../src/explain/value-kinds.js";
import {alignTarget} from "../src/protocol/index.js";
import {segmentInput, type SegmentedInput} from "../src/units/segmented-input.js";
import type {StructuredInput} from "../src/units/types.js";
import {describeMachine, formatMachine} from "./lib/machine.js";
import {captumScores, naiveScores, openDirect, type DirectModel} from "./lib/llama-direct.js";
import {formatMs, markdownTable, median, timeIt} from "./lib/timing.js";
import {sharedModel} from "./lib/models.js";

const modelPath = sharedModel("stories260K.gguf");
const rounds = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 3));
const kernelShapBudget = Math.max(2, Number(process.env["BENCH_KERNELSHAP_BUDGET"] ?? 128));
/** The backend's own default for this file (one thread for tiny models); the naive arm uses the same. */
const threads = Number(process.env["BENCH_THREADS"] ?? defaultThreads(statSync(modelPath).size));
const laneCounts = (process.env["BENCH_LANES"] ?? "1")
    .split(",")
    .map(Number)
    .filter((lanes) => Number.isInteger(lanes) && lanes >= 1);
const onlyMethods = process.env["BENCH_METHODS"]?.split(",");
const contextSize = 1024;
const seed = 1;
/** Targets explained (BENCH_TARGETS, "|"-separated): one token, where (a) and (a′) coincide, and several. */
const targets = (process.env["BENCH_TARGETS"] ?? " Lily| Lily was sad.").split("|");

const documents = [
    "Lily had a red ball. She liked to throw it high.",
    "Tom had a big dog. The dog was brown and happy.",
    "One day the sun was hot. The birds sang in the trees.",
    "Lily went to the park with her mom. They walked on the path.",
    "Tom saw a cat on the wall. The cat jumped down and ran.",
    "The ball rolled under a bench. Lily looked for it.",
    "A little bird sat on the bench. It ate some bread.",
    "Mom said it was time to go home. Lily was sad.",
    "Tom found the red ball in the grass. He picked it up.",
    "He ran to Lily and gave her the ball. She smiled.",
    "They played together until the sky was pink.",
    "The dog barked and wagged its tail. It wanted to play too.",
    "Mom made soup for dinner. It was warm and good.",
    "Lily said thank you to Tom. They were friends now.",
    "At night Lily hugged her ball in bed. She had a good dream.",
    "The next day they went to the park again.",
];
const input: StructuredInput = {kind: "documents", question: "Who lost the ball?", documents: documents.map((text) => ({text}))};

const sectionHeading = "Attribution on a model: 16 documents on stories260K";

/** `markdown` with the level-2 section `heading` replaced by `body` (appended when absent). */
function withSection(markdown: string, heading: string, body: string): string {
    const lines = markdown.split("\n");
    const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
    const section = [`## ${heading}`, "", body.trim(), ""];
    if (start < 0) return `${markdown.trimEnd()}\n\n${section.join("\n")}`;
    const next = lines.findIndex((line, index) => index > start && line.startsWith("## "));
    const end = next < 0 ? lines.length : next;
    return [...lines.slice(0, start), ...section, ...lines.slice(end)].join("\n");
}

/** A naive arm: every coalition rendered and scored from scratch, one at a time (captum-style or single-pass). */
class NaiveGame implements Game {
    readonly playerCount: number;
    coalitions = 0;
    /** Tokens evaluated from scratch (context + target − 1 per coalition). */
    evaluatedTokens = 0;
    constructor(
        private readonly segmented: SegmentedInput,
        private readonly backend: LlamaCppBackend,
        private readonly direct: DirectModel,
        private readonly targetTokens: readonly number[],
        private readonly style: "captum" | "single-pass",
    ) {
        this.playerCount = segmented.playerCount;
    }
    async evaluate(coalitions: readonly Coalition[]): Promise<GameOutcome[]> {
        const outcomes: GameOutcome[] = [];
        for (const coalition of coalitions) {
            const context = await contextTokens(this.backend, this.segmented.render(coalition));
            const score = this.style === "captum" ? captumScores : naiveScores;
            const [result] = await score(this.direct.sequence, [{context, target: this.targetTokens}]);
            outcomes.push(outcomeFor("logprob", result?.logprobs ?? []));
            this.evaluatedTokens += context.length + this.targetTokens.length - 1;
            this.coalitions += 1;
        }
        return outcomes;
    }
}

interface Arm {
    method: AttributionMethodName;
    budget: number | undefined;
}

function maxDifference(left: readonly number[], right: readonly number[]): number {
    return left.reduce((worst, value, index) => Math.max(worst, Math.abs(value - (right[index] ?? Number.NaN))), 0);
}

interface ArmTimes {
    wall: number[];
    cpu: number[];
}

function record(times: ArmTimes, timing: {ms: number; cpuMs: number}): void {
    times.wall.push(timing.ms);
    times.cpu.push(timing.cpuMs);
}

/** Median over rounds of the per-round ratio of two arms' times. */
function ratio(numerator: readonly number[], denominator: readonly number[]): string {
    return `${median(numerator.map((value, round) => value / (denominator[round] ?? Number.NaN))).toFixed(1)}×`;
}

async function main(): Promise<void> {
    const backends = new Map<number, LlamaCppBackend>();
    for (const lanes of laneCounts) backends.set(lanes, await openLlamaCppModel(modelPath, {contextSize, threads, lanes}));
    const [reference] = backends.values();
    if (reference === undefined) throw new Error("no lane counts to measure");
    const direct = await openDirect(modelPath, {contextSize, threads});
    try {
        const segmented = segmentInput(input, "document");
        const fullPrompt = segmented.render(new Uint8Array(segmented.playerCount).fill(1));
        const promptTokenCount = (await contextTokens(reference, fullPrompt)).length;
        const arms: Arm[] = [
            {method: "loo", budget: undefined},
            {method: "kernelshap", budget: kernelShapBudget},
        ].filter((arm) => onlyMethods === undefined || onlyMethods.includes(arm.method)) as Arm[];
        const rows: string[][] = [];
        const targetLengths: string[] = [];
        for (const target of targets) {
            const targetTokens = (await alignTarget(reference, fullPrompt, target)).request.target;
            targetLengths.push(`${JSON.stringify(target)} (${targetTokens.length} token${targetTokens.length === 1 ? "" : "s"})`);
            for (const arm of arms) {
                const entry = attributionMethods[arm.method];
                if (entry === undefined) throw new Error(`no method ${arm.method}`);
                const budget = arm.budget === undefined ? {} : {budget: arm.budget};
                const captumTimes: ArmTimes = {wall: [], cpu: []};
                const singleTimes: ArmTimes = {wall: [], cpu: []};
                const oursTimes = new Map<number, ArmTimes>(laneCounts.map((lanes) => [lanes, {wall: [], cpu: []}]));
                let naiveValues: number[] = [];
                let captumDifference = 0;
                let naiveTokens = 0;
                const last = new Map<number, {values: number[]; evaluations: number; calls: number; evaluated: number; reused: number}>();
                for (let round = 0; round < rounds; round++) {
                    const captumGame = new NaiveGame(segmented, reference, direct, targetTokens, "captum");
                    const captum = await timeIt(() => entry.run(captumGame, {...budget, seed}));
                    record(captumTimes, captum);
                    const singleGame = new NaiveGame(segmented, reference, direct, targetTokens, "single-pass");
                    const single = await timeIt(() => entry.run(singleGame, {...budget, seed}));
                    record(singleTimes, single);
                    naiveTokens = singleGame.evaluatedTokens;
                    naiveValues = single.value.values;
                    captumDifference = maxDifference(captum.value.values, naiveValues);
                    const line = [
                        `${target} ${arm.method} round ${round + 1}/${rounds}: captum-style ${formatMs(captum.ms)}, single-pass ${formatMs(single.ms)}`,
                    ];
                    for (const [lanes, backend] of backends) {
                        const ours = await timeIt(() => explain(backend, input, {unit: "document", method: arm.method, ...budget, seed, target}));
                        const times = oursTimes.get(lanes);
                        if (times !== undefined) record(times, ours);
                        const stats = ours.value.evaluator;
                        last.set(lanes, {
                            values: ours.value.values,
                            evaluations: ours.value.evaluations,
                            calls: stats.backendCalls,
                            evaluated: stats.evaluatedTokens,
                            reused: stats.reusedTokens,
                        });
                        line.push(`glassbox ${lanes} lane${lanes === 1 ? "" : "s"} ${formatMs(ours.ms)}`);
                    }
                    process.stderr.write(`${line.join(", ")}\n`);
                }
                const both = (times: ArmTimes): string => `${formatMs(median(times.wall))} / ${formatMs(median(times.cpu))}`;
                for (const lanes of laneCounts) {
                    const ours = oursTimes.get(lanes) ?? {wall: [], cpu: []};
                    const work = last.get(lanes);
                    rows.push([
                        JSON.stringify(target),
                        arm.method,
                        String(work?.evaluations ?? 0),
                        both(captumTimes),
                        both(singleTimes),
                        `${both(ours)} (${lanes} lane${lanes === 1 ? "" : "s"})`,
                        `${ratio(captumTimes.cpu, ours.cpu)} / ${ratio(captumTimes.wall, ours.wall)}`,
                        `${ratio(singleTimes.cpu, ours.cpu)} / ${ratio(singleTimes.wall, ours.wall)}`,
                        `${work?.calls ?? 0} calls; ${work?.evaluated ?? 0} evaluated + ${work?.reused ?? 0} reused tokens (naive: ${naiveTokens} evaluated)`,
                        `${maxDifference(naiveValues, work?.values ?? []).toExponential(1)} (captum-style ${captumDifference.toExponential(1)})`,
                    ]);
                }
            }
        }
        const notes = [
            `Workload: 16 documents (${promptTokenCount} prompt tokens with every document kept), question + "Answer:" template, targets ${targetLengths.join(" and ")}, unit document, seed ${seed}; KernelSHAP budget ${kernelShapBudget}.`,
            `${rounds} round${rounds === 1 ? "" : "s"}, arms alternating within each round, medians of times and of per-round ratios; ${threads} thread${threads === 1 ? "" : "s"} in every arm, context ${contextSize} per lane, exact mode (F32 KV cache, no flash attention).`,
        ];
        const table = markdownTable(
            [
                "target",
                "method",
                "evaluations",
                "(a) captum-style wall / CPU",
                "(a′) single-pass wall / CPU",
                "glassbox explain() wall / CPU",
                "speed-up vs (a), CPU / wall",
                "speed-up vs (a′), CPU / wall",
                "glassbox work",
                "max |Δ value| vs (a′)",
            ],
            rows,
        );
        const body = [
            "Generated by `npm run bench:attribution` (bench/attribution-model.bench.ts). Two naive arms run the same method on",
            "a game that renders each coalition and scores it on a cleared llama.cpp sequence, one coalition at a time (no",
            "batching, no prefix reuse across coalitions, no deduplication): (a) captum-style, what captum and inseq do",
            "(a prefill of the prompt, then the target fed one token per call with the KV cache kept within the",
            "coalition, the distribution read at each step); (a′) single-pass, prompt + target in one call (a stronger",
            "baseline than captum's; identical to (a) for a one-token target). glassbox: `explain()` end to end with an",
            "empty cache. All arms run exact mode, so the values agree to rounding (last column).",
            "",
            formatMachine(describeMachine()),
            "",
            ...notes,
            "",
            table,
            "",
            ...readingLines,
        ].join("\n");
        process.stdout.write(`\n## ${sectionHeading}\n\n${body}\n`);
        if (!process.argv.includes("--no-write")) {
            const file = new URL("../BENCHMARKS.md", import.meta.url);
            writeFileSync(file, withSection(readFileSync(file, "utf8"), sectionHeading, body));
        }
    } finally {
        await direct.dispose();
        for (const backend of backends.values()) await backend.dispose();
    }
}

/** The reading under the table, checked against the run recorded in BENCHMARKS.md. */
const readingLines: string[] = [
    "Reading (CPU time is the steady measure here: the two cores were shared with other jobs, load average 12–17;",
    "wall-time ratios swing by 2× between rounds):",
    "- **Against (a) captum-style, the ≥ 5× target is not met on stories260K: 1.3–1.8× in CPU time.** Against",
    "  (a′) single-pass it is 1.3–1.7×. On this model one llama.cpp call costs little beyond its tokens, so feeding",
    "  the target one token per call (captum) costs only 0–4 % more CPU than one teacher-forced pass (a′); the",
    "  two baselines are nearly the same work, and glassbox's gain over either is the tokens it does not evaluate.",
    "- The saving is the KV prefix every coalition shares with the one evaluated before it (prefix order): 5,448 of",
    "  10,052 tokens for leave-one-out, 22,154 of 41,664 for KernelSHAP. That is the fewest tokens any exact",
    "  schedule with one KV state per lane can evaluate (every node of the batch's token trie once). With the",
    "  question and answer after the documents, leaving out document i still requires every token after it, and",
    "  those are the later, more expensive positions, so the CPU saving stays under the token ratio (1.85×).",
    "- Time outside the model is small: in a separate probe on the same machine `explain()` spent 1.5 % of its CPU",
    "  time outside `backend.score` (leave-one-out: 1,023 ms total, 1,007 ms in its 18 calls; KernelSHAP 3,106 / 3,083 ms).",
    "- Where reading probabilities dominates (a 32k vocabulary) the backend's exact biased top-k reading gives",
    "  4.2× less CPU than either baseline on the scoring workload (Scoring, part 2); the ≥ 5× target would need",
    "  inexact shortcuts here (reusing shifted KV entries, proxy models, pruning), which glassbox does not take.",
];

await main();
