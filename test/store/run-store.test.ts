import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, test} from "node:test";
import {fileURLToPath} from "node:url";
import {runDataset, type ItemEvaluation} from "../../src/checks/run-dataset.js";
import {InputError} from "../../src/errors.js";
import {defaultRunStorePath, runExportCsv, RunStore, runKey, type RunSpec} from "../../src/store/index.js";

const directory = mkdtempSync(join(tmpdir(), "glassbox-store-"));
after(() => rmSync(directory, {recursive: true, force: true}));

const spec: RunSpec = {command: "check demo", model: {name: "m", id: "m-1"}, dataset: "d.jsonl", options: {b: 2, a: 1}, seed: 3, versions: {glassbox: "0"}};

describe("run store", () => {
    test("default path follows XDG_DATA_HOME, else ~/.local/share", () => {
        assert.equal(defaultRunStorePath({XDG_DATA_HOME: "/x/data"}), "/x/data/glassbox/runs.db");
        assert.equal(defaultRunStorePath({HOME: "/home/u"}), "/home/u/.local/share/glassbox/runs.db");
    });

    test("the run key ignores option order and changes with the seed", () => {
        assert.equal(runKey(spec), runKey({...spec, options: {a: 1, b: 2}}));
        assert.notEqual(runKey(spec), runKey({...spec, seed: 4}));
    });

    test("begin, record, resume and end a run; one row per item", () => {
        const store = RunStore.open(join(directory, "a.db"));
        const first = store.beginRun(spec, {itemTotal: 2});
        assert.equal(first.resumed, false);
        store.recordItem(first.run.id, {itemId: "x", ordinal: 0, inputHash: "h", status: "ok", verdict: {n: 1}}, 1);
        store.recordItem(first.run.id, {itemId: "x", ordinal: 0, inputHash: "h", status: "ok", verdict: {n: 2}}, 1);
        const again = store.beginRun({...spec, options: {a: 1, b: 2}});
        assert.equal(again.resumed, true);
        assert.equal(again.run.id, first.run.id);
        assert.equal(again.run.attempts, 2);
        assert.deepEqual(
            store.items(first.run.id).map((item) => item.verdict),
            [{n: 2}],
        );
        store.endRun(first.run.id, "finished", {summary: {total: 1}});
        const listed = store.listRuns();
        assert.equal(listed.length, 1);
        assert.equal(listed[0]?.status, "finished");
        assert.equal(listed[0]?.itemsByStatus.ok, 1);
        assert.deepEqual(listed[0]?.summary, {total: 1});
        assert.equal(store.beginRun(spec, {fresh: true}).run.id, first.run.id + 1);
        store.close();
    });

    test("an unwritable path is one InputError naming the path and the parameter", () => {
        const blocker = join(directory, "file");
        writeFileSync(blocker, "x");
        assert.throws(
            () => RunStore.open(join(blocker, "sub", "runs.db")),
            (error: unknown) => error instanceof InputError && /cannot open the run store at /.test(error.message) && error.parameter === "runStorePath",
        );
    });

    test("CSV export flattens verdicts and quotes cells", () => {
        const csv = runExportCsv({id: 7, command: "c", modelName: "m"} as never, [
            {
                runId: 7,
                itemId: "a,b",
                ordinal: 0,
                inputHash: "h",
                status: "ok",
                verdict: {score: 0.5, words: ["x"], nested: {k: 1}},
                finishedAt: "t",
                attempt: 1,
            },
        ]);
        assert.equal(
            csv,
            'run_id,command,model,item_id,ordinal,status,error,finished_at,verdict.score,verdict.words,verdict.nested.k\n7,c,m,"a,b",0,ok,,t,0.5,"[""x""]",1\n',
        );
    });
});

describe("runDataset", () => {
    test("skips finished items, retries errors, stores malformed lines and summarises every stored item", async () => {
        const store = RunStore.open(join(directory, "b.db"));
        const items = [
            {id: "a", hash: "1"},
            {id: "b", hash: "2"},
            {id: "c", hash: "3"},
        ];
        let calls: string[] = [];
        const evaluate = async (item: {id: string}) => {
            calls.push(item.id);
            if (item.id === "b" && calls.length < 4) throw new InputError("temporary");
            return {status: "ok" as const, verdict: {id: item.id}};
        };
        const summarize = (stored: readonly {status: string}[], malformed: readonly unknown[]) => ({
            ok: stored.filter((item) => item.status === "ok").length,
            malformed: malformed.length,
        });
        const first = await runDataset({store, spec, items, malformed: [{line: 9, reason: "not valid JSON"}], evaluate, summarize});
        assert.deepEqual(calls, ["a", "b", "c"]);
        assert.deepEqual(first.summary, {ok: 2, malformed: 1});
        assert.equal(first.items.find((item) => item.itemId === "b")?.status, "error");
        calls = ["x", "y", "z"];
        const second = await runDataset({store, spec, items, malformed: [{line: 9, reason: "not valid JSON"}], evaluate, summarize});
        assert.deepEqual(calls.slice(3), ["b"]);
        assert.equal(second.skipped, 2);
        assert.deepEqual(second.summary, {ok: 3, malformed: 1});
        assert.equal(second.run.status, "finished");
        assert.equal(store.items(second.run.id).length, 4);
        store.close();
    });

    test("summarize reads typed verdicts: ok and unparseable keep theirs, failed items none, malformed lines are left out", async () => {
        const store = RunStore.open(join(directory, "typed.db"));
        const items = [
            {id: "a", hash: "1"},
            {id: "b", hash: "2"},
            {id: "c", hash: "3"},
        ];
        const result = await runDataset({
            store,
            spec: {...spec, command: "typed"},
            items,
            malformed: [{line: 7, reason: "not valid JSON"}],
            evaluate: async (item): Promise<ItemEvaluation<{square: number}, {text: string}>> => {
                if (item.id === "c") throw new InputError("no reply");
                return item.id === "a" ? {status: "ok", verdict: {square: 4}} : {status: "unparseable", verdict: {text: "??"}, error: "unread"};
            },
            summarize: (records) =>
                records.map((record) =>
                    record.status === "ok"
                        ? `${record.itemId}: ${record.verdict.square}`
                        : record.status === "unparseable"
                          ? `${record.itemId}: ${record.verdict.text}`
                          : `${record.itemId}: ${String(record.verdict)}`,
                ),
        });
        assert.deepEqual(result.summary, ["a: 4", "b: ??", "c: null"]);
        assert.equal(store.items(result.run.id).length, 4);
        assert.deepEqual(
            store.checkRecords(result.run.id).map((record) => [record.itemId, record.status, record.error ?? null]),
            [
                ["a", "ok", null],
                ["b", "unparseable", "unread"],
                ["c", "error", "no reply"],
            ],
        );
        store.close();
    });

    test("a capability error ends the run as failed", async () => {
        const store = RunStore.open(join(directory, "c.db"));
        const {CapabilityError} = await import("../../src/errors.js");
        await assert.rejects(
            runDataset({
                store,
                spec,
                items: [{id: "a", hash: "1"}],
                evaluate: async () => {
                    throw new CapabilityError("needs scoring");
                },
                summarize: () => ({}),
            }),
            /needs scoring/,
        );
        assert.equal(store.listRuns()[0]?.status, "failed");
        store.close();
    });

    test("a run killed with SIGKILL loses no reported item, and the rerun duplicates none", async () => {
        const path = join(directory, "killed.db");
        const child = fileURLToPath(new URL("./slow-run-child.ts", import.meta.url));
        const reported = await new Promise<string[]>((resolve, reject) => {
            const process_ = spawn(process.execPath, ["--import", "tsx", child, path, "200"], {stdio: ["ignore", "pipe", "pipe"]});
            const seen: string[] = [];
            let buffer = "";
            let stderr = "";
            process_.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
            process_.stdout.setEncoding("utf8").on("data", (chunk: string) => {
                buffer += chunk;
                let newline: number;
                while ((newline = buffer.indexOf("\n")) >= 0) {
                    const line = buffer.slice(0, newline);
                    buffer = buffer.slice(newline + 1);
                    if (line.startsWith("stored ")) seen.push(line.slice(7));
                    if (seen.length === 5) process_.kill("SIGKILL");
                }
            });
            process_.on("error", reject);
            process_.on("close", (code, signal) => {
                if (signal !== "SIGKILL") reject(new Error(`child ended with ${code} ${signal}: ${stderr}`));
                else resolve(seen);
            });
        });
        assert.ok(reported.length >= 5);
        const store = RunStore.open(path);
        const afterKill = store.listRuns()[0];
        assert.equal(afterKill?.status, "running");
        const storedIds = store.items(afterKill!.id).map((item) => item.itemId);
        for (const id of reported) assert.ok(storedIds.includes(id), `${id} was reported but not stored`);
        assert.ok(storedIds.length < 12);
        store.close();

        const rerun = await new Promise<string>((resolve, reject) => {
            const process_ = spawn(process.execPath, ["--import", "tsx", child, path, "1"], {stdio: ["ignore", "pipe", "pipe"]});
            let stdout = "";
            process_.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
            process_.on("error", reject);
            process_.on("close", () => resolve(stdout));
        });
        const rerunStored = rerun
            .split("\n")
            .filter((line) => line.startsWith("stored "))
            .map((line) => line.slice(7));
        for (const id of storedIds) assert.ok(!rerunStored.includes(id), `${id} was evaluated twice`);
        assert.equal(rerunStored.length + storedIds.length, 12);
        assert.match(rerun, new RegExp(`done skipped=${storedIds.length} evaluated=${12 - storedIds.length} summary=\\{"count":12,"sum":506\\}`));
        const final = RunStore.open(path);
        const run = final.listRuns()[0]!;
        assert.equal(run.status, "finished");
        assert.equal(run.attempts, 2);
        assert.equal(final.items(run.id).length, 12);
        assert.deepEqual(new Set(final.items(run.id).map((item) => item.itemId)).size, 12);
        final.close();
    });
});
