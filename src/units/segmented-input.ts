/**
 * A segmented input: a structured input split into units (the players), which renders any
 * coalition back into a {@link PromptInput} for the model. The template (instruction, question,
 * document headers, chat roles and markup, non-player messages) is fixed in every rendering.
 */
import {InputError} from "../errors.js";
import type {ChatMessage, PromptInput} from "../model/backend-spec.js";
import {renderWithRemovals, type RemovalMode} from "./render-text.js";
import {checkCustomSpans, splitLines, splitParagraphs, splitSentences, splitTokens, splitWords} from "./splitters.js";
import {sourceText, type StructuredInput, type TextSpan, type TokenOffsetsFunction, type Unit, type UnitKind, type UnitSource} from "./types.js";

export interface RenderOptions {
    /** "delete" (default): removed units disappear, whitespace tidied; "placeholder": each becomes `placeholder`. */
    removal?: RemovalMode;
    /** Text that replaces each removed unit in placeholder mode. Default "...". */
    placeholder?: string;
}

export const defaultPlaceholder = "...";

export interface SegmentOptions {
    /** Needed for `token` units: the model tokenizer's spans over a text. */
    tokenOffsets?: TokenOffsetsFunction;
}

export class SegmentedInput {
    readonly input: StructuredInput;
    readonly unitKind: UnitKind;
    readonly units: readonly Unit[];

    constructor(input: StructuredInput, unitKind: UnitKind, units: readonly Unit[]) {
        this.input = input;
        this.unitKind = unitKind;
        this.units = units;
    }

    get playerCount(): number {
        return this.units.length;
    }

    /** The prompt the model sees when only the units with `kept[i] !== 0` are present. */
    render(kept: ArrayLike<number>, options: RenderOptions = {}): PromptInput {
        if (kept.length !== this.units.length) throw new Error(`coalition has ${kept.length} entries for ${this.units.length} units`);
        const removal = options.removal ?? "delete";
        const placeholder = options.placeholder ?? defaultPlaceholder;
        const input = this.input;
        switch (input.kind) {
            case "prompt":
                return {kind: "text", text: this.renderSource({kind: "prompt"}, input.prompt, kept, removal, placeholder)};
            case "chat": {
                const messages: ChatMessage[] = input.messages.map((message, index) => {
                    const source: UnitSource = {kind: "message", index, role: message.role};
                    return {role: message.role, content: this.renderSource(source, message.content, kept, removal, placeholder)};
                });
                return {kind: "chat", messages};
            }
            case "documents": {
                const blocks: string[] = [];
                if (input.instruction !== undefined && input.instruction.trim() !== "") blocks.push(input.instruction.trim());
                input.documents.forEach((document, index) => {
                    const source: UnitSource = {kind: "document", index};
                    const whole = this.units.find((unit) => unit.kind === "document" && unit.source.kind === "document" && unit.source.index === index);
                    if (whole !== undefined && kept[whole.index] === 0 && removal === "delete") return;
                    const text = this.renderSource(source, document.text, kept, removal, placeholder);
                    blocks.push(`${documentHeader(index, document.title)}\n${text}`);
                });
                blocks.push(`Question: ${input.question.trim()}\nAnswer:`);
                const text = blocks.join("\n\n");
                return input.format === "chat" ? {kind: "chat", messages: [{role: "user", content: text}]} : {kind: "text", text};
            }
        }
    }

    private renderSource(source: UnitSource, text: string, kept: ArrayLike<number>, removal: RemovalMode, placeholder: string): string {
        const mine = this.units.filter((unit) => sameSourceRef(unit.source, source));
        if (mine.length === 0) return text;
        if (mine.length === 1 && mine[0]?.kind === "message" && kept[mine[0].index] === 0) {
            return removal === "delete" ? "" : placeholder;
        }
        return renderWithRemovals(
            text,
            mine,
            mine.map((unit) => kept[unit.index] !== 0),
            {removal, placeholder},
        );
    }
}

/** The fixed header of document `index` (0-based) in the rendered prompt: "Document [1]: Title". */
export function documentHeader(index: number, title: string | undefined): string {
    const trimmed = title?.trim() ?? "";
    return trimmed === "" ? `Document [${index + 1}]:` : `Document [${index + 1}]: ${trimmed}`;
}

/** Split a structured input into units of one kind. Throws InputError when that is impossible or yields no units. */
export function segmentInput(input: StructuredInput, unitKind: UnitKind, options: SegmentOptions = {}): SegmentedInput {
    const found: {source: UnitSource; text: string; span: TextSpan}[] = [];
    const pushAll = (source: UnitSource, text: string, spans: readonly TextSpan[]) => {
        for (const span of spans) found.push({source, text, span});
    };
    const splitter = textSplitter(unitKind, options);
    switch (unitKind) {
        case "document":
            if (input.kind !== "documents") {
                throw new InputError("unit document needs an input with documents", {
                    received: input.kind === "chat" ? "chat messages" : "a plain prompt",
                    hint: 'give an input with {"question", "documents": [...]}, or another unit',
                    parameter: "unit",
                });
            }
            input.documents.forEach((document, index) => {
                const span = trimmedWhole(document.text);
                if (span !== undefined) found.push({source: {kind: "document", index}, text: document.text, span});
            });
            break;
        case "message":
            if (input.kind !== "chat") {
                throw new InputError("unit message needs chat messages", {
                    received: input.kind === "documents" ? "question + documents" : "a plain prompt",
                    hint: 'give an input with {"messages": [{"role", "content"}, ...]}, or another unit',
                    parameter: "unit",
                });
            }
            input.messages.forEach((message, index) => {
                if (!input.playerRoles.includes(message.role)) return;
                const span = trimmedWhole(message.content);
                if (span !== undefined)
                    found.push({source: {kind: "message", index, role: message.role}, text: message.content, span: {start: 0, end: message.content.length}});
            });
            break;
        case "span":
            if (input.kind !== "prompt" || input.spans === undefined) {
                throw new InputError("unit span needs a prompt with spans", {
                    hint: 'add "spans": [{"start", "end"}, ...] next to "prompt" in the input file',
                    parameter: "unit",
                });
            }
            pushAll({kind: "prompt"}, input.prompt, checkCustomSpans(input.prompt, input.spans));
            break;
        default:
            forEachPlayerSource(input, (source, text) => pushAll(source, text, splitter(text)));
    }
    if (found.length === 0) {
        throw new InputError(`the input yields zero ${unitKind} units`, {
            expected: "at least one non-empty unit to attribute",
            hint: input.kind === "chat" ? "check the message contents and which roles are players" : "give a non-empty prompt or documents",
        });
    }
    const units: Unit[] = found.map(({source, text, span}, index) => ({
        index,
        kind: unitKind,
        source,
        start: span.start,
        end: span.end,
        text: text.slice(span.start, span.end),
    }));
    return new SegmentedInput(input, unitKind, units);
}

/** The texts whose pieces are players: the prompt, every document, every message of a player role. */
export function forEachPlayerSource(input: StructuredInput, visit: (source: UnitSource, text: string) => void): void {
    switch (input.kind) {
        case "prompt":
            visit({kind: "prompt"}, input.prompt);
            return;
        case "documents":
            input.documents.forEach((document, index) => visit({kind: "document", index}, document.text));
            return;
        case "chat":
            input.messages.forEach((message, index) => {
                if (input.playerRoles.includes(message.role)) visit({kind: "message", index, role: message.role}, message.content);
            });
    }
}

function textSplitter(unitKind: UnitKind, options: SegmentOptions): (text: string) => TextSpan[] {
    switch (unitKind) {
        case "word":
            return splitWords;
        case "sentence":
            return splitSentences;
        case "paragraph":
            return splitParagraphs;
        case "line":
            return splitLines;
        case "token": {
            const tokenOffsets = options.tokenOffsets;
            if (tokenOffsets === undefined)
                return () => {
                    throw new InputError("unit token needs the model's tokenizer", {parameter: "unit"});
                };
            return (text) => splitTokens(text, tokenOffsets);
        }
        default:
            return () => [];
    }
}

function trimmedWhole(text: string): TextSpan | undefined {
    const start = text.search(/\S/u);
    if (start < 0) return undefined;
    let end = text.length;
    while (end > start && /\s/u.test(text[end - 1] as string)) end -= 1;
    return {start, end};
}

function sameSourceRef(a: UnitSource, b: UnitSource): boolean {
    if (a.kind !== b.kind) return false;
    return a.kind === "prompt" || (a as {index: number}).index === (b as {index: number}).index;
}

/** Check the invariant every unit must hold: its text is exactly its span of its source. */
export function unitsMatchSource(segmented: SegmentedInput): boolean {
    return segmented.units.every((unit) => sourceText(segmented.input, unit.source).slice(unit.start, unit.end) === unit.text);
}
