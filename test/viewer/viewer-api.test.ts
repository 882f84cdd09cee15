import assert from "node:assert/strict";
import {test} from "node:test";
import {agreementMetrics} from "../../src/metrics/agreement.js";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {runFromResult, storeFromResultFiles} from "../../src/server/viewer-files.js";
import {MemoryRunStore} from "../../src/server/viewer-store.js";
import {parseViewableResult} from "../../src/viewer/result-file.js";
import {syntheticExplainResult} from "./fixtures.js";

const prompt = "Lily had a red ball. She lost it in the park. Tom found it.";

function fixtureStore(): MemoryRunStore {
    const store = new MemoryRunStore("test store");
    const shapley = syntheticExplainResult({prompt, unit: "word", seed: 1, method: "shapley"});
    const lime = syntheticExplainResult({prompt, unit: "word", seed: 2, method: "lime"});
    const tokens = syntheticExplainResult({prompt, unit: "token", seed: 3});
    for (const [id, result, createdAt] of [
        ["shapley", shapley, "2026-11-01T00:00:00Z"],
        ["lime", lime, "2026-11-02T00:00:00Z"],
        ["tokens", tokens, "2026-11-03T00:00:00Z"],
    ] as const) {
        const {run, items} = runFromResult(id, `${id}.json`, createdAt, parseViewableResult(result, id));
        store.add(run, items);
    }
    const check = {
        schemaVersion: 1,
        kind: "cot-early-answering",
        areaOverCurve: 0.2,
        items: [
            {id: "q1", question: "2+2?", aoc: 0.5},
            {id: "q2", question: "3+4?", aoc: 0},
        ],
    };
    const {run, items} = runFromResult("cot", "cot.json", "2026-10-01T00:00:00Z", parseViewableResult(check, "cot"));
    store.add(run, items);
    store.add({id: "broken", kind: "explain", label: "broken", createdAt: "2026-09-01T00:00:00Z", model: null, method: null, facts: []}, [
        {id: "1", label: "", result: {schemaVersion: 9, kind: "explain"}},
    ]);
    return store;
}

const handler = createViewerHandler(fixtureStore(), {allowedHosts: ["127.0.0.1", "localhost"]});

async function call(path: string, init: RequestInit = {}): Promise<{status: number; body: Record<string, unknown>; type: string}> {
    const response = await handler(new Request(`http://127.0.0.1${path}`, init));
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    return {status: response.status, type, body: type.startsWith("application/json") ? (JSON.parse(text) as Record<string, unknown>) : {html: text}};
}

test("GET /api/runs lists runs newest first with the kinds present", async () => {
    const {status, body} = await call("/api/runs");
    assert.equal(status, 200);
    assert.deepEqual(
        (body.runs as {id: string}[]).map((run) => run.id),
        ["tokens", "lime", "shapley", "cot", "broken"],
    );
    assert.deepEqual(body.kinds, ["cot-early-answering", "explain"]);
});

test("run filters: kind, method, model substring, text and limit", async () => {
    const ids = async (query: string) => ((await call(`/api/runs?${query}`)).body.runs as {id: string}[]).map((run) => run.id);
    assert.deepEqual(await ids("kind=cot-early-answering"), ["cot"]);
    assert.deepEqual(await ids("method=lime"), ["lime"]);
    assert.deepEqual(await ids("model=SYNTH&kind=explain"), ["tokens", "lime", "shapley"]);
    assert.deepEqual(await ids("q=sha"), ["shapley"]);
    assert.deepEqual(await ids("limit=2"), ["tokens", "lime"]);
});

test("bad run queries are 400 with a JSON error naming the parameters", async () => {
    const limit = await call("/api/runs?limit=0");
    assert.equal(limit.status, 400);
    assert.match((limit.body.error as {message: string}).message, /limit/);
    const unknown = await call("/api/runs?colour=red");
    assert.equal(unknown.status, 400);
    assert.match((unknown.body.error as {message: string}).message, /parameters are kind, model, method, q, limit/);
});

test("one run, its items and one item's view", async () => {
    const run = await call("/api/runs/tokens");
    assert.equal(run.status, 200);
    assert.equal((run.body.run as {itemCount: number}).itemCount, 1);
    const items = await call("/api/runs/cot/items");
    assert.deepEqual(items.body.items, [
        {id: "q1", label: "2+2?", runId: "cot"},
        {id: "q2", label: "3+4?", runId: "cot"},
    ]);
    const item = await call("/api/runs/tokens/items/1");
    assert.equal(item.status, 200);
    const view = item.body.view as {type: string; levels: {kind: string}[]; rows: {values: number[]}[]};
    assert.equal(view.type, "explain");
    assert.deepEqual(
        view.levels.map((level) => level.kind),
        ["token", "word", "sentence", "prompt"],
    );
    assert.deepEqual(view.rows[0]!.values, (item.body.result as {values: number[]}).values);
});

test("bad ids are 404 with a JSON error", async () => {
    for (const path of ["/api/runs/nope", "/api/runs/nope/items", "/api/runs/tokens/items/9", "/api/runs/nope/items/1", "/api/nothing", "/favicon.ico"]) {
        const {status, body, type} = await call(path);
        assert.equal(status, 404, path);
        assert.match(type, /^application\/json/);
        assert.equal((body.error as {code: string}).code, "not-found", path);
    }
    assert.match(((await call("/api/runs/tokens/items/9")).body.error as {message: string}).message, /run tokens has no item "9"/);
});

test("a stored result of an unknown schema version is 422 naming the understood versions", async () => {
    const {status, body} = await call("/api/runs/broken/items/1");
    assert.equal(status, 422);
    assert.match((body.error as {message: string}).message, /schemaVersion 9.*expected schemaVersion 1/);
});

test("compare: two methods on the same input, with the agreement of their values", async () => {
    const {status, body} = await call("/api/compare", {method: "POST", body: JSON.stringify({a: "shapley/1", b: {run: "lime"}, k: 3})});
    assert.equal(status, 200);
    const a = syntheticExplainResult({prompt, unit: "word", seed: 1});
    const b = syntheticExplainResult({prompt, unit: "word", seed: 2});
    assert.deepEqual(body.agreement, agreementMetrics(a.values, b.values, {k: 3}));
    const plot = body.plot as {kind: string; series: {points: number[][]}[]};
    assert.equal(plot.kind, "scatter");
    assert.deepEqual(
        plot.series[0]!.points,
        a.values.map((value, index) => [value, b.values[index]]),
    );
    assert.equal(body.note, "compared over 14 word units");
});

test("compare across unit kinds re-aggregates to the finest level both share", async () => {
    const {status, body} = await call("/api/compare?a=tokens&b=shapley");
    assert.equal(status, 200);
    assert.equal(body.note, "compared over 14 word units (re-aggregated)");
    assert.equal((body.agreement as {k: number}).k, 2);
});

test("bad compare bodies are 400; wrong methods 405", async () => {
    const cases: [RequestInit, RegExp][] = [
        [{method: "POST", body: "{not json"}, /not valid JSON/],
        [{method: "POST", body: JSON.stringify({a: "shapley"})}, /at b/],
        [{method: "POST", body: JSON.stringify({a: "shapley", b: "lime", k: 0})}, /at k/],
        [{method: "POST", body: JSON.stringify({a: "shapley", b: "lime", extra: 1})}, /expected \{"a"/],
        [{method: "POST", body: JSON.stringify({a: "shapley", b: "lime", k: 99})}, /k is 99 but the explanations have 14 units/],
    ];
    for (const [init, message] of cases) {
        const {status, body} = await call("/api/compare", init);
        assert.equal(status, 400, String(init.body));
        assert.match((body.error as {message: string}).message, message);
    }
    assert.equal((await call("/api/compare?a=shapley")).status, 400);
    assert.equal((await call("/api/compare", {method: "POST", body: JSON.stringify({a: "shapley", b: "nope"})})).status, 404);
    assert.equal((await call("/api/runs", {method: "DELETE"})).status, 405);
});

test("the app page is served at / and requests for other hosts are refused", async () => {
    const page = await call("/");
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(String(page.body.html), /startViewerApp\(document, window\)/);
    const response = await handler(new Request("http://127.0.0.1/api/runs", {headers: {host: "attacker.example:8770"}}));
    assert.equal(response.status, 403);
});

test("result files become runs: ids from file names, made unique; bad files name their path", () => {
    const text = JSON.stringify(syntheticExplainResult({prompt, unit: "word", seed: 1}));
    const store = storeFromResultFiles([
        {path: "out/run.json", text, modifiedAt: "2026-11-01T00:00:00Z"},
        {path: "other/run.json", text, modifiedAt: "2026-11-02T00:00:00Z"},
    ]);
    assert.deepEqual(
        store.listRuns({}).map((run) => run.id),
        ["run-2", "run"],
    );
    assert.throws(() => storeFromResultFiles([{path: "bad.json", text: "{", modifiedAt: ""}]), /bad\.json is not valid JSON/);
    assert.throws(
        () => storeFromResultFiles([{path: "v2.json", text: JSON.stringify({schemaVersion: 2, kind: "explain"}), modifiedAt: ""}]),
        /v2\.json has schemaVersion 2, which this glassbox does not understand; expected schemaVersion 1/,
    );
});
