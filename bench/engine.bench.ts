/**
 * `npm run bench:engine`: the white-box engine against llama.cpp, PyTorch on the CPU and
 * TensorFlow.js (WebAssembly backend) on a random-weight llama GGUF written by the project
 * (bench/lib/engine-bench-model.ts), at 128 and 512 tokens. Every measurement runs in its own
 * process (its peak memory is its own), arms alternate within each round, and each arm reports the
 * median over rounds of wall time and process CPU time. Writes the section "White-box engine" of
 * BENCHMARKS.md.
 *
 * PyTorch: Debian's python3-torch (`apt-get install -y python3-torch`), benchmark only. TensorFlow.js:
 * `npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0` in a scratch folder
 * (GLASSBOX_TFJS_DIR, default $TMPDIR/engine-bench-js), never in the repository. Arms whose runtime
 * is missing are reported as not run. Flags: --lengths 128,512 --rounds 3 --threads 1 --no-write.
 * Child mode (internal): --child ARM --length N --reps N --threads N.
 */
import {spawnSync} from "node:child_process";
import {copyFileSync, existsSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {readWhiteBoxPlan} from "../src/backends/engine/index.js";
import {replaceSection} from "../src/validity/markdown.js";
import {runArm, type ArmName, type ArmResult} from "./lib/engine-bench-arms.js";
import {benchModelPath} from "./lib/engine-bench-model.js";
import {describeMachine} from "./lib/machine.js";
import {markdownTable, median} from "./lib/timing.js";

const {values: flags} = parseArgs({
    options: {
        "child": {type: "string"},
        "length": {type: "string"},
        "reps": {type: "string"},
        "threads": {type: "string", default: "1"},
        "lengths": {type: "string", default: "128,512"},
        "rounds": {type: "string", default: "3"},
        "no-write": {type: "boolean", default: false},
    },
});

if (flags.child !== undefined) {
    const result = await runArm(flags.child as ArmName, benchModelPath(), Number(flags.length), Number(flags.reps ?? "1"), Number(flags.threads));
    console.log(JSON.stringify(result));
    process.exit(0);
}

const heading = "White-box engine: forward and backward against llama.cpp, PyTorch and TensorFlow.js";
const threads = Number(flags.threads);
const rounds = Number(flags.rounds);
const lengths = flags.lengths.split(",").map(Number);
const root = new URL("..", import.meta.url).pathname;
const modelPath = benchModelPath();
const {config, weightBytes} = readWhiteBoxPlan(modelPath).plan;
const parameters = weightBytes / 4;
const tfjsDirectory = process.env.GLASSBOX_TFJS_DIR ?? join(tmpdir(), "engine-bench-js");
/** The first Python that imports torch: GLASSBOX_PYTHON, Debian's /usr/bin/python3 (python3-torch), then python3 on PATH. */
const python =
    [process.env.GLASSBOX_PYTHON, "/usr/bin/python3", "python3"].find(
        (candidate) => candidate !== undefined && spawnSync(candidate, ["-c", "import torch"], {encoding: "utf8"}).status === 0,
    ) ?? "python3";
const hasTorch = spawnSync(python, ["-c", "import torch"], {encoding: "utf8"}).status === 0;
const hasTfjs = existsSync(join(tfjsDirectory, "node_modules", "@tensorflow", "tfjs-backend-wasm"));
if (hasTfjs) copyFileSync(join(root, "bench", "lib", "engine-tfjs.mjs"), join(tfjsDirectory, "engine-tfjs.mjs"));

const shapeFlags = (length: number, reps: number): string[] => [
    "--dim",
    String(config.dim),
    "--layers",
    String(config.layers),
    "--heads",
    String(config.heads),
    "--ffn",
    String(config.ffn),
    "--vocab",
    String(config.vocabSize),
    "--length",
    String(length),
    "--reps",
    String(reps),
];

interface Arm {
    label: string;
    available: boolean;
    command: (length: number) => {file: string; args: string[]; cwd: string};
}

const node =
    (arm: ArmName, armThreads = threads) =>
    (length: number) => ({
        file: process.execPath,
        cwd: root,
        args: ["--import", "tsx", "bench/engine.bench.ts", "--child", arm, "--length", String(length), "--reps", "1", "--threads", String(armThreads)],
    });
const arms: Record<string, Arm> = {
    "engine forward": {label: "engine forward (f32, WebAssembly SIMD, 1 thread)", available: true, command: node("engine-forward")},
    "engine forward+backward": {label: "engine forward + backward to the input embeddings", available: true, command: node("engine-forward-backward")},
    "llama.cpp forward": {
        label: `llama.cpp forward, ${threads} thread${threads === 1 ? "" : "s"} (exact mode, logits at every position)`,
        available: true,
        command: node("llama-forward"),
    },
    "PyTorch forward": {
        label: `PyTorch ${hasTorch ? "" : "(not installed) "}forward, ${threads} thread${threads === 1 ? "" : "s"}`,
        available: hasTorch,
        command: (length) => ({
            file: python,
            cwd: root,
            args: ["bench/engine_torch.py", ...shapeFlags(length, 1), "--threads", String(threads), "--mode", "forward"],
        }),
    },
    "PyTorch forward+backward": {
        label: "PyTorch forward + backward to the input embeddings",
        available: hasTorch,
        command: (length) => ({
            file: python,
            cwd: root,
            args: ["bench/engine_torch.py", ...shapeFlags(length, 1), "--threads", String(threads), "--mode", "forward-backward"],
        }),
    },
    "TensorFlow.js forward": {
        label: `TensorFlow.js 4.22 ${hasTfjs ? "" : "(not installed) "}forward (wasm backend, SIMD)`,
        available: hasTfjs,
        command: (length) => ({file: process.execPath, cwd: tfjsDirectory, args: ["engine-tfjs.mjs", ...shapeFlags(length, 1), "--mode", "forward"]}),
    },
    "TensorFlow.js forward+backward": {
        label: "TensorFlow.js forward + backward to the input embeddings",
        available: hasTfjs,
        command: (length) => ({file: process.execPath, cwd: tfjsDirectory, args: ["engine-tfjs.mjs", ...shapeFlags(length, 1), "--mode", "forward-backward"]}),
    },
};

function run(arm: Arm, length: number): ArmResult | undefined {
    const {file, args, cwd} = arm.command(length);
    const child = spawnSync(file, args, {cwd, encoding: "utf8", maxBuffer: 1 << 24, env: {...process.env, OMP_NUM_THREADS: String(threads)}});
    const line = child.stdout
        .trim()
        .split("\n")
        .reverse()
        .find((text) => text.startsWith("{"));
    if (child.status !== 0 || line === undefined) {
        console.error(`${arm.label} at ${length} tokens failed: ${child.stderr.trim().split("\n").slice(-3).join(" / ")}`);
        return undefined;
    }
    return JSON.parse(line) as ArmResult;
}

/** Useful floating-point operations of one forward pass: every matrix product, attention over the causal half. */
function forwardFlops(length: number): number {
    const {dim, layers, heads, kvHeads, headDim, ffn, vocabSize} = config;
    const perToken = layers * (dim * heads * headDim + 2 * dim * kvHeads * headDim + heads * headDim * dim + 3 * dim * ffn) + dim * vocabSize;
    return 2 * length * perToken + (layers * heads * headDim * 2 * 2 * (length * (length + 1))) / 2;
}

const machine = describeMachine();
console.log(
    `model ${modelPath}: ${(parameters / 1e6).toFixed(1)}M parameters; ${machine.cpuModel}, load ${machine.loadAverage.map((l) => l.toFixed(1)).join(" ")}`,
);
const peak = {engine: [] as number[], torch: [] as number[]};
const results = new Map<string, {wall: number[]; cpu: number[]; rss: number[]}>();
for (let round = 0; round < rounds; round++) {
    for (const length of lengths) {
        for (const [key, arm] of Object.entries(arms)) {
            if (!arm.available) continue;
            const result = run(arm, length);
            if (result === undefined) continue;
            const entry = results.get(`${key}@${length}`) ?? {wall: [], cpu: [], rss: []};
            entry.wall.push(...result.seconds);
            entry.cpu.push(...result.cpuSeconds);
            entry.rss.push(result.maxRssMiB);
            results.set(`${key}@${length}`, entry);
            console.log(
                `round ${round + 1} ${length} tokens ${key}: ${result.seconds.map((s) => s.toFixed(2)).join(", ")} s wall, ${result.cpuSeconds.map((s) => s.toFixed(2)).join(", ")} s CPU, ${result.maxRssMiB.toFixed(0)} MiB`,
            );
        }
    }
    const kernel = run({label: "kernel peak", available: true, command: node("kernel-peak")}, 0);
    if (kernel !== undefined) peak.engine.push(...kernel.cpuSeconds.map((s) => (2 * 256 * 512 * 512) / s / 1e9));
    if (hasTorch) {
        const torch = run(
            {
                label: "PyTorch peak",
                available: true,
                command: () => ({file: python, cwd: root, args: ["bench/engine_torch.py", ...shapeFlags(0, 3), "--threads", "1", "--mode", "peak"]}),
            },
            0,
        );
        if (torch !== undefined) peak.torch.push(...torch.cpuSeconds.map((s) => (2 * 1024 ** 3) / s / 1e9));
    }
}

const format = (seconds: number): string => (seconds >= 10 ? seconds.toFixed(1) : seconds.toFixed(2));
const cpuOf = (key: string, length: number): number => median(results.get(`${key}@${length}`)?.cpu ?? []);
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : "n/a");
const bestPeak = Math.max(...peak.engine, ...peak.torch);
const sections: string[] = [];
for (const length of lengths) {
    const flops = forwardFlops(length);
    const rows = Object.entries(arms).map(([key, arm]) => {
        const entry = results.get(`${key}@${length}`);
        if (entry === undefined) return [arm.label, "not run", "", "", "", ""];
        const cpu = median(entry.cpu);
        const gflops = key.endsWith("forward") ? (flops / cpu / 1e9).toFixed(1) : "";
        return [arm.label, format(median(entry.wall)), format(cpu), gflops, Math.max(...entry.rss).toFixed(0), ratio(cpu, cpuOf("engine forward", length))];
    });
    sections.push(
        `### ${length} tokens (${(flops / 1e9).toFixed(1)} GFLOP per forward pass)\n\n${markdownTable(
            ["arm", "wall s (median)", "CPU s (median)", "forward GFLOP/s (CPU)", "peak RSS MiB", "CPU ÷ engine forward"],
            rows,
        )}`,
    );
}
const targets = lengths.map((length) => {
    const engineForward = cpuOf("engine forward", length),
        engineBoth = cpuOf("engine forward+backward", length);
    const verdict = (value: number, bound: number): string => (!Number.isFinite(value) ? "not measured" : value <= bound ? "met" : "not met");
    return markdownTable(
        ["target at " + length + " tokens", "measured (CPU time)", "status"],
        [
            [
                "forward ≤ 2× llama.cpp",
                ratio(engineForward, cpuOf("llama.cpp forward", length)),
                verdict(engineForward / cpuOf("llama.cpp forward", length), 2),
            ],
            ["forward + backward ≤ 3× forward", ratio(engineBoth, engineForward), verdict(engineBoth / engineForward, 3)],
            [
                "faster than TensorFlow.js (forward + backward)",
                ratio(engineBoth, cpuOf("TensorFlow.js forward+backward", length)),
                verdict(engineBoth / cpuOf("TensorFlow.js forward+backward", length), 1),
            ],
            [
                "within 2× of PyTorch CPU (forward + backward)",
                ratio(engineBoth, cpuOf("PyTorch forward+backward", length)),
                verdict(engineBoth / cpuOf("PyTorch forward+backward", length), 2),
            ],
        ],
    );
});
const body = [
    `\`npm run bench:engine\` (bench/engine.bench.ts, ${rounds} round${rounds === 1 ? "" : "s"}, arms alternating, each in its own process). Model: a random-weight llama GGUF the project writes (bench/lib/engine-bench-model.ts): width ${config.dim}, ${config.layers} layers, ${config.heads} heads, SwiGLU ${config.ffn}, ${config.vocabSize} tokens, untied output, F32: ${(parameters / 1e6).toFixed(1)}M parameters. Input: the same ${lengths.join(" and ")} token ids for every arm; logits at every position; the backward pass is log p of one target at the last position to the input embeddings, weights frozen (no weight gradients) in every arm. Threads: ${threads} for llama.cpp, PyTorch and TensorFlow.js; the engine is single-threaded.`,
    `Machine: ${machine.cpuModel}, ${machine.logicalCores} logical cores (availableParallelism ${machine.availableParallelism}), ${machine.memoryGiB.toFixed(0)} GiB, load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(" / ")} at the start; Node ${machine.node}, node-llama-cpp ${machine.nodeLlamaCpp}. The cores are shared with other work, so CPU time (user + system, all threads) is the steadier measure; wall time is shown too.`,
    `Measured peak (float32 matrix product, one thread, CPU time): the engine's WebAssembly kernel ${peak.engine.length === 0 ? "n/a" : Math.max(...peak.engine).toFixed(1)} GFLOP/s at 256×512×512; PyTorch's BLAS ${peak.torch.length === 0 ? "not installed" : Math.max(...peak.torch).toFixed(1) + " GFLOP/s"} at 1024³. The forward GFLOP/s columns below compare with the best of these (${Number.isFinite(bestPeak) ? bestPeak.toFixed(1) : "n/a"} GFLOP/s).`,
    ...sections,
    "### Targets",
    ...targets,
    "Reading these numbers: each arm ran one warm-up and then the timed repetitions in its own process, " +
        `${rounds} round${rounds === 1 ? "" : "s"}, on 2 cores shared with other work; a repeat on a quiet machine may move every ratio. ` +
        "llama.cpp runs F32 weights here, which is not its fastest path (its quantised kernels are), and its time includes the native softmax it computes for each position. " +
        "The PyTorch arm is Debian's python3-torch (1.13), whose BLAS reached only the peak shown above on this machine; a PyTorch wheel with a tuned BLAS would be several times faster, so the PyTorch comparison bounds the engine against this build only. " +
        "The measured peak is the best one-thread product any arm's kernel reached here, not the CPU's theoretical peak (AVX-512 FMA). " +
        "The engine's times include copying each product's operands into WebAssembly memory; its backward pass keeps a transpose of every weight matrix (the non-embedding weights again) after the first call.",
].join("\n\n");
console.log(body);
if (!flags["no-write"]) {
    const file = join(root, "BENCHMARKS.md");
    writeFileSync(file, replaceSection(readFileSync(file, "utf8"), heading, body));
    console.log("(written to BENCHMARKS.md)");
}
