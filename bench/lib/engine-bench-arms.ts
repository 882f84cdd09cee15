/**
 * One measurement of the engine benchmark, run in its own process so that its peak memory is its
 * own: the engine's forward or forward + backward, llama.cpp's forward, or the engine kernel's
 * best GFLOP/s. Prints one JSON line: wall seconds and process CPU seconds (user + system, all
 * threads) per repetition after one warm-up, and the process's peak resident memory.
 */
import {readFileSync} from "node:fs";
import type {Token} from "node-llama-cpp";
import {loadWhiteBoxModel, readWhiteBoxPlan} from "../../src/backends/engine/index.js";
import {linearForward} from "../../src/engine/kernels/matmul.js";
import {logProbObjective} from "../../src/engine/objectives.js";
import {openDirect} from "./llama-direct.js";

export type ArmName = "engine-forward" | "engine-forward-backward" | "llama-forward" | "kernel-peak";

export interface ArmResult {
    seconds: number[];
    cpuSeconds: number[];
    maxRssMiB: number;
}

/** The benchmark's input: deterministic token ids (never BOS), the same for every arm. */
export function benchTokens(length: number, vocabSize: number): number[] {
    return Array.from({length}, (_, index) => 3 + ((index * 7919 + 11) % (vocabSize - 3)));
}

interface Timing {
    wall: number;
    cpu: number;
}

async function timed(action: () => unknown): Promise<Timing> {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    await action();
    const cpu = process.cpuUsage(cpuStart);
    return {wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6};
}

/**
 * Peak resident memory of this process image (VmHWM). getrusage's maxrss is not used: on Linux it
 * carries the parent's peak across fork and exec.
 */
export function peakResidentMiB(): number {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match === null ? Number.NaN : Number(match[1]) / 1024;
}

function result(timings: readonly Timing[], divisor = 1): ArmResult {
    return {seconds: timings.map((t) => t.wall / divisor), cpuSeconds: timings.map((t) => t.cpu / divisor), maxRssMiB: peakResidentMiB()};
}

export async function runArm(arm: ArmName, modelPath: string, length: number, repetitions: number, threads: number): Promise<ArmResult> {
    const timings: Timing[] = [];
    if (arm === "kernel-peak") {
        const [rows, inDim, outDim] = [256, 512, 512];
        const x = Float32Array.from({length: rows * inDim}, (_, i) => Math.sin(i)),
            w = Float32Array.from({length: outDim * inDim}, (_, i) => Math.cos(i));
        const y = new Float32Array(rows * outDim);
        for (let r = 0; r < repetitions + 3; r++)
            timings.push(
                await timed(() => {
                    for (let k = 0; k < 10; k++) linearForward(x, rows, inDim, w, outDim, undefined, y);
                }),
            );
        return result(timings.slice(3), 10);
    }
    if (arm === "llama-forward") {
        const direct = await openDirect(modelPath, {contextSize: Math.max(length, 512), threads, batchSize: Math.max(length, 512)});
        const tokens = benchTokens(length, readWhiteBoxPlan(modelPath).plan.config.vocabSize);
        for (let r = 0; r <= repetitions; r++) {
            await direct.sequence.clearHistory();
            const time = await timed(() => direct.sequence.controlledEvaluate(tokens.map((token) => [token as Token, {generateNext: {confidence: true}}])));
            if (r > 0) timings.push(time);
        }
        await direct.dispose();
        return result(timings);
    }
    const model = loadWhiteBoxModel(modelPath);
    const tokens = [benchTokens(length, model.config.vocabSize)];
    const objective = logProbObjective([{position: length - 1, token: 7}]);
    for (let r = 0; r <= repetitions; r++) {
        const time = await timed(() => (arm === "engine-forward" ? model.run(tokens) : model.backward({tokens, objective})));
        if (r > 0) timings.push(time);
    }
    return result(timings);
}
