/** Honest exit codes: runs where nothing could be evaluated fail; metrics without data say n/a and why. */
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {runBattery, type BatteryCase} from "../helpers/battery.js";
import {repoRoot} from "../helpers/run-cli.js";

const questions = `${JSON.stringify({id: "a", question: "What is 2+3?"})}\n${JSON.stringify({id: "b", question: "What is 1+1?"})}\n`;
const withQuestions = (dir: string): void => writeFileSync(join(dir, "items.jsonl"), questions);
const withMalformed = (dir: string): void => writeFileSync(join(dir, "items.jsonl"), 'not json\n{"id": 1, "bogus": 2}\n[1]\n');
const db = ["--db", "{dir}/runs.db"];

const cases: BatteryCase[] = [
    {
        name: "a dataset of only malformed lines",
        args: ["check", "cot", "--model", "scripted:no-answer", "--dataset", "{dir}/items.jsonl", ...db],
        setup: withMalformed,
        code: 2,
        message: "has no valid items: all 3 lines are malformed; received line 1: not valid JSON",
    },
    {
        name: "check self-explanation on only malformed lines",
        args: ["check", "self-explanation", "--model", "scripted:honest-explainer", "--dataset", "{dir}/items.jsonl", ...db],
        setup: withMalformed,
        code: 2,
        message: "has no valid items",
    },
    {
        name: "check bias without options: every item fails",
        args: ["check", "bias", "--model", "scripted:honest-explainer", "--dataset", "{dir}/items.jsonl", ...db],
        setup: withQuestions,
        code: 1,
        stream: "stdout",
        message: /failed: every item failed \(2 of 2\); first: item a: .*needs "options"/,
    },
    {
        name: "analyze confidence without options: every item fails",
        args: ["analyze", "confidence", "--model", "scripted:honest-explainer", "--dataset", "{dir}/items.jsonl", ...db],
        setup: withQuestions,
        code: 1,
        stream: "stdout",
        message: "failed: every item failed (2 of 2)",
    },
    {
        name: "check bias --json: status failed",
        args: ["check", "bias", "--model", "scripted:honest-explainer", "--dataset", "{dir}/items.jsonl", ...db, "--json"],
        setup: withQuestions,
        code: 1,
        stream: "stdout",
        message: '"status": "failed"',
    },
    {
        name: "check cot without answers: AOC n/a with the reason, never 0.000",
        args: ["check", "cot", "--model", "scripted:no-answer", "--dataset", "{dir}/items.jsonl", ...db],
        setup: withQuestions,
        code: 0,
        stream: "stdout",
        message: "early answering: AOC n/a (no item produced a chain and an answer: 0 of 2)",
        check: (result) => assert.doesNotMatch(result.stdout, /AOC 0\.000/),
    },
    {
        name: "check cot --json without answers: null with the reason",
        args: ["check", "cot", "--model", "scripted:no-answer", "--dataset", "{dir}/items.jsonl", ...db, "--json"],
        setup: withQuestions,
        code: 0,
        stream: "stdout",
        message: '"areaOverCurve": null',
        check: (result) => {
            const report = JSON.parse(result.stdout) as {summary: {earlyAnswering: {areaOverCurve: number | null; reason?: string}}};
            assert.equal(report.summary.earlyAnswering.reason, "no item produced a chain and an answer: 0 of 2");
        },
    },
];

runBattery("exit codes", cases);

function runTests(env: NodeJS.ProcessEnv): Promise<{code: number | null; output: string}> {
    return new Promise((resolve) => {
        // The runner under test must not believe it is a child of this test run.
        const {NODE_TEST_CONTEXT: _context, ...parent} = process.env;
        const child = spawn(process.execPath, ["scripts/run-tests.mjs", "evaluator/score-cache", "store/score-cache-file"], {
            cwd: repoRoot,
            env: {...parent, ...env},
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("close", (code) => resolve({code, output}));
    });
}

test("without the test models, the test command leaves files out, and fails under CI=true", async () => {
    const missing = {GLASSBOX_TEST_MODELS: join(repoRoot, "no-such-models"), CI: ""};
    const local = await runTests(missing);
    assert.match(local.output, /left out 1 test files that load the shared test models/);
    assert.equal(local.code, 0, local.output);
    const ci = await runTests({...missing, CI: "true"});
    assert.equal(ci.code, 1, ci.output);
    assert.match(ci.output, /CI=true: the shared test models are required; 1 test files would be left out/);
});
