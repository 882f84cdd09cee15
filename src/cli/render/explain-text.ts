/**
 * Text output of `glassbox explain`: the input with each unit shaded by its attribution (colour
 * on a terminal; on plain output every unit is listed in reading order with a bar and its value),
 * then the top units with values (± standard error where the method has one), the target, the
 * evaluation count and the time.
 */
import type {ExplainResult} from "../../explain/types.js";
import {documentHeader} from "../../units/segmented-input.js";
import {describeSource, type Unit} from "../../units/types.js";
import {divergingBar, legend, shadeText, type ColorDepth} from "./shading.js";

export interface ExplainTextOptions {
    depth: ColorDepth;
    /** Units listed under "top units" (default 10). */
    top?: number;
    /** Terminal width for truncating unit texts (default 100). */
    width?: number;
}

export function formatExplainText(result: ExplainResult, options: ExplainTextOptions): string {
    const scale = Math.max(0, ...result.values.map((value) => (Number.isFinite(value) ? Math.abs(value) : 0)));
    const lines: string[] = [];
    const targetNote =
        result.target.origin === "generated" && result.target.generation !== undefined
            ? ` (generated greedily: ${result.target.tokens.length} token${result.target.tokens.length === 1 ? "" : "s"}, stopped at ${result.target.generation.stop}, cap ${result.target.generation.maxTokens})`
            : "";
    lines.push(`model    ${result.model.name}`);
    lines.push(`target   ${quote(result.target.text)}${targetNote}`);
    if (result.target.note !== undefined) lines.push(`note     ${result.target.note}`);
    if (result.foil !== undefined) lines.push(`foil     ${quote(result.foil.text)}`);
    lines.push(`value    ${result.value}; v(full) ${formatNumber(result.valueFull)}, v(empty) ${formatNumber(result.valueEmpty)}`);
    lines.push(
        `units    ${result.units.length} ${result.unit}${result.units.length === 1 ? "" : "s"}, removed by ${result.removal === "delete" ? "deletion" : `placeholder ${quote(result.placeholder)}`}`,
    );
    const whiteBox = result.whiteBox;
    if (whiteBox === undefined) {
        lines.push(
            `method   ${result.method}, ${result.evaluations} evaluations (budget ${result.budget}, seed ${result.seed}) in ${formatSeconds(result.timing.totalMs)}`,
        );
    } else {
        lines.push(
            `method   ${result.method} (white-box: ${whiteBox.explains}), ${whiteBox.backwardPasses} backward and ${whiteBox.forwardPasses} forward sequences in ${formatSeconds(result.timing.totalMs)}`,
        );
        if (whiteBox.convergenceDelta !== undefined) {
            lines.push(
                `path     baseline ${whiteBox.baseline}, ${whiteBox.integration} over ${whiteBox.intervals} interval(s), ${whiteBox.gradientEvaluations} points; convergence delta ${formatNumber(whiteBox.convergenceDelta)} (${formatNumber(100 * (whiteBox.relativeConvergenceDelta ?? 0))}% of |f(x) − f(baseline)|)`,
            );
        }
        if (whiteBox.conservationGap !== undefined) {
            lines.push(
                `relevance Σ ${formatNumber(whiteBox.relevanceTotal ?? 0)} for logits ${formatNumber(whiteBox.valueInput ?? 0)} (rules ${whiteBox.rules}; relative gap ${formatNumber(whiteBox.conservationGap)})`,
            );
        }
    }
    lines.push("");
    if (options.depth === "none") {
        lines.push("units in reading order (value, bar: negative left, positive right):");
        const width = String(result.units.length).length;
        for (const unit of result.units) {
            const value = result.values[unit.index] ?? Number.NaN;
            lines.push(
                `  #${String(unit.index + 1).padStart(width)} ${formatSigned(value).padStart(9)} ${divergingBar(value, scale)} ${clip(quote(unit.text), (options.width ?? 100) - 40)}`,
            );
        }
    } else {
        lines.push(shadedInput(result, scale, options.depth));
        lines.push("");
        lines.push(`scale    ${legend(scale, options.depth)}  −${formatNumber(scale)} … +${formatNumber(scale)}`);
    }
    lines.push("");
    lines.push(...topUnits(result, scale, options));
    if (result.metrics !== undefined) {
        lines.push("", "metrics (same game; see docs/schema-explain.md)");
        for (const [name, value] of Object.entries(result.metrics.summary)) lines.push(`  ${name.padEnd(28)} ${formatMetric(value)}`);
    }
    lines.push(
        "",
        `gap      Σ values − (v(full) − v(empty)) = ${formatNumber(result.efficiencyGap)}; ${result.evaluator.backendCalls} model calls, ${result.evaluator.cacheHits} cache hits`,
    );
    return `${lines.join("\n")}\n`;
}

function topUnits(result: ExplainResult, scale: number, options: ExplainTextOptions): string[] {
    const count = Math.min(options.top ?? 10, result.units.length);
    const order = [...result.units].sort((a, b) => Math.abs(result.values[b.index] ?? 0) - Math.abs(result.values[a.index] ?? 0) || a.index - b.index);
    const lines = [`top ${count} unit${count === 1 ? "" : "s"} by |value|:`];
    for (const unit of order.slice(0, count)) {
        const value = result.values[unit.index] ?? Number.NaN;
        const error = result.standardErrors?.[unit.index];
        const valueText = `${formatSigned(value)}${error === undefined ? "" : ` ± ${formatNumber(error)}`}`;
        const where = result.input.kind === "prompt" ? "" : ` [${describeSource(unit.source)}]`;
        lines.push(
            `  #${String(unit.index + 1).padEnd(4)} ${valueText.padEnd(20)} ${divergingBar(value, scale, 6)} ${clip(quote(unit.text), (options.width ?? 100) - 48)}${where}`,
        );
    }
    return lines;
}

/** The input's player texts with units shaded; template parts (headers, question, roles) plain. */
function shadedInput(result: ExplainResult, scale: number, depth: ColorDepth): string {
    const input = result.input;
    const shadeSource = (text: string, units: readonly Unit[]) => {
        let output = "";
        let cursor = 0;
        for (const unit of units) {
            output += text.slice(cursor, unit.start) + shadeText(text.slice(unit.start, unit.end), result.values[unit.index] ?? 0, scale, depth);
            cursor = unit.end;
        }
        return output + text.slice(cursor);
    };
    const unitsOf = (kind: "prompt" | "document" | "message", index?: number) =>
        result.units.filter((unit) => unit.source.kind === kind && (index === undefined || (unit.source as {index: number}).index === index));
    switch (input.kind) {
        case "prompt":
            return shadeSource(input.prompt, unitsOf("prompt"));
        case "documents": {
            const blocks: string[] = [];
            if (input.instruction !== undefined && input.instruction.trim() !== "") blocks.push(input.instruction.trim());
            input.documents.forEach((document, index) =>
                blocks.push(`${documentHeader(index, document.title)}\n${shadeSource(document.text, unitsOf("document", index))}`),
            );
            blocks.push(`Question: ${input.question.trim()}`);
            return blocks.join("\n\n");
        }
        case "chat":
            return input.messages.map((message, index) => `[${message.role}] ${shadeSource(message.content, unitsOf("message", index))}`).join("\n");
    }
}

function quote(text: string): string {
    return JSON.stringify(text);
}

function clip(text: string, width: number): string {
    const room = Math.max(12, width);
    return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}

export function formatNumber(value: number): string {
    if (!Number.isFinite(value)) return value > 0 ? "inf" : value < 0 ? "-inf" : "nan";
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(2);
    return value.toFixed(4);
}

function formatSigned(value: number): string {
    const text = formatNumber(value);
    return value > 0 ? `+${text}` : text;
}

function formatSeconds(ms: number): string {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function formatMetric(value: number | boolean | null): string {
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : formatNumber(value);
    if (value === null) return "n/a";
    return value ? "yes" : "no";
}
