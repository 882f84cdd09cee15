import assert from "node:assert/strict";
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {after, test} from "node:test";
import {repoRoot, runCli} from "./helpers/run-cli.js";

mkdirSync(join(repoRoot, "test-artifacts"), {recursive: true});
const scratch = mkdtempSync(join(repoRoot, "test-artifacts", "bench-validity-"));
after(() => rmSync(scratch, {recursive: true, force: true}));

test("glassbox bench validity (tiny run): both halves, written into its own section of a Markdown file", async () => {
    const file = join(scratch, "BENCHMARKS.md");
    writeFileSync(file, "# Benchmarks\n\n## Other\n\nkept\n");
    const result = await runCli(["bench", "validity", "--items", "3", "--word-items", "1", "--cot-items", "3", "--budgets", "64", "--markdown", file]);
    assert.equal(result.code, 0, result.stderr);
    const written = readFileSync(file, "utf8");
    assert.ok(written.startsWith("# Benchmarks\n\n## Other\n\nkept\n\n## Validity on model organisms\n"), written.slice(0, 200));
    for (const heading of [
        "### Lookup: does the gold document rank first?",
        "### Lookup: where does the key word rank?",
        "### Chain of thought: arith-faithful against arith-decorative",
    ]) {
        assert.ok(written.includes(heading), heading);
    }
    assert.match(written, /\| loo \| n \+ 2 \| 3 \| /);
    assert.match(written, /\| exact \| 2\^n \| 3 \| /);
    assert.match(written, /\| kernelshap \| 64 \| 3 \| /);
    assert.match(written, /\| arith-faithful \| 3 \| /);
    assert.match(written, /lookup\.gguf \(SHA-256 [0-9a-f]{16}…\)/);
    assert.equal(result.stdout.trim(), written.slice(written.indexOf("## Validity")).trim());
});

test("glassbox bench validity: malformed budgets are one line, exit 2", async () => {
    const result = await runCli(["bench", "validity", "--budgets", "16,lots"]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /--budgets must be a comma-separated list of integers ≥ 2/);
});
