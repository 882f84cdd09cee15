/**
 * One llama.cpp runtime per process: getLlama is expensive (it loads the native binding and
 * probes hardware), so its promise is created once and shared by every model opened.
 */
import {existsSync} from "node:fs";
import {availableParallelism} from "node:os";
import {getLlama, LlamaLogLevel, type Llama} from "node-llama-cpp";

let runtime: Promise<Llama> | undefined;
const recentNativeLogs: string[] = [];

/** Whether this machine has a GPU llama.cpp can use (CUDA device nodes, or Apple's Metal). */
export function gpuLikelyPresent(): boolean {
    return process.platform === "darwin" || existsSync("/dev/nvidiactl") || existsSync("/dev/nvidia0") || existsSync("/dev/kfd");
}

/** Below this many bytes of weights, one thread is faster than several (see defaultThreads). */
const smallModelBytes = 64 << 20;

/**
 * CPU threads for evaluation. The library default oversubscribes small machines. For tiny models
 * one thread wins: llama.cpp's threads spin at barriers, and when another process holds a core a
 * 2-thread evaluation of stories260K took 40–1200 ms instead of 1–13 ms with one thread. Larger
 * models use every available core.
 */
export function defaultThreads(modelBytes: number): number {
    return modelBytes < smallModelBytes ? 1 : Math.max(1, availableParallelism());
}

/**
 * The shared runtime; GPU only when one is present, never builds from source. On the CPU,
 * node-llama-cpp (3.21.1 to 3.22.1) caps every context's threads at max(4, physical "math" cores) unless
 * maxThreads is given; it is raised to os.availableParallelism() so that the default of real-size
 * models (every available core, see defaultThreads) is what llama.cpp actually runs with.
 */
export function sharedLlama(): Promise<Llama> {
    const gpu = gpuLikelyPresent();
    runtime ??= getLlama({
        gpu: gpu ? "auto" : false,
        ...(gpu ? {} : {maxThreads: Math.max(4, availableParallelism())}),
        build: "never",
        logLevel: LlamaLogLevel.error,
        logger: (level, message) => {
            if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal) return;
            recentNativeLogs.push(message.trim());
            if (recentNativeLogs.length > 20) recentNativeLogs.shift();
        },
    }).catch((error: unknown) => {
        runtime = undefined;
        throw error;
    });
    return runtime;
}

/**
 * The most telling error line llama.cpp logged (for error messages): the line saying why loading
 * failed ("error loading model: missing tensor …") when there is one, else the last.
 */
export function lastNativeError(): string | undefined {
    const cause = [...recentNativeLogs].reverse().find((line) => /error loading model|unknown model architecture|missing tensor/.test(line));
    return cause ?? recentNativeLogs.at(-1);
}
