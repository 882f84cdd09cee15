import {packageVersion} from "./store/package-version.js";

/** The package version (package.json's, read by the store). */
export const glassboxVersion: string = packageVersion;

/** Version of the JSON result schemas glassbox writes; bump on any incompatible change. */
export const resultSchemaVersion = 1;
