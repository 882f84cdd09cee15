import assert from "node:assert/strict";
import {join} from "node:path";
import {test} from "node:test";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {SqliteRunStoreReader} from "../../src/server/viewer-run-store.js";
import {RunStore} from "../../src/store/run-store.js";
import {syntheticExplainResult} from "./fixtures.js";
import {scratchFolder} from "../helpers/scratch.js";

test("the view API over the SQLite run store: runs by command, items, explain verdicts drawn, others generic", async () => {
    const store = RunStore.open(join(scratchFolder("viewer-store"), "runs.db"));
    try {
        const spec = {
            command: "cot-early-answering",
            model: {name: "tiny.gguf", id: "tiny"},
            dataset: "data/sums.jsonl",
            options: {test: "early-answering"},
            seed: 0,
            versions: {glassbox: "0.1.0"},
        };
        const {run} = store.beginRun(spec, {itemTotal: 2});
        store.recordItem(
            run.id,
            {
                itemId: "q1",
                ordinal: 0,
                inputHash: "a",
                status: "ok",
                verdict: {
                    question: "3 + 4 = ?",
                    aoc: 0.5,
                    curve: [
                        {x: 0, y: 0},
                        {x: 0.5, y: 1},
                    ],
                },
            },
            1,
        );
        store.recordItem(run.id, {itemId: "q2", ordinal: 1, inputHash: "b", status: "error", verdict: null, error: "context overflow"}, 1);
        store.endRun(run.id, "finished", {summary: {areaOverCurve: 0.25}});
        const explained = store.beginRun({...spec, command: "explain", dataset: undefined, options: {method: "shapley"}}).run;
        const result = syntheticExplainResult({prompt: "Lily had a red ball.", unit: "word", seed: 3});
        store.recordItem(explained.id, {itemId: "1", ordinal: 0, inputHash: "c", status: "ok", verdict: result}, 1);
        store.endRun(explained.id, "finished");

        const handler = createViewerHandler(new SqliteRunStoreReader(store));
        const get = async (path: string) => {
            const response = await handler(new Request(`http://127.0.0.1${path}`));
            return {status: response.status, body: (await response.json()) as Record<string, unknown>};
        };
        const runs = (await get("/api/runs")).body.runs as {id: string; kind: string; label: string; method: string | null; itemCount: number}[];
        assert.deepEqual(
            runs.map((entry) => [entry.id, entry.kind, entry.label, entry.method, entry.itemCount]),
            [
                [String(explained.id), "explain", `explain #${explained.id}`, "shapley", 1],
                [String(run.id), "cot-early-answering", `cot-early-answering #${run.id} · sums.jsonl`, "early-answering", 2],
            ],
        );
        assert.deepEqual(
            ((await get("/api/runs?kind=explain")).body.runs as {id: string}[]).map((entry) => entry.id),
            [String(explained.id)],
        );
        const items = (await get(`/api/runs/${run.id}/items`)).body.items;
        assert.deepEqual(items, [
            {runId: String(run.id), id: "q1", label: "ok: 3 + 4 = ?", status: "ok", input: "3 + 4 = ?"},
            {runId: String(run.id), id: "q2", label: "error: context overflow", status: "error", verdict: "context overflow"},
        ]);
        const failed = (await get(`/api/runs/${run.id}/items/q2`)).body.view as {type: string; facts: {label: string; value: string}[]};
        assert.equal(failed.type, "generic");
        assert.ok(failed.facts.some((fact) => fact.label === "error" && fact.value === "context overflow"));
        const curve = (await get(`/api/runs/${run.id}/items/q1`)).body.view as {plots: {series: {points: number[][]}[]}[]};
        assert.deepEqual(curve.plots[0]!.series[0]!.points, [
            [0, 0],
            [0.5, 1],
        ]);
        const view = (await get(`/api/runs/${explained.id}/items/1`)).body.view as {type: string; rows: {values: number[]}[]};
        assert.equal(view.type, "explain");
        assert.deepEqual(view.rows[0]!.values, result.values);
        const summary = (await get(`/api/runs/${run.id}`)).body.run as {facts: {label: string; value: string}[]};
        assert.ok(summary.facts.some((fact) => fact.label === "areaOverCurve" && fact.value === "0.25"));
        assert.equal((await get("/api/runs/0")).status, 404);
        assert.equal((await get("/api/runs/abc/items")).status, 404);
        assert.equal((await get(`/api/runs/${run.id}/items/zz`)).status, 404);
    } finally {
        store.close();
    }
});
