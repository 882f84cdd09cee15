/**
 * Scoring benchmark (`npm run bench:scoring`). Workload: bench/lib/scoring-workload.ts (64
 * leave-some-sentences-out variants of a 16-sentence, ~300-token story, 16-token target).
 *
 * Part 1, stories260K, in one run, methods interleaved round by round, medians reported:
 *   (a) captum-style and (a′) single-pass naive (below);
 *   (b) the glassbox Evaluator on the llama.cpp backend with 1, 2 and 4 lanes (cache off; lanes
 *       decode in one batch), and with 1 lane reading full distributions;
 *   (c) engine limit: only the tokens that must be evaluated (after each variant's shared prefix
 *       in prefix order), in prompt-sized windows, one controlledEvaluate per window, the target
 *       read at the same 1,024 positions the way the backend reads it (logit − max − ln total
 *       weight); (cp) the same reading full distributions (the limit's previous definition);
 *       (c0) the same without logits; windows of 64, 128 and a full prompt, the fastest is the limit;
 *   (r) the Evaluator's token work issued directly on one sequence (prefix order, the same tokens
 *       at the same positions, one controlledEvaluate per variant), with and without logits.
 * Both parts also run (a) captum-style (per variant a prefill of the prompt, then the target one
 * token per call, reading the distribution at each step: what captum and inseq do) and (a′) the
 * single-pass naive arm (prompt + target in one call per variant, a stronger baseline than captum's).
 * Part 2, llama-2-tiny-random (32k vocabulary): the evaluator's work replayed directly with
 *   logits at the 16 target positions read as confidences only, by the biased top-k identity
 *   (the backend's reading before node-llama-cpp 3.22, internal API), by the total logit weight,
 *   or not requested; the Evaluator with the total-logit-weight (1 and 4 lanes) and
 *   full-distribution readings. Exactness against a float64 log-softmax of all the raw logits.
 *
 * Environment: BENCH_ROUNDS (default 5); BENCH_THREADS (default os.availableParallelism());
 * BENCH_PARTS (default "1,2,3"; part 3 compares 1 llama.cpp thread with os.availableParallelism()).
 */
import {availableParallelism} from "node:os";
import {openLlamaCppModel, type LlamaCppBackend} from "../src/backends/llama-cpp/backend.js";
import {Evaluator} from "../src/evaluator/evaluator.js";
import type {EvaluatorStats} from "../src/evaluator/types.js";
import type {ScoreRequest, ScoreResult} from "../src/model/backend-spec.js";
import {describeMachine, formatMachine} from "./lib/machine.js";
import {
    captumScores,
    engineLimit,
    float64Scores,
    mustEvaluateStream,
    naiveScores,
    openDirect,
    prefixReplay,
    prefixReplayBiasedTopK,
} from "./lib/llama-direct.js";
import {variantMasks, variantRequests} from "./lib/scoring-workload.js";
import {formatMs, markdownTable, median, timeIt} from "./lib/timing.js";
import {sharedModel} from "./lib/models.js";
import {scoreFromScratch} from "../test/helpers/score-from-scratch.js";

const storiesPath = sharedModel("stories260K.gguf");
const tinyRandomPath = sharedModel("llama-2-tiny-random.gguf");
const rounds = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 5));
const threads = Math.max(1, Number(process.env["BENCH_THREADS"] ?? availableParallelism()));
const contextSize = 512;
const laneCounts = [1, 2, 4] as const;

function maxAbsDifference(left: readonly ScoreResult[], right: readonly ScoreResult[]): number {
    let worst = 0;
    left.forEach((result, index) =>
        result.logprobs.forEach((value, position) => {
            worst = Math.max(worst, Math.abs(value - (right[index]?.logprobs[position] ?? Number.NaN)));
        }),
    );
    return worst;
}

async function resetLanes(backend: LlamaCppBackend): Promise<void> {
    const bos = backend.vocabulary.bos ?? 1;
    for (let lane = 0; lane < backend.capabilities.lanes; lane++) await backend.score({context: [bos], target: [bos]}, lane);
}

/** Per-round ratio columns of `name` against both naive arms: (a) captum-style and (a′) single-pass. */
function baselineRatios(map: Map<string, number[]>, name: string): string[] {
    return [`${roundRatio(map, "captum", name).toFixed(2)}×`, `${roundRatio(map, "a", name).toFixed(2)}×`];
}

async function evaluatorRun(
    backend: LlamaCppBackend,
    requests: readonly ScoreRequest[],
): Promise<{ms: number; cpuMs: number; results: ScoreResult[]; stats: EvaluatorStats}> {
    await resetLanes(backend);
    const evaluator = new Evaluator(backend, {cache: false});
    const {ms, cpuMs, value} = await timeIt(() => evaluator.scoreMany(requests));
    return {ms, cpuMs, results: value, stats: evaluator.stats};
}

interface Samples {
    wall: Map<string, number[]>;
    cpu: Map<string, number[]>;
}

function collect(samples: Samples, name: string, timing: {ms: number; cpuMs: number}): void {
    for (const [map, value] of [
        [samples.wall, timing.ms],
        [samples.cpu, timing.cpuMs],
    ] as const) {
        const list = map.get(name) ?? [];
        list.push(value);
        map.set(name, list);
    }
}

function medianOf(map: Map<string, number[]>, name: string): number {
    return median(map.get(name) ?? []);
}

/** Median over rounds of the per-round ratio numerator/denominator (same round, same machine state). */
function roundRatio(map: Map<string, number[]>, numerator: string, denominator: string): number {
    const top = map.get(numerator) ?? [];
    const bottom = map.get(denominator) ?? [];
    return median(top.map((value, round) => value / (bottom[round] ?? Number.NaN)));
}

async function partOne(): Promise<string> {
    const direct = await openDirect(storiesPath, {contextSize, threads});
    const masks = variantMasks();
    const {requests, fullPromptTokens} = variantRequests({tokenize: (text) => direct.model.tokenize(text), bos: direct.model.tokens.bos ?? undefined}, masks);
    const backends = new Map<number, LlamaCppBackend>();
    for (const lanes of laneCounts) backends.set(lanes, await openLlamaCppModel(storiesPath, {lanes, contextSize, threads}));
    const fullBackend = await openLlamaCppModel(storiesPath, {lanes: 1, contextSize, threads, targetReading: "full-distribution"});
    const stream = mustEvaluateStream(requests);
    const window = fullPromptTokens + 16;
    const totalTokens = requests.reduce((sum, request) => sum + request.context.length + request.target.length - 1, 0);

    const reference = await naiveScores(direct.sequence, requests);
    const captumDifference = maxAbsDifference(await captumScores(direct.sequence, requests), reference);
    const differences = new Map<number, number>();
    const stats = new Map<number, EvaluatorStats>();
    for (const [lanes, backend] of backends) {
        const run = await evaluatorRun(backend, requests);
        differences.set(lanes, maxAbsDifference(run.results, reference));
        stats.set(lanes, run.stats);
    }
    const fullDifference = maxAbsDifference((await evaluatorRun(fullBackend, requests)).results, reference);
    const exact = await float64Scores(direct.sequence, requests);
    const float64Difference = {
        weight: maxAbsDifference((await evaluatorRun(backends.get(1)!, requests)).results, exact),
        full: maxAbsDifference(reference, exact),
    };
    const windows = [64, 128, window];
    const windowCalls = new Map<number, number>();
    const samples: Samples = {wall: new Map(), cpu: new Map()};
    for (let round = 0; round < rounds; round++) {
        collect(samples, "captum", await timeIt(() => captumScores(direct.sequence, requests)));
        collect(samples, "a", await timeIt(() => naiveScores(direct.sequence, requests)));
        for (const [lanes, backend] of backends) collect(samples, `b${lanes}`, await evaluatorRun(backend, requests));
        collect(samples, "b-full", await evaluatorRun(fullBackend, requests));
        collect(samples, "r", await timeIt(() => prefixReplay(direct.sequence, requests, "logit-weight")));
        collect(samples, "rp", await timeIt(() => prefixReplay(direct.sequence, requests, "probabilities")));
        collect(samples, "r0", await timeIt(() => prefixReplay(direct.sequence, requests, "none")));
        for (const size of windows) {
            const limit = await timeIt(() => engineLimit(direct.sequence, stream, size, "logit-weight"));
            windowCalls.set(size, limit.value);
            collect(samples, `c${size}`, limit);
            collect(samples, `cp-${size}`, await timeIt(() => engineLimit(direct.sequence, stream, size, "probabilities")));
            collect(samples, `c0-${size}`, await timeIt(() => engineLimit(direct.sequence, stream, size, "none")));
        }
    }
    // The engine limit is the fastest window size (by median CPU time), with and without logits.
    const fastest = (prefix: string): string =>
        windows.map((size) => `${prefix}${size}`).reduce((best, name) => (medianOf(samples.cpu, name) < medianOf(samples.cpu, best) ? name : best));
    const limitName = fastest("c");
    const limitProbabilitiesName = fastest("cp-");
    const limitNoLogitsName = fastest("c0-");
    const row = (label: string, name: string, evaluated: number, calls: number): string[] => [
        label,
        String(evaluated),
        String(calls),
        formatMs(medianOf(samples.cpu, name)),
        formatMs(medianOf(samples.wall, name)),
        ...baselineRatios(samples.cpu, name),
        `${roundRatio(samples.cpu, name, limitName).toFixed(2)}×`,
        `${roundRatio(samples.cpu, name, limitProbabilitiesName).toFixed(2)}×`,
        ...baselineRatios(samples.wall, name),
        `${roundRatio(samples.wall, name, limitName).toFixed(2)}×`,
    ];
    const captumCalls = requests.reduce((sum, request) => sum + request.target.length, 0);
    const rows = [
        row("(a) captum-style: per variant a prefill of the prompt, then the target one token per call", "captum", totalTokens, captumCalls),
        row("(a′) single-pass naive: per variant prompt + target from scratch in one call", "a", totalTokens, requests.length),
        ...laneCounts.map((lanes) =>
            row(
                `(b) Evaluator, ${lanes} lane${lanes > 1 ? "s" : ""}`,
                `b${lanes}`,
                stats.get(lanes)?.evaluatedTokens ?? 0,
                stats.get(lanes)?.backendCalls ?? 0,
            ),
        ),
        row(
            '(b) Evaluator, 1 lane, `targetReading: "full-distribution"` (the previous reading)',
            "b-full",
            stats.get(1)?.evaluatedTokens ?? 0,
            stats.get(1)?.backendCalls ?? 0,
        ),
        ...windows.map((size) =>
            row(
                `(c) engine limit, windows of ${size}, targets read at 1,024 positions${`c${size}` === limitName ? " (limit)" : ""}`,
                `c${size}`,
                stream.tokens.length,
                windowCalls.get(size) ?? 0,
            ),
        ),
        ...windows.map((size) =>
            row(
                `(cp) engine limit, windows of ${size}, full distributions at 1,024 positions${`cp-${size}` === limitProbabilitiesName ? " (previous limit)" : ""}`,
                `cp-${size}`,
                stream.tokens.length,
                windowCalls.get(size) ?? 0,
            ),
        ),
        ...windows.map((size) => row(`(c0) engine limit, windows of ${size}, no logits`, `c0-${size}`, stream.tokens.length, windowCalls.get(size) ?? 0)),
        row(
            "(r) the Evaluator's token work issued directly: same tokens at the same positions, targets read at 1,024 positions",
            "r",
            stream.tokens.length,
            requests.length,
        ),
        row("(rp) the same reading full distributions", "rp", stream.tokens.length, requests.length),
        row("(r0) the same without logits", "r0", stream.tokens.length, requests.length),
    ];
    for (const backend of [...backends.values(), fullBackend]) await backend.dispose();
    await direct.dispose();
    return [
        `### Part 1: stories260K (vocabulary 512), ${requests.length} variants, ${rounds} rounds`,
        "",
        `Full prompt ${fullPromptTokens} tokens (BOS included), target 16 tokens, mean variant context ` +
            `${(requests.reduce((sum, request) => sum + request.context.length, 0) / requests.length).toFixed(1)} tokens; ` +
            `threads ${threads}, context ${contextSize} per lane, exact mode (F32 KV cache, no flash attention). ` +
            `Naive evaluation needs ${totalTokens} tokens; prefix order on one lane needs ${stream.tokens.length} ` +
            `(${(totalTokens / stream.tokens.length).toFixed(2)}× fewer): the most prefix reuse alone can save on this workload.`,
        "",
        markdownTable(
            [
                "method",
                "evaluated tokens",
                "calls",
                "CPU time",
                "wall time",
                "CPU: (a) / x",
                "CPU: (a′) / x",
                "CPU: x / (c)",
                "CPU: x / (cp)",
                "wall: (a) / x",
                "wall: (a′) / x",
                "wall: x / (c)",
            ],
            rows,
        ),
        "",
        `Times are medians over rounds; ratios are medians of per-round ratios. (c) = ${limitName.replace("c", "windows of ")}, ` +
            `(cp) fastest = ${limitProbabilitiesName.replace("cp-", "windows of ")}, (c0) fastest = ${limitNoLogitsName.replace("c0-", "windows of ")}.`,
        "",
        `(a) captum-style vs (a′) single-pass scores, max |Δ logprob|: ${captumDifference.toExponential(2)}. ` +
            `Evaluator results vs (a′) single-pass scores, max |Δ logprob|: ${laneCounts.map((lanes) => `${lanes} lane(s) ${differences.get(lanes)?.toExponential(2)}`).join(", ")}; ` +
            `full-distribution reading ${fullDifference.toExponential(2)}. Against a float64 log-softmax of all the raw logits: ` +
            `Evaluator (1 lane, default reading) ${float64Difference.weight.toExponential(2)}, (a′) full distributions ${float64Difference.full.toExponential(2)}.`,
    ].join("\n");
}

async function partTwo(): Promise<string> {
    const direct = await openDirect(tinyRandomPath, {contextSize, threads});
    const {requests, fullPromptTokens} = variantRequests({tokenize: (text) => direct.model.tokenize(text), bos: direct.model.tokens.bos ?? undefined});
    const weightBackend = await openLlamaCppModel(tinyRandomPath, {lanes: 1, contextSize, threads});
    const weightLanesBackend = await openLlamaCppModel(tinyRandomPath, {lanes: 4, contextSize, threads});
    const fullBackend = await openLlamaCppModel(tinyRandomPath, {lanes: 1, contextSize, threads, targetReading: "full-distribution"});
    const vocabularySize = weightBackend.vocabulary.size;
    const reference = await naiveScores(direct.sequence, requests);
    const exact = await float64Scores(direct.sequence, requests);
    const fullCheck = await evaluatorRun(fullBackend, requests);
    const weightCheck = await evaluatorRun(weightBackend, requests);
    const weightLanesCheck = await evaluatorRun(weightLanesBackend, requests);
    const captumDifference = maxAbsDifference(await captumScores(direct.sequence, requests), reference);
    const biasedOptions = {topK: 32, bias: 32};
    const biased = await prefixReplayBiasedTopK(direct.model, direct.sequence, requests, biasedOptions);
    const directWeight = await prefixReplay(direct.sequence, requests, "logit-weight");
    const singlePassDifference = maxAbsDifference(await scoreFromScratch(weightBackend, requests), reference);
    const samples: Samples = {wall: new Map(), cpu: new Map()};
    for (let round = 0; round < rounds; round++) {
        collect(samples, "none", await timeIt(() => prefixReplay(direct.sequence, requests, "none")));
        collect(samples, "confidence", await timeIt(() => prefixReplay(direct.sequence, requests, "confidence")));
        collect(samples, "biased", await timeIt(() => prefixReplayBiasedTopK(direct.model, direct.sequence, requests, biasedOptions)));
        collect(samples, "weight", await timeIt(() => prefixReplay(direct.sequence, requests, "logit-weight")));
        collect(samples, "evaluator", await evaluatorRun(weightBackend, requests));
        collect(samples, "evaluator-lanes", await evaluatorRun(weightLanesBackend, requests));
        collect(samples, "evaluator-full", await evaluatorRun(fullBackend, requests));
        collect(samples, "captum", await timeIt(() => captumScores(direct.sequence, requests)));
        collect(samples, "a", await timeIt(() => naiveScores(direct.sequence, requests)));
        collect(samples, "a-weight", await timeIt(() => scoreFromScratch(weightBackend, requests)));
    }
    const row = (label: string, name: string): string[] => {
        const cpu = medianOf(samples.cpu, name);
        const wall = medianOf(samples.wall, name);
        const share = (map: Map<string, number[]>): string =>
            name === "none"
                ? "—"
                : `${(median((map.get(name) ?? []).map((value, round) => (value - (map.get("none")?.[round] ?? 0)) / value)) * 100).toFixed(1)}%`;
        return [
            label,
            formatMs(cpu),
            formatMs(wall),
            `${roundRatio(samples.cpu, name, "none").toFixed(1)}×`,
            share(samples.cpu),
            `${roundRatio(samples.cpu, "biased", name).toFixed(2)}×`,
            ...baselineRatios(samples.cpu, name),
            ...baselineRatios(samples.wall, name),
        ];
    };
    await weightBackend.dispose();
    await weightLanesBackend.dispose();
    await fullBackend.dispose();
    await direct.dispose();
    const difference = (results: readonly ScoreResult[]): string =>
        `${maxAbsDifference(results, reference).toExponential(2)} / ${maxAbsDifference(results, exact).toExponential(2)}`;
    return [
        `### Part 2: reading target-token probabilities, llama-2-tiny-random (vocabulary ${vocabularySize}), ${rounds} rounds`,
        "",
        `Same 64 variants (full prompt ${fullPromptTokens} tokens with this tokenizer). The Evaluator on one lane ` +
            `(prefix order, KV prefix reuse; ${weightCheck.stats.evaluatedTokens} tokens evaluated in ${weightCheck.stats.backendCalls} calls), logits at the 16 target positions of each variant; ` +
            "direct rows replay the same token work on one sequence.",
        "",
        markdownTable(
            [
                "target positions read as",
                "CPU time",
                "wall time",
                "CPU vs no logits",
                "share of CPU time on logits",
                "CPU: biased top-k / x",
                "CPU: (a) / x",
                "CPU: (a′) / x",
                "wall: (a) / x",
                "wall: (a′) / x",
            ],
            [
                row("direct, not requested (no logits)", "none"),
                row("direct, `confidence` only (native softmax + sort, no transfer)", "confidence"),
                row(`direct, greedy confidence + biased top-${biasedOptions.topK} (internal API; the backend's reading before node-llama-cpp 3.22)`, "biased"),
                row("direct, logit − max logit − ln(total logit weight) (public API, node-llama-cpp 3.22)", "weight"),
                row("**Evaluator + backend, 1 lane, total-logit-weight reading (default)**", "evaluator"),
                row("Evaluator + backend, 4 lanes decoding in one batch, total-logit-weight reading", "evaluator-lanes"),
                row('Evaluator + backend, `targetReading: "full-distribution"`', "evaluator-full"),
                row("(a) captum-style: prefill + one target token per call, full distribution per step", "captum"),
                row("(a′) single-pass naive: prompt + target in one call, full distribution per target position", "a"),
                row("(a′) single-pass through the backend (total-logit-weight reading, no prefix reuse beyond BOS)", "a-weight"),
            ],
        ),
        "",
        `Max |Δ logprob| against (a′) full distributions / against a float64 log-softmax of all the raw logits: ` +
            `Evaluator total logit weight ${difference(weightCheck.results)}, the same on 4 lanes ${difference(weightLanesCheck.results)}, ` +
            `direct total logit weight ${difference(directWeight)}, Evaluator full distribution ${difference(fullCheck.results)}, ` +
            `direct biased top-k ${difference(biased.results)}, (a′) itself ${difference(reference)}; (a) captum-style against (a′) ${captumDifference.toExponential(2)}, ` +
            `single-pass through the backend against (a′) ${singlePassDifference.toExponential(2)}. ` +
            `Biased top-k full-distribution fall-backs: ${biased.fallbacks}. ` +
            `Per-round ratio (a′) through the backend / Evaluator, CPU ${roundRatio(samples.cpu, "a-weight", "evaluator").toFixed(2)}×, wall ${roundRatio(samples.wall, "a-weight", "evaluator").toFixed(2)}×.`,
    ].join("\n");
}

/** Part 3: threads = 1 against threads = os.availableParallelism(), same run, first 16 variants. */
async function partThree(): Promise<string> {
    const counts = [...new Set([1, availableParallelism()])];
    const opened = [];
    for (const count of counts) {
        const direct = await openDirect(storiesPath, {contextSize, threads: count});
        const backend = await openLlamaCppModel(storiesPath, {lanes: 1, contextSize, threads: count});
        opened.push({count, direct, backend});
    }
    const first = opened[0]!;
    const {requests: all} = variantRequests({tokenize: (text) => first.direct.model.tokenize(text), bos: first.direct.model.tokens.bos ?? undefined});
    const requests = all.slice(0, 16);
    const samples: Samples = {wall: new Map(), cpu: new Map()};
    for (let round = 0; round < rounds; round++) {
        for (const {count, direct, backend} of opened) {
            collect(samples, `a${count}`, await timeIt(() => naiveScores(direct.sequence, requests)));
            collect(samples, `b${count}`, await evaluatorRun(backend, requests));
        }
    }
    const rows = opened.flatMap(({count}) => [
        [
            `(a) naive, ${count} thread${count > 1 ? "s" : ""}`,
            formatMs(medianOf(samples.wall, `a${count}`)),
            formatMs(medianOf(samples.cpu, `a${count}`)),
            `${roundRatio(samples.wall, `a${count}`, "a1").toFixed(2)}×`,
        ],
        [
            `(b) Evaluator 1 lane, ${count} thread${count > 1 ? "s" : ""}`,
            formatMs(medianOf(samples.wall, `b${count}`)),
            formatMs(medianOf(samples.cpu, `b${count}`)),
            `${roundRatio(samples.wall, `b${count}`, "b1").toFixed(2)}×`,
        ],
    ]);
    for (const {direct, backend} of opened) {
        await backend.dispose();
        await direct.dispose();
    }
    return [
        `### Part 3: llama.cpp threads, stories260K, first 16 variants, ${rounds} rounds`,
        "",
        markdownTable(["method", "wall time", "CPU time", "wall vs 1 thread (per-round median)"], rows),
    ].join("\n");
}

const machine = describeMachine();
console.log(
    `## Scoring benchmark (${new Date().toISOString()})\n\n${formatMachine(machine)
        .split("\n")
        .map((line) => `- ${line}`)
        .join("\n")}\n- llama.cpp threads: ${threads}\n`,
);
const parts = (process.env["BENCH_PARTS"] ?? "1,2,3").split(",").map((part) => part.trim());
if (parts.includes("1")) console.log(`${await partOne()}\n`);
if (parts.includes("2")) console.log(`${await partTwo()}\n`);
if (parts.includes("3")) console.log(await partThree());
