import {readFileSync} from "node:fs";

/** The package version, read once from package.json (two folders up from src/store or dist/store). */
export const packageVersion: string = (JSON.parse(
    readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as {version: string}).version;
