/**
 * The reasoning commands end to end: organisms and stories260K through llama.cpp, the run store
 * and resume, JSON output, and bad input (k > n, a verifier script that hangs, duplicate options,
 * a trace without an answer).
 */
import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {sharedModel} from "../helpers/models.js";
import {runCli} from "../helpers/run-cli.js";
import {scratchFolder} from "../helpers/scratch.js";

const faithful = "organisms/arith-faithful.gguf";
const stories = sharedModel("stories260K.gguf");
const organismFormat = [
    "--separator",
    ",",
    "--answer-marker",
    "; answer",
    "--placement",
    "between-steps",
    "--max-chain-tokens",
    "16",
    "--max-answer-tokens",
    "1",
];

function scratch(): string {
    return scratchFolder("reasoning");
}

test("check cot --json on arith-faithful: the curves, step attribution, and a resumed second run", async () => {
    const db = join(scratch(), "runs.db");
    const args = [
        "check",
        "cot",
        "--model",
        faithful,
        "--dataset",
        "data/reasoning/arith.jsonl",
        "--limit",
        "3",
        ...organismFormat,
        "--mistake-range",
        "0..36",
        "--attribute-steps",
        "--db",
        db,
        "--json",
    ];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as {
        kind: string;
        status: string;
        resumedItems: number;
        summary: {
            ok: number;
            earlyAnswering: {areaOverCurve: number; byLength: {steps: number}[]};
            addingMistakes: {areaOverCurve: number};
            stepAttribution: {items: number};
            integrationRule: string;
        };
    };
    assert.equal(report.kind, "check cot");
    assert.equal(report.status, "finished");
    assert.equal(report.summary.ok, 3);
    assert.deepEqual(
        report.summary.earlyAnswering.byLength.map((entry) => entry.steps),
        [4],
    );
    assert.equal(report.summary.addingMistakes.areaOverCurve, 1);
    assert.equal(report.summary.stepAttribution.items, 3);
    assert.match(report.summary.integrationRule, /left Riemann sum/);
    const second = await runCli(args);
    const again = JSON.parse(second.stdout) as typeof report;
    assert.equal(again.resumedItems, 3);
    assert.deepEqual(again.summary, report.summary);
});

test("check cot: a --mistake-range that is not LOW..HIGH is refused before any model is opened", async () => {
    for (const range of ["36", "9..3", "a..b"]) {
        const result = await runCli(["check", "cot", "--model", faithful, "--dataset", "data/reasoning/arith.jsonl", "--mistake-range", range]);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`--mistake-range expects LOW\\.\\.HIGH with LOW < HIGH, received "${range.replace(/\./g, "\\.")}"`));
        assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
});

test("compare: pass@k table, k > n refused with the reason, a hanging verifier script killed and the item marked", async () => {
    const db = join(scratch(), "runs.db");
    const common = [
        "compare",
        "--model",
        faithful,
        "--tuned",
        faithful,
        "--dataset",
        "data/reasoning/arith.jsonl",
        "--max-tokens",
        "12",
        "--extract",
        "marker",
        "--db",
        db,
    ];
    const base = [...common, "--limit", "2", "--samples", "2"];
    const refused = await runCli([...base, "--k", "1,4"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--k 4 exceeds --samples 2: pass@k needs k samples out of the n drawn per problem/);
    const ok = await runCli([...base, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    const summary = (JSON.parse(ok.stdout) as {summary: {base: {passAtK: {k: number}[]}; support: {preservation: number}}}).summary;
    assert.deepEqual(
        summary.base.passAtK.map((point) => point.k),
        [1, 2],
    );
    // A script that never exits: every sample's verifier is killed at 200 ms and the item is marked.
    const dir = scratch();
    const hanging = join(dir, "hang.mjs");
    writeFileSync(hanging, "setInterval(() => undefined, 1000);\n");
    const hung = await runCli([...common, "--limit", "1", "--samples", "1", "--verifier", `script:${hanging}`, "--verifier-timeout", "200", "--json"]);
    assert.equal(hung.code, 0, hung.stderr);
    const hungReport = JSON.parse(hung.stdout) as {summary: {base: {timeouts: number}; problemsWithTimeouts: number}; problems: {id: string; error: string}[]};
    assert.equal(hungReport.summary.base.timeouts, 1);
    assert.equal(hungReport.summary.problemsWithTimeouts, 1);
    assert.match(hungReport.problems[0]?.error ?? "", /2 verifier runs killed at 200 ms/);
});

test("analyze confidence and check bias on stories260K: duplicate options are reported as malformed lines", async () => {
    const dir = scratch();
    const dataset = join(dir, "mcq.jsonl");
    writeFileSync(
        dataset,
        [
            JSON.stringify({id: "a", question: "Which is a colour?", options: ["red", "dog"], label: "red"}),
            JSON.stringify({id: "b", question: "Which is an animal?", options: ["cat", "cat"], label: "cat"}),
            JSON.stringify({id: "c", question: "Which is a number?", options: ["seven", "blue", "tree"], label: "seven"}),
        ].join("\n"),
    );
    const db = join(dir, "runs.db");
    const confidence = await runCli(["analyze", "confidence", "--model", stories, "--dataset", dataset, "--max-chain-tokens", "8", "--db", db, "--json"]);
    assert.equal(confidence.code, 0, confidence.stderr);
    const report = JSON.parse(confidence.stdout) as {
        summary: {items: number; direct: {items: number; accuracy: number; ece: number; brier: number}};
        malformed: {line: number; reason: string}[];
    };
    assert.equal(report.summary.items, 2);
    assert.equal(report.summary.direct.items, 2);
    assert.ok(report.summary.direct.ece >= 0 && report.summary.direct.ece <= 1);
    assert.deepEqual(
        report.malformed.map((entry) => entry.line),
        [2],
    );
    assert.match(report.malformed[0]!.reason, /options must be distinct/);
    const bias = await runCli(["check", "bias", "--model", stories, "--dataset", dataset, "--max-chain-tokens", "8", "--demonstrations", "1", "--db", db]);
    assert.equal(bias.code, 0, bias.stderr);
    assert.match(bias.stdout, /suggested-answer, no CoT: 2 items/);
    assert.match(bias.stdout, /always-a, no CoT: 0 items/); // every gold answer is already (A): no bias-inconsistent item
    assert.match(bias.stdout, /skipped line 2: .*distinct/);
});

test("analyze subthoughts: a trace without an extractable answer is counted and reported", async () => {
    const dir = scratch();
    const dataset = join(dir, "traces.jsonl");
    writeFileSync(
        dataset,
        [
            JSON.stringify({id: "good", prompt: "Q: 2+2?\n", target: "It is 4. Wait, \\boxed{4}", label: "4"}),
            JSON.stringify({id: "none", prompt: "Q: 2+2?\n", target: "I am not sure. Hmm, no idea."}),
        ].join("\n"),
    );
    const result = await runCli(["analyze", "subthoughts", "--model", stories, "--dataset", dataset, "--max-tokens", "8", "--db", join(dir, "runs.db")]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /2 items, 2\.00 subthoughts each on average, 1 traces without an extractable answer/);
    assert.match(result.stdout, /unparseable: item none: the trace has no extractable answer \(--extract auto\)/);
    const noCues = await runCli(["analyze", "subthoughts", "--model", stories, "--dataset", dataset, "--cues", " , ", "--db", join(dir, "runs.db")]);
    assert.equal(noCues.code, 2);
    assert.match(noCues.stderr, /--cues lists no cue words/);
});
