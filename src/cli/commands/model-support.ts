/** Shared by `score` and `generate`: opening the model from flags, the JSON model block, number formatting. */
import {openModel, type CapabilityNeeds} from "../../backends/resolve-model.js";
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
