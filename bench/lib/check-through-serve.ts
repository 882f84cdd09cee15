/**
 * The check arm of `npm run bench:remote`: the same counterfactual check (answers read by scoring
 * the options, then insertion edits) on the same items, in process on a GGUF and through `vllm:` on
 * a `glassbox serve` child process of the same file, measured side by side in one run: the arms
 * alternate, each repeated, so load on a shared machine falls on all of them. The ratio remote /
 * in process is the figure of merit (target: within 2×). A third arm scores whole prompts through
 * the same server (no `logprob_start_len`, as against a real vLLM): what the check cost before the
 * server reused the context. Every pass of every arm must give the same verdicts.
 */
import {performance} from "node:perf_hooks";
import {fileURLToPath} from "node:url";
import {readFileSync} from "node:fs";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {openModel} from "../../src/backends/resolve-model.js";
import {openVllmModel} from "../../src/backends/vllm/vllm-backend.js";
import {counterfactualItem} from "../../src/checks/counterfactual/check.js";
import {parseWordListFile} from "../../src/checks/counterfactual/word-lists.js";
import {datasetItem, type DatasetItem} from "../../src/datasets/item.js";
import type {Backend} from "../../src/model/backend-spec.js";
import {startServeProcess} from "../../test/server/serve-process.js";
import {markdownTable} from "./timing.js";

export interface CheckArmOptions {
    modelPath: string;
    /** Items per pass. */
    items: number;
    /** Edits per item. */
    edits: number;
    /** Passes per arm (alternating in process / remote). */
    repeats: number;
    contextSize: number;
}

export const checkArms = ["in process", "vllm: on glassbox serve", "vllm:, whole prompts"] as const;
export type CheckArmName = (typeof checkArms)[number];

export interface CheckArmRun {
    arm: CheckArmName;
    pass: number;
    wallMs: number;
    perItemMs: number;
}

export interface CheckArmResult {
    options: CheckArmOptions;
    runs: CheckArmRun[];
    /** Per arm: median wall time of a pass, and median / the in-process median. */
    medians: Record<CheckArmName, number>;
    ratios: Record<CheckArmName, number>;
    /** Per arm, per pass: its wall time / the in-process pass run just before it. */
    pairRatios: Record<CheckArmName, number[]>;
}

const sentences = [
    "the film had a plot and they watched it to the end",
    "we saw the show and it was long",
    "Lily took her red ball to the park",
    "the dog ran in the garden all day",
    "the cake was big and the kids ate it",
    "the boy read a book under the tree",
    "the girl sang a song to her mom",
    "the cat sat on the warm mat",
];

/** Items with two answer options, so the answer is read by scoring (the check's scoring path). */
export function checkItems(count: number): DatasetItem[] {
    return Array.from({length: count}, (_, index) =>
        datasetItem({
            id: `item-${index}`,
            prompt: `Review ${index}: ${sentences[index % sentences.length]}.\nAnswer:`,
            options: ["negative", "positive"],
            label: "negative",
        }),
    );
}

const wordListDirectory = fileURLToPath(new URL("../../data/wordlists/", import.meta.url));

function wordLists(): {adjectives: string[]; adverbs: string[]} {
    const read = (name: string): string[] => parseWordListFile(readFileSync(`${wordListDirectory}${name}`, "utf8"), name);
    return {adjectives: read("adjectives.txt"), adverbs: read("adverbs.txt")};
}

/** One pass over the items: its wall time and the verdicts (JSON), which must not depend on the arm. */
async function runPass(backend: Backend, items: readonly DatasetItem[], edits: number): Promise<{wallMs: number; verdicts: string}> {
    const lists = wordLists();
    const verdicts: unknown[] = [];
    const start = performance.now();
    for (const item of items) verdicts.push((await counterfactualItem(backend, item, {wordLists: lists, edits, seed: 0})).verdict);
    return {wallMs: performance.now() - start, verdicts: JSON.stringify(verdicts)};
}

function median(values: readonly number[]): number {
    const sorted = [...values].sort((left, right) => left - right);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export async function measureCheckArm(options: CheckArmOptions, log: (line: string) => void = () => undefined): Promise<CheckArmResult> {
    const items = checkItems(options.items);
    const server = await startServeProcess(["--model", options.modelPath, "--context-size", String(options.contextSize)]);
    const local = await openLlamaCppModel(options.modelPath, {contextSize: options.contextSize});
    const runs: CheckArmRun[] = [];
    let firstVerdicts: string | undefined;
    try {
        const remote = await openModel(`vllm:${server.url}/v1`);
        const wholePrompts = await openVllmModel({baseUrl: `${server.url}/v1`, scoreFromTarget: false});
        const backends: Record<CheckArmName, Backend> = {"in process": local, "vllm: on glassbox serve": remote, "vllm:, whole prompts": wholePrompts};
        try {
            // Warm-up: connections, the server's first evaluations, the tokenizer caches.
            for (const arm of checkArms) await runPass(backends[arm], items.slice(0, 2), options.edits);
            for (let pass = 0; pass < options.repeats; pass++) {
                for (const arm of checkArms) {
                    const {wallMs, verdicts} = await runPass(backends[arm], items, options.edits);
                    if (firstVerdicts === undefined) firstVerdicts = verdicts;
                    else if (verdicts !== firstVerdicts) throw new Error(`${arm} pass ${pass + 1} gave other verdicts than the first pass`);
                    const run: CheckArmRun = {arm, pass, wallMs, perItemMs: wallMs / items.length};
                    runs.push(run);
                    log(`check arm, pass ${pass + 1}: ${arm}: ${wallMs.toFixed(0)} ms (${run.perItemMs.toFixed(1)} ms per item)`);
                }
            }
        } finally {
            await remote.dispose();
            await wholePrompts.dispose();
        }
    } finally {
        await local.dispose();
        await server.stop();
    }
    const wall = (arm: CheckArmName): number[] => runs.filter((run) => run.arm === arm).map((run) => run.wallMs);
    const inProcess = wall("in process");
    const perArm = <T>(value: (arm: CheckArmName) => T): Record<CheckArmName, T> =>
        Object.fromEntries(checkArms.map((arm) => [arm, value(arm)])) as Record<CheckArmName, T>; // every arm is a key
    const medians = perArm((arm) => median(wall(arm)));
    return {
        options,
        runs,
        medians,
        ratios: perArm((arm) => medians[arm] / medians["in process"]),
        pairRatios: perArm((arm) => wall(arm).map((value, index) => value / (inProcess[index] as number))),
    };
}

/** The BENCHMARKS.md section: every pass of every arm, the medians and ratios, the machine. */
export function checkArmSection(result: CheckArmResult, machine: string, loadBefore: readonly number[], loadAfter: readonly number[]): string {
    const {items, edits, repeats} = result.options;
    const passes = Array.from({length: repeats}, (_, pass) => [
        String(pass + 1),
        ...checkArms.map((arm) => {
            const run = result.runs.find((item) => item.arm === arm && item.pass === pass);
            return run === undefined ? "—" : `${run.wallMs.toFixed(0)} ms (${run.perItemMs.toFixed(1)} ms/item)`;
        }),
        ...checkArms.slice(1).map((arm) => `${(result.pairRatios[arm][pass] ?? Number.NaN).toFixed(2)}×`),
    ]);
    const load = (values: readonly number[]): string => values.map((value) => value.toFixed(1)).join(" / ");
    return [
        `The same check on the same items, in process and through \`vllm:\` on \`glassbox serve\` (a child process on loopback,`,
        `stories260K, 4 lanes, context 256): \`check counterfactual\`'s per-item evaluation on ${items} items with two answer`,
        `options (answers read by scoring both options) and ${edits} insertion edits each, so ${items * (edits + 1) * 2} scoring calls per pass, each`,
        "after its own target alignment: through the server, three requests in a row per scoring call (tokenize, one",
        "batched detokenize, the scoring itself), where in process all three are function calls. The arms alternate, pass by pass,",
        `${repeats} passes each after a warm-up; every pass of every arm gave the same verdicts. "vllm:, whole prompts" is the same`,
        "server scored the way vLLM is (every prompt position from scratch), which is what the vllm: backend did before it sent",
        "`logprob_start_len` to glassbox serve: the server then evaluated each ~30-token prompt in full for every option of every",
        "edit, where the in-process backend evaluates only what follows the prefix its lane already holds.",
        "",
        markdownTable(["pass", ...checkArms, ...checkArms.slice(1).map((arm) => `${arm} / in process`)], passes),
        "",
        `Median pass: in process ${result.medians["in process"].toFixed(0)} ms, vllm: on glassbox serve ${result.medians["vllm: on glassbox serve"].toFixed(0)} ms`,
        `(**${result.ratios["vllm: on glassbox serve"].toFixed(2)}×**; target within 2×), whole prompts ${result.medians["vllm:, whole prompts"].toFixed(0)} ms`,
        `(${result.ratios["vllm:, whole prompts"].toFixed(2)}×). Load average (1/5/15 min) ${load(loadBefore)} before and ${load(loadAfter)} after:`,
        "the machine is shared, so single passes swing; the ratios are of passes run back to back. Generated by",
        "`npm run bench:remote` (alone: `npm run bench:remote -- --check-only`).",
        "",
        `Machine: ${machine}`,
    ].join("\n");
}
