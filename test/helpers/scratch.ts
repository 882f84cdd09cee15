/**
 * Scratch folders for tests: a fresh folder under the system temp dir, removed when the test
 * process exits (node:test runs each file in its own process), so runs leave nothing behind.
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const made: string[] = [];

process.once("exit", () => {
    for (const folder of made) rmSync(folder, {recursive: true, force: true});
});

/** A new empty folder named glassbox-PREFIX-XXXXXX. */
export function scratchFolder(prefix: string): string {
    const folder = mkdtempSync(join(tmpdir(), `glassbox-${prefix}-`));
    made.push(folder);
    return folder;
}
