import assert from "node:assert/strict";
import {existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {checkOutputFile, checkOutputFolder, makeFolder, writeOutputOrBeside} from "../../src/store/output-paths.js";
import {InputError} from "../../src/errors.js";
import {scratchFolder} from "../helpers/scratch.js";

test("a check leaves nothing behind, and accepts new and existing files", () => {
    const dir = scratchFolder("outputs");
    checkOutputFile(join(dir, "new.json"), "--out");
    checkOutputFolder(join(dir, "a", "b"), "--out");
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(join(dir, "old.json"), "kept");
    checkOutputFile(join(dir, "old.json"), "--out");
    assert.equal(readFileSync(join(dir, "old.json"), "utf8"), "kept");
});

test("bad output paths are InputErrors naming the flag", () => {
    const dir = scratchFolder("outputs");
    writeFileSync(join(dir, "file"), "x");
    const cases: [() => void, RegExp][] = [
        [() => checkOutputFile(dir, "--cache"), /--cache .* is a directory; .*e\.g\. .*scores\.jsonl/],
        [() => checkOutputFile(join(dir, "none", "x.json"), "--out"), /--out .*: the folder .*none does not exist/],
        [() => checkOutputFile(join(dir, "file", "x.json"), "--db"), /--db .*file is not a folder/],
        [() => checkOutputFile("/proc/x.json", "--out"), /--out \/proc\/x\.json cannot be written \(ENOENT in \/proc\)/],
        [() => checkOutputFolder(join(dir, "file"), "--out"), /--out .* is not a folder/],
        [() => checkOutputFolder("/proc/x/y", "--out"), /cannot be created or written \(ENOENT in \/proc\)/],
    ];
    for (const [check, pattern] of cases) {
        assert.throws(check, (error: unknown) => error instanceof InputError && pattern.test(error.message) && !error.message.includes("\n"));
    }
});

test("makeFolder creates missing levels and fails at once where it cannot (no recursive-mkdir spin)", () => {
    const dir = scratchFolder("outputs");
    makeFolder(join(dir, "a", "b", "c"));
    assert.ok(statSync(join(dir, "a", "b", "c")).isDirectory());
    makeFolder(join(dir, "a"));
    assert.throws(
        () => makeFolder("/proc/glassbox-x/y"),
        (error: unknown) => (error as {code?: string}).code === "ENOENT",
    );
});

test("a result that cannot be written where asked goes beside, and the path is said", () => {
    const dir = scratchFolder("outputs");
    assert.deepEqual(writeOutputOrBeside(join(dir, "ok.json"), "{}"), {written: join(dir, "ok.json")});
    const outcome = writeOutputOrBeside(join(dir, "gone", "result.json"), '{"a":1}');
    assert.ok("failed" in outcome && outcome.written !== undefined);
    assert.equal(outcome.reason, "ENOENT");
    assert.match(outcome.written, /glassbox-\d+-result\.json$/);
    assert.equal(readFileSync(outcome.written, "utf8"), '{"a":1}');
    rmSync(outcome.written);
    assert.equal(existsSync(join(dir, "gone")), false);
});
