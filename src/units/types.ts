/**
 * Units are the players of an attribution game: spans of the user's input, each with exact
 * character offsets into the string it came from (the prompt, one document, one message).
 * Invariant: `sourceText(source).slice(start, end) === text` for every unit.
 */
import type {ChatMessage, ChatRole} from "../model/backend-spec.js";

export const unitKinds = ["token", "word", "sentence", "paragraph", "line", "span", "document", "message"] as const;
export type UnitKind = (typeof unitKinds)[number];

/** Where a unit's offsets point: the prompt, document `index`, or message `index`. */
export type UnitSource = {kind: "prompt"} | {kind: "document"; index: number} | {kind: "message"; index: number; role: ChatRole};

export interface Unit {
    /** Player index in the game (0-based, in reading order). */
    index: number;
    kind: UnitKind;
    source: UnitSource;
    /** Offsets into the source string, UTF-16 code units, end exclusive. */
    start: number;
    end: number;
    text: string;
}

/** A span found by a splitter, before it is given a player index and a source. */
export interface TextSpan {
    start: number;
    end: number;
}

export interface DocumentInput {
    title?: string;
    text: string;
}

/**
 * What the user asked about, with its structure kept: the template (instruction, question, chat
 * markup, document headers) stays fixed; only the player parts are split into units.
 */
export type StructuredInput =
    | {kind: "prompt"; prompt: string; spans?: readonly TextSpan[]}
    | {kind: "chat"; messages: readonly ChatMessage[]; playerRoles: readonly ChatRole[]}
    | {
          kind: "documents";
          question: string;
          documents: readonly DocumentInput[];
          instruction?: string;
          /** "text" (default): one plain prompt; "chat": that prompt as a single user message. */
          format?: "text" | "chat";
      };

/** Tokenize-with-offsets: spans of the model's tokens over `text` (for `--unit token`). */
export type TokenOffsetsFunction = (text: string) => TextSpan[];

export function sourceText(input: StructuredInput, source: UnitSource): string {
    switch (source.kind) {
        case "prompt":
            if (input.kind !== "prompt") throw new Error("prompt source on a structured input");
            return input.prompt;
        case "document": {
            if (input.kind !== "documents") throw new Error("document source on a non-document input");
            const document = input.documents[source.index];
            if (document === undefined) throw new Error(`no document ${source.index}`);
            return document.text;
        }
        case "message": {
            if (input.kind !== "chat") throw new Error("message source on a non-chat input");
            const message = input.messages[source.index];
            if (message === undefined) throw new Error(`no message ${source.index}`);
            return message.content;
        }
    }
}

export function describeSource(source: UnitSource): string {
    switch (source.kind) {
        case "prompt":
            return "prompt";
        case "document":
            return `document ${source.index}`;
        case "message":
            return `message ${source.index} (${source.role})`;
    }
}

export function sameSource(a: UnitSource, b: UnitSource): boolean {
    if (a.kind !== b.kind) return false;
    if (a.kind === "prompt") return true;
    return (a as {index: number}).index === (b as {index: number}).index;
}
