/** Timing helpers for benchmarks: wall-clock measurement, medians, readable durations. */
import {performance} from "node:perf_hooks";

/**
 * Wall time and process CPU time (user + system, all threads, llama.cpp's included) of `work`.
 * On a shared, oversubscribed machine CPU time is the steadier measure of work done; wall time
 * includes waiting for a core.
 */
export async function timeIt<T>(work: () => Promise<T>): Promise<{ms: number; cpuMs: number; value: T}> {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const value = await work();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    return {ms, cpuMs: (cpu.user + cpu.system) / 1000, value};
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((left, right) => left - right);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function formatMs(ms: number): string {
    if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
    if (ms >= 100) return `${ms.toFixed(0)} ms`;
    return `${ms.toFixed(1)} ms`;
}

/** A markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
    const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
