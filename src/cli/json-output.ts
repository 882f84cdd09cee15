/**
 * The envelope of every `--json` document the CLI prints: `schemaVersion` and `kind` first, then
 * the command's own fields. The kinds are listed in docs/cli.md.
 */
import {resultSchemaVersion} from "../foundation/version.js";

export const jsonKinds = [
    "score",
    "generate",
    "explain",
    "demo",
    "bench validity",
    "check self-explanation",
    "check counterfactual",
    "check cot",
    "check bias",
    "analyze subthoughts",
    "analyze confidence",
    "compare",
    "refine",
    "amplify",
    "runs list",
    "run",
] as const;

export type JsonKind = (typeof jsonKinds)[number];

/** Pretty JSON text of a document, newline-terminated; non-finite numbers become null. */
export function jsonDocument(kind: JsonKind, body: object): string {
    const ordered = {schemaVersion: resultSchemaVersion, kind, ...withoutEnvelope(body)};
    return `${JSON.stringify(ordered, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 2)}\n`;
}

function withoutEnvelope(body: object): Record<string, unknown> {
    const {schemaVersion: _version, kind: _kind, ...rest} = body as Record<string, unknown>;
    return rest;
}
