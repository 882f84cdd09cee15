/**
 * A description of the machine a benchmark ran on: CPU model and core counts, memory, OS, Node
 * and node-llama-cpp versions. Benchmarks print it next to their numbers.
 */
import {existsSync, readFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {createRequire} from "node:module";
import {availableParallelism, cpus, totalmem, loadavg, release, platform, arch} from "node:os";

export interface MachineDescription {
    cpuModel: string;
    logicalCores: number;
    availableParallelism: number;
    memoryGiB: number;
    os: string;
    node: string;
    nodeLlamaCpp: string;
    loadAverage: [number, number, number];
}

export function describeMachine(): MachineDescription {
    let cpuModel = cpus()[0]?.model ?? "unknown";
    let logicalCores = cpus().length;
    try {
        const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
        const models = [...cpuinfo.matchAll(/^model name\s*:\s*(.+)$/gm)].map((match) => (match[1] ?? "").trim());
        if (models.length > 0) {
            cpuModel = models[0] ?? cpuModel;
            logicalCores = models.length;
        }
    } catch {
        // Not Linux: keep what os.cpus() says.
    }
    const [one = 0, five = 0, fifteen = 0] = loadavg();
    return {
        cpuModel,
        logicalCores,
        availableParallelism: availableParallelism(),
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        os: `${platform()} ${release()} ${arch()}`,
        node: process.version,
        nodeLlamaCpp: packageVersion("node-llama-cpp"),
        loadAverage: [round2(one), round2(five), round2(fifteen)],
    };
}

export function formatMachine(machine: MachineDescription): string {
    return [
        `CPU: ${machine.cpuModel}, ${machine.logicalCores} logical cores (availableParallelism ${machine.availableParallelism})`,
        `memory ${machine.memoryGiB} GiB, ${machine.os}, load average ${machine.loadAverage.join(" / ")}`,
        `Node ${machine.node}, node-llama-cpp ${machine.nodeLlamaCpp}`,
    ].join("\n");
}

function packageVersion(name: string): string {
    try {
        const require = createRequire(import.meta.url);
        let directory = dirname(require.resolve(name));
        while (directory !== dirname(directory)) {
            const manifest = join(directory, "package.json");
            if (existsSync(manifest)) {
                const parsed = JSON.parse(readFileSync(manifest, "utf8")) as {name?: string; version?: string};
                if (parsed.name === name) return parsed.version ?? "unknown";
            }
            directory = dirname(directory);
        }
        return "unknown";
    } catch {
        return "unknown";
    }
}

function round2(value: number): number {
    return Math.round(value * 100) / 100;
}
