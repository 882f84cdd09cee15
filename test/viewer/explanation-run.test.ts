import assert from "node:assert/strict";
import {join} from "node:path";
import {test} from "node:test";
import {agreementMetrics} from "../../src/metrics/agreement.js";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {SqliteRunStoreReader} from "../../src/server/viewer-run-store.js";
import {explanationItemId, recordExplanation} from "../../src/store/explanation-run.js";
import {runExportCsv} from "../../src/store/export.js";
import {RunStore} from "../../src/store/run-store.js";
import {runCli} from "../helpers/run-cli.js";
import {sharedModel} from "../helpers/models.js";
import {scratchFolder} from "../helpers/scratch.js";
import {syntheticExplainResult} from "./fixtures.js";

const prompt = "Lily had a red ball. She lost it in the park.";
const folder = scratchFolder("explanation-run");

test("recordExplanation stores one finished run of one item whose verdict is the result", () => {
    const store = RunStore.open(join(folder, "library.db"));
    try {
        const result = syntheticExplainResult({prompt, unit: "word", seed: 1});
        const run = recordExplanation(store, result, {inputPath: "lily.json"});
        assert.equal(run.command, "explain");
        assert.equal(run.status, "finished");
        assert.equal(run.modelName, "synthetic.gguf");
        assert.equal(run.dataset, "lily.json");
        assert.equal(run.seed, 1);
        assert.equal(run.options.method, "shapley");
        const items = store.items(run.id);
        assert.equal(items.length, 1);
        assert.equal(items[0]!.itemId, explanationItemId);
        assert.deepEqual((items[0]!.verdict as {values: number[]}).values, result.values);
        const summary = run.summary as {units: number; valueFull: number; topUnit: {index: number; value: number}; metrics: {comprehensivenessAopc: number}};
        assert.equal(summary.units, result.units.length);
        assert.equal(summary.valueFull, -1.5);
        assert.equal(summary.metrics.comprehensivenessAopc, 1.4);
        const largest = Math.max(...result.values.map(Math.abs));
        assert.equal(Math.abs(summary.topUnit.value), largest);
        assert.equal(Math.abs(result.values[summary.topUnit.index]!), largest);

        // The same explanation again resumes the run (its item replaced); another seed is another run.
        const again = recordExplanation(store, result, {inputPath: "lily.json"});
        assert.equal(again.id, run.id);
        assert.equal(again.attempts, 2);
        assert.equal(store.items(run.id).length, 1);
        const other = recordExplanation(store, syntheticExplainResult({prompt, unit: "word", seed: 2}));
        assert.notEqual(other.id, run.id);
        const otherPrompt = recordExplanation(store, syntheticExplainResult({prompt: "Tom found it.", unit: "word", seed: 1}));
        assert.notEqual(otherPrompt.id, run.id);
        assert.deepEqual(
            store.listRuns({command: "explain"}).map((entry) => [entry.id, entry.status, entry.itemsStored]),
            [
                [otherPrompt.id, "finished", 1],
                [other.id, "finished", 1],
                [run.id, "finished", 1],
            ],
        );

        // CSV export: one row, the values as one JSON cell.
        const csv = runExportCsv(store.requireRun(run.id), store.items(run.id)).trim().split("\n");
        assert.equal(csv.length, 2);
        assert.ok(csv[0]!.split(",").includes("verdict.method"));
    } finally {
        store.close();
    }
});

test("two stored explanations compare in the view API with their agreement", async () => {
    const store = RunStore.open(join(folder, "compare.db"));
    try {
        const a = syntheticExplainResult({prompt, unit: "word", seed: 3});
        const b = syntheticExplainResult({prompt, unit: "word", seed: 4, method: "lime"});
        const runA = recordExplanation(store, a);
        const runB = recordExplanation(store, b);
        const handler = createViewerHandler(new SqliteRunStoreReader(store));
        const response = await handler(new Request(`http://127.0.0.1/api/compare?a=${runA.id}&b=${runB.id}`));
        assert.equal(response.status, 200);
        const body = (await response.json()) as {agreement: {spearman: number} | null; note: string; plot: {series: {label: string; points: number[][]}[]}};
        assert.notEqual(body.agreement, null);
        assert.equal(body.agreement!.spearman, agreementMetrics(a.values, b.values).spearman);
        assert.equal(body.plot.series[0]!.points.length, a.values.length);
        const run = (await (await handler(new Request(`http://127.0.0.1/api/runs/${runA.id}`))).json()) as {run: {kind: string; method: string}};
        assert.equal(run.run.kind, "explain");
        assert.equal(run.run.method, "shapley");
    } finally {
        store.close();
    }
});

test("explain --db stores the explanation; runs list, show and export read it", async () => {
    const db = join(folder, "cli.db");
    const model = sharedModel("stories260K.gguf");
    const args = ["explain", "--model", model, "--prompt", "Lily had a red ball. She lost it.", "--unit", "sentence", "--method", "exact", "--target", " She"];
    const explained = await runCli([...args, "--db", db]);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, new RegExp(`stored as run 1 in ${db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`));
    const json = await runCli([...args, "--db", db, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, `stored as run 1 in ${db} (replacing the same explanation stored before)\n`);
    const result = JSON.parse(json.stdout) as {values: number[]};

    const list = await runCli(["runs", "list", "--db", db, "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const runs = (JSON.parse(list.stdout) as {runs: {id: number; command: string; status: string; itemsStored: number}[]}).runs;
    assert.deepEqual(
        runs.map((run) => [run.id, run.command, run.status, run.itemsStored]),
        [[1, "explain", "finished", 1]],
    );
    const show = await runCli(["runs", "show", "1", "--db", db, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout) as {items: {verdict: {values: number[]}}[]};
    assert.deepEqual(shown.items[0]!.verdict.values, result.values);
    const csv = await runCli(["runs", "export", "1", "--db", db, "--format", "csv"]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.trim().split("\n").length, 2);
});
