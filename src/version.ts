import {readFileSync} from "node:fs";

/** The package version, read once from package.json (two folders up from src/ or dist/). */
export const glassboxVersion: string = (JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as {version: string}).version;

/** Version of the JSON result schemas glassbox writes; bump on any incompatible change. */
export const resultSchemaVersion = 1;
