import assert from "node:assert/strict";
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {after, test} from "node:test";
import {organismPath} from "../src/organisms/registry.js";
import {repoRoot, runCli} from "./helpers/run-cli.js";

// Inside the checkout (test-artifacts/ is ignored) so that the CLI run from there finds tsx.
mkdirSync(join(repoRoot, "test-artifacts"), {recursive: true});
const scratch = mkdtempSync(join(repoRoot, "test-artifacts", "demo-"));
after(() => rmSync(scratch, {recursive: true, force: true}));

interface DemoJson {
    kind: string;
    prompt: string;
    answer: string;
    expectedAnswer: string;
    answerCorrect: boolean;
    goldDocument: number;
    goldDocumentRank: number;
    documents: {index: number; text: string; value: number}[];
    words: {text: string; document: number; value: number}[];
    metrics: Record<string, number | null>;
    files: {path: string; what: string}[];
}

test("glassbox demo: text output names the model, question, answer and gold document, and writes the files into ./glassbox-demo", async () => {
    const out = join(scratch, "glassbox-demo");
    const result = await runCli(["demo"], {cwd: scratch});
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /lookup.gguf/);
    assert.match(text, /question +which value goes with "\w+"\?/);
    assert.match(text, /answer +"\w+"/);
    assert.match(text, /★ \[\d\] /);
    assert.match(text, /← gold: the document that holds the answer/);
    assert.match(text, /comprehensiveness +-?\d/);
    for (const name of ["result.json", "report.html", "words.json", "words.html"]) {
        assert.ok(existsSync(join(out, name)), `${name} written`);
        assert.ok(text.includes(name), `${name} named in the output`);
    }
    const saved = JSON.parse(readFileSync(join(out, "result.json"), "utf8")) as {
        kind: string;
        unit: string;
        method: string;
        values: number[];
        valueFull: number;
        valueEmpty: number;
        units: {text: string}[];
    };
    assert.equal(saved.kind, "explain");
    assert.equal(saved.unit, "span");
    assert.equal(saved.method, "exact");
    // Exact Shapley values are efficient: they add up to v(full) − v(empty).
    const total = saved.values.reduce((sum, value) => sum + value, 0);
    assert.ok(Math.abs(total - (saved.valueFull - saved.valueEmpty)) < 1e-6);
    // The line marked as gold shows the document the result holds at that place.
    const goldLine = text.split("\n").find((line) => line.startsWith("★ ["))!;
    const marked = Number(/★ \[(\d)\]/.exec(goldLine)?.[1]);
    assert.ok(goldLine.includes(saved.units[marked - 1]!.text), goldLine);
    assert.match(readFileSync(join(out, "report.html"), "utf8"), /^<!doctype html>/);
});

test("glassbox demo --json: the organism answers correctly and the gold document ranks first", async () => {
    const out = join(scratch, "json");
    const result = await runCli(["demo", "--json", "--out", out], {cwd: scratch});
    assert.equal(result.code, 0, result.stderr);
    const demo = JSON.parse(result.stdout) as DemoJson;
    assert.equal(demo.kind, "demo");
    assert.equal(demo.answer, demo.expectedAnswer);
    assert.equal(demo.answerCorrect, true);
    assert.equal(demo.goldDocumentRank, 1);
    const gold = demo.documents[demo.goldDocument]!;
    assert.ok(demo.documents.every((document) => document.index === demo.goldDocument || document.value < gold.value));
    assert.ok(gold.text.includes(demo.expectedAnswer));
    assert.equal(demo.words.length, 2 * demo.documents.length);
    assert.equal(demo.files.length, 4);
    assert.ok(demo.files.every((file) => existsSync(file.path.startsWith("/") ? file.path : join(scratch, file.path))));
});

test("glassbox demo: a missing organism file is named with the command that rebuilds it", async () => {
    const empty = mkdtempSync(join(scratch, "empty-"));
    const result = await runCli(["demo", "--out", join(scratch, "missing")], {cwd: scratch, env: {GLASSBOX_ORGANISMS_DIR: empty}});
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]!.includes(join(empty, "lookup.gguf")), lines[0]);
    assert.match(lines[0]!, /is missing/);
    assert.match(lines[0]!, /npm run organisms:train/);
    assert.ok(!existsSync(join(scratch, "missing")), "no files written");
});

test("glassbox demo: a truncated or foreign organism file is named with the command that rebuilds it", async () => {
    const folder = mkdtempSync(join(scratch, "corrupt-"));
    const path = join(folder, "lookup.gguf");
    const bytes = readFileSync(organismPath("lookup"));
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const truncated = await runCli(["demo", "--organisms", folder, "--out", join(scratch, "corrupt")], {cwd: scratch});
    assert.equal(truncated.code, 1);
    assert.equal(truncated.stderr.trim().split("\n").length, 1, truncated.stderr);
    assert.ok(truncated.stderr.includes(path));
    assert.match(truncated.stderr, /is unusable \(lookup\.gguf is truncated or malformed/);
    assert.match(truncated.stderr, /npm run organisms:train/);
    assert.doesNotMatch(truncated.stderr, /\n\s+at /);

    // Another organism under the lookup's name: a valid GGUF, but not this task's vocabulary.
    copyFileSync(organismPath("arith-faithful"), path);
    const foreign = await runCli(["demo", "--organisms", folder, "--out", join(scratch, "corrupt")], {cwd: scratch});
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /is not the lookup organism/);
    assert.match(foreign.stderr, /npm run organisms:train/);
});
