/**
 * The package version, as a constant (importing the core reads no file). A test keeps it equal to
 * package.json's version.
 */
export const glassboxVersion = "0.1.0";

/** Version of the JSON result schemas glassbox writes; bump on any incompatible change. */
export const resultSchemaVersion = 1;
