/** Shared by `score` and `generate`: opening the model from flags, the JSON model block, number formatting. */
import type {WaitingEvent} from "../../backends/http/request-watch.js";
import {openModel, type CapabilityNeeds, type TransportListeners} from "../../backends/resolve-model.js";
import {formatWait, type RetryEvent} from "../../backends/transport/retry-report.js";
import type {Backend, PromptInput} from "../../model/backend-spec.js";
import type {CommandIo, ParsedOptions} from "../command.js";
import {requireModelPath} from "../input-files.js";

/** The model flags every model command shares (explain has no --threads). */
export interface ModelFlagValues {
    "model": string | undefined;
    "context-size": number | undefined;
    "threads"?: number | undefined;
    "fast": boolean;
    "allow-long-context"?: boolean | undefined;
}

/**
 * Opens --model with the local flags (--context-size, --threads, --fast) and checks it can do what
 * `command` needs (default: generation for `generate`, scoring otherwise); disposes it if not.
 */
export async function openModelFromOptions(
    options: ModelFlagValues,
    command: string,
    io: CommandIo,
    needs: CapabilityNeeds = command === "generate" ? {generate: true} : {score: true},
): Promise<{path: string; backend: Backend}> {
    const path = requireModelPath(options.model, command);
    io.progress(`loading ${path}`);
    const contextSize = options["context-size"];
    const threads = options.threads;
    try {
        const backend = await openModel(path, {
            needs,
            command,
            transport: transportLines(io),
            local: {
                precision: options.fast ? "fast" : "exact",
                ...(contextSize === undefined ? {} : {contextSize}),
                allowLongContext: options["allow-long-context"] === true,
                ...(threads === undefined ? {} : {threads}),
            },
        });
        return {path, backend};
    } finally {
        io.progressDone();
    }
}

/** Remote backends' retries and unanswered requests as lines on stderr (retries even with --quiet). */
export function transportLines(io: CommandIo): TransportListeners {
    const waitingInterval = Number(process.env["GLASSBOX_WAITING_INTERVAL_MS"]);
    return {
        onRetry: (event) => io.notice(retryLine(event), "warning"),
        onWaiting: (event) => io.notice(waitingLine(event), "progress"),
        ...(Number.isFinite(waitingInterval) && waitingInterval > 0 ? {waitingIntervalMs: waitingInterval} : {}),
    };
}

/** "glassbox: attempt 2 of 8 failed (could not reach URL: connection refused); retrying in 1.0 s (at most 30 s of waiting in all)". */
export function retryLine(event: RetryEvent): string {
    const next = event.delayMs === 0 ? "retrying at once on another replica" : `retrying in ${formatWait(event.delayMs)}`;
    return `glassbox: attempt ${event.attempt} of ${event.maxAttempts} failed (${event.reason}); ${next} (at most ${formatWait(event.maxWaitMs)} of waiting in all)`;
}

/** "glassbox: waiting for URL: 20 s of 120 s (3 requests unanswered)". */
export function waitingLine(event: WaitingEvent): string {
    const others = event.outstanding > 1 ? ` (${event.outstanding} requests unanswered)` : "";
    const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;
    const waited = event.waitedMs >= 10_000 ? Math.floor(event.waitedMs / 1000) * 1000 : event.waitedMs;
    return `glassbox: waiting for ${event.url}: ${seconds(waited)} of ${seconds(event.timeoutMs)}${others}`;
}

export interface ModelJson {
    path: string;
    name: string;
    id: string;
    precision: "exact" | "fast";
    contextSize: number;
    vocabularySize: number;
    chatFormat: string;
}

export function modelJson(path: string, backend: Backend): ModelJson {
    return {
        path,
        name: backend.name,
        id: backend.id,
        precision: backend.capabilities.precision,
        contextSize: backend.capabilities.contextSize,
        vocabularySize: backend.vocabulary.size,
        chatFormat: backend.capabilities.chatTemplate ? `template (${backend.capabilities.chatFormat})` : `none in file; ${backend.capabilities.chatFormat}`,
    };
}

export function promptJson(prompt: PromptInput): unknown {
    return prompt.kind === "text" ? {kind: "text", text: prompt.text} : {kind: "chat", messages: prompt.messages};
}

/** A log-probability for JSON: -Infinity (probability underflowed to 0) becomes null. */
export function jsonLogprob(value: number): number | null {
    return Number.isFinite(value) ? value : null;
}

export function formatLogprob(value: number): string {
    return Number.isFinite(value) ? value.toFixed(4) : "-inf";
}

export function formatProbability(logprob: number): string {
    const probability = Math.exp(logprob);
    return probability >= 0.001 || probability === 0 ? probability.toFixed(4) : probability.toExponential(2);
}

/** A token's text as a short quoted literal for tables. */
export function quoteToken(text: string): string {
    return JSON.stringify(text);
}

/** Render rows as left-aligned columns (the last column is not padded). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
    const line = (cells: readonly string[]): string =>
        cells
            .map((cell, column) => {
                const width = widths[column] ?? 0;
                if (rightAligned.has(column)) return cell.padStart(width);
                return column === cells.length - 1 ? cell : cell.padEnd(width);
            })
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)].join("\n");
}
