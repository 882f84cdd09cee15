/**
 * `npm run bench:remote`: explanation throughput through the HTTP backends against 1 and 2
 * `glassbox serve` replicas (child processes on loopback, stories260K), at 1…16 requests in
 * flight per replica, for the vllm: scheme (whole-prompt echo scoring, no server-side prefix
 * reuse, like vLLM) and the sglang: scheme (/generate with logprob_start_len: the server keeps the
 * shared prefix on a lane). An in-process run of the same explanation is the reference.
 *
 * Client overhead = the fraction of wall time the client's event loop was busy (not waiting on a
 * server): JSON encoding and parsing, scheduling, the attribution itself. Measured with
 * performance.eventLoopUtilization(); the client's CPU time is shown too.
 *
 * Sizes are modest on purpose: the machine this runs on may have 2 cores shared with other work,
 * and both servers and the client share them. Writes its section into BENCHMARKS.md.
 * Options: --explanations N (per cell, default 3), --budget N (default 48), --no-write.
 */
import {readFileSync, writeFileSync} from "node:fs";
import {performance} from "node:perf_hooks";
import {openLlamaCppModel} from "../src/backends/llama-cpp/backend.js";
import {openModel} from "../src/backends/resolve-model.js";
import {Evaluator} from "../src/evaluator/evaluator.js";
import type {ReplicatedBackend} from "../src/evaluator/replicas.js";
import {explain} from "../src/explain/explain.js";
import type {ModelBackend} from "../src/model/contract.js";
import type {StructuredInput} from "../src/units/types.js";
import {startServeProcess, type ServeProcess} from "../test/server/serve-process.js";
import {describeMachine, formatMachine} from "./lib/machine.js";
import {markdownTable} from "./lib/timing.js";

const modelPath = "/work/shared/models/stories260K.gguf";
const argument = (name: string, fallback: number): number => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const explanations = argument("explanations", 3);
const budget = argument("budget", 64);
const concurrencies = [1, 2, 4, 8, 16];
const serverLanes = 4;

const input: StructuredInput = {kind: "prompt", prompt: "Lily took her red ball to the park with her dog"};
const target = ". The dog was happy";

interface Cell {
    label: string;
    replicas: number;
    concurrency: number;
    wallMs: number;
    requests: number;
    busyFraction: number;
    cpuMs: number;
}

async function measure(label: string, backend: ModelBackend, replicas: number, concurrency: number): Promise<Cell> {
    const run = (seed: number) => explain(backend, input, {
        unit: "word", method: "shapley", budget, seed, target, evaluator: new Evaluator(backend, {cache: false}),
    });
    await run(1000); // warm-up: connections, tokenizer caches
    let requests = 0;
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let index = 0; index < explanations; index++) requests += (await run(index)).evaluator.backendCalls;
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const busyFraction = performance.eventLoopUtilization(elu).utilization;
    return {label, replicas, concurrency, wallMs, requests, busyFraction, cpuMs: (used.user + used.system) / 1000};
}

function row(cell: Cell): string[] {
    const perSecond = (count: number): string => (count / (cell.wallMs / 1000)).toFixed(count / (cell.wallMs / 1000) >= 10 ? 0 : 2);
    return [
        cell.label, String(cell.replicas), cell.replicas === 0 ? "—" : `${cell.concurrency} (${cell.concurrency * Math.max(1, cell.replicas)} in flight)`,
        perSecond(explanations), perSecond(cell.requests), `${(cell.wallMs / cell.requests).toFixed(2)} ms`,
        `${(cell.busyFraction * 100).toFixed(1)} %`, `${((cell.cpuMs / cell.wallMs) * 100).toFixed(1)} %`,
    ];
}

async function main(): Promise<void> {
    const machine = describeMachine();
    process.stderr.write(`starting two glassbox serve replicas (${serverLanes} lanes each)\n`);
    const servers: ServeProcess[] = await Promise.all([0, 1].map(() => startServeProcess(["--model", modelPath, "--lanes", String(serverLanes), "--context-size", "256"])));
    const cells: Cell[] = [];
    try {
        const local = await openLlamaCppModel(modelPath, {contextSize: 256, lanes: serverLanes});
        cells.push(await measure("in process (reference)", local, 0, serverLanes));
        await local.dispose();
        for (const scheme of ["vllm", "sglang"] as const) {
            for (const replicas of [1, 2]) {
                for (const concurrency of concurrencies) {
                    const urls = servers.slice(0, replicas).map((server) => `${server.url}${scheme === "vllm" ? "/v1" : ""}`);
                    const backend = await openModel(`${scheme}:${urls.join(",")}?concurrency=${concurrency}`) as ReplicatedBackend;
                    const cell = await measure(scheme, backend, replicas, concurrency);
                    cells.push(cell);
                    process.stderr.write(`${row(cell).join("  ")}\n`);
                    await backend.dispose();
                }
            }
        }
    } finally {
        await Promise.all(servers.map((server) => server.stop()));
    }
    const remote = cells.filter((cell) => cell.replicas > 0);
    const worst = remote.reduce((max, cell) => Math.max(max, cell.busyFraction), 0);
    const best = (scheme: string, replicas: number): Cell | undefined => remote.filter((cell) => cell.label === scheme && cell.replicas === replicas)
        .reduce<Cell | undefined>((top, cell) => top === undefined || cell.requests / cell.wallMs > top.requests / top.wallMs ? cell : top, undefined);
    const speedup = (scheme: string): string => {
        const one = best(scheme, 1), two = best(scheme, 2);
        return one === undefined || two === undefined ? "—" : `${((two.requests / two.wallMs) / (one.requests / one.wallMs)).toFixed(2)}×`;
    };
    const body = [
        `Explanation throughput through the HTTP backends against \`glassbox serve\` replicas on loopback (child processes,`,
        `stories260K, ${serverLanes} lanes each, one CPU thread each). One explanation: ${budget}-evaluation Shapley over the`,
        `${input.kind === "prompt" ? input.prompt.split(/\s+/).length : 0} words of a prompt, fixed target, no cache; ${explanations} explanations per cell after a warm-up. "Concurrency" is`,
        "requests in flight per replica (`?concurrency=N` in --model). Client busy = event-loop utilisation of the client",
        "process (time not spent waiting on a server), the issue's client-overhead measure; client CPU = its CPU time / wall.",
        "vllm: scores the whole prompt per request (echo, like vLLM, which skips its prefix cache for prompt logprobs);",
        "sglang: /generate with logprob_start_len, so the server reuses a lane's shared prefix.",
        "",
        `Sizes are modest on purpose: this machine has ${machine.availableParallelism} cores shared with other work, and both servers and the`,
        "client run on them, so two replicas compete for the same cores: the 2-replica rows show the scheduling working,",
        "not the scaling a second machine would give. Generated by `npm run bench:remote`.",
        "",
        markdownTable(["backend", "replicas", "concurrency", "explanations/s", "requests/s", "wall per request", "client busy", "client CPU"], cells.map(row)),
        "",
        `Largest client busy fraction over the remote rows: ${(worst * 100).toFixed(1)} % (target < 5 %).`,
        `Best 2-replica / best 1-replica request throughput: vllm ${speedup("vllm")}, sglang ${speedup("sglang")}.`,
        "",
        `Machine: ${formatMachine(machine)}`,
    ].join("\n");
    process.stdout.write(`${body}\n`);
    if (!process.argv.includes("--no-write")) {
        const file = new URL("../BENCHMARKS.md", import.meta.url);
        writeFileSync(file, replaceSection(readFileSync(file, "utf8"), "Remote backends: glassbox serve replicas", body));
    }
}

/** Replaces the body under `## heading` (up to the next level-2 heading) or appends the section. */
function replaceSection(markdown: string, heading: string, body: string): string {
    const section = `## ${heading}\n\n${body.trim()}\n`;
    const lines = markdown.split("\n");
    const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
    if (start < 0) return `${markdown.trimEnd()}\n\n${section}`;
    let end = lines.findIndex((line, index) => index > start && /^## /.test(line));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join("\n");
    const after = lines.slice(end).join("\n");
    return `${before}\n${section}${after === "" ? "" : `\n${after}`}`;
}

await main();
