/** Killing the CLI mid-run (SIGKILL, SIGINT) and running the same command again. */
import assert from "node:assert/strict";
import {spawn, type ChildProcess} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, describe, test} from "node:test";
import {fileURLToPath} from "node:url";
import {RunStore} from "../../src/store/run-store.js";
import {runCli} from "../helpers/run-cli.js";

const directory = mkdtempSync(join(tmpdir(), "glassbox-resume-"));
after(() => rmSync(directory, {recursive: true, force: true}));
const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const dataset = join(directory, "items.jsonl");
writeFileSync(
    dataset,
    Array.from({length: 60}, (_, index) =>
        JSON.stringify({id: `i${index}`, prompt: `Review: they saw the film number ${index} and the plot.\nAnswer:`, options: ["negative", "positive"]}),
    ).join("\n"),
);
const words = join(directory, "words.txt");
writeFileSync(words, "superb\nwonderful\n");
const args = (db: string) => [
    "check",
    "counterfactual",
    "--model",
    "scripted:lying-explainer:generation-only",
    "--dataset",
    dataset,
    "--db",
    db,
    "--adjectives",
    words,
    "--adverbs",
    words,
    "--edits",
    "6",
    "--json",
];

function storedItems(db: string): {ids: string[]; status: string | undefined} {
    const store = RunStore.open(db);
    try {
        const run = store.listRuns()[0];
        return {ids: run === undefined ? [] : store.items(run.id).map((item) => item.itemId), status: run?.status};
    } finally {
        store.close();
    }
}

/** Starts the CLI, waits until at least `count` items are stored, then sends `signal`. */
async function interruptAfter(db: string, count: number, signal: NodeJS.Signals): Promise<{code: number | null; signal: NodeJS.Signals | null}> {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", entry, ...args(db)], {
        stdio: ["ignore", "pipe", "pipe"],
        env: {...process.env, NO_COLOR: "1"},
    });
    const ended = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
        child.on("close", (code, received) => resolve({code, signal: received})),
    );
    for (let tries = 0; tries < 1200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (child.exitCode !== null) break;
        try {
            if (storedItems(db).ids.length >= count) {
                child.kill(signal);
                break;
            }
        } catch {
            // the store may not exist yet
        }
    }
    return ended;
}

describe("resuming the CLI after a kill", () => {
    test("SIGKILL mid-run: stored items survive, the rerun evaluates only the rest and matches an uninterrupted run", async () => {
        const db = join(directory, "killed.db");
        const killed = await interruptAfter(db, 4, "SIGKILL");
        assert.equal(killed.signal, "SIGKILL");
        const before = storedItems(db);
        assert.equal(before.status, "running");
        assert.ok(before.ids.length >= 4 && before.ids.length < 60, `${before.ids.length} items stored before the kill`);
        const rerun = await runCli(args(db));
        assert.equal(rerun.code, 0, rerun.stderr);
        const resumed = JSON.parse(rerun.stdout) as {resumedItems: number; summary: unknown; run: number};
        assert.equal(resumed.resumedItems, before.ids.length);
        const afterRerun = storedItems(db);
        assert.equal(afterRerun.ids.length, 60);
        assert.equal(new Set(afterRerun.ids).size, 60);
        assert.equal(afterRerun.status, "finished");
        const clean = await runCli(args(join(directory, "clean.db")));
        assert.deepEqual(resumed.summary, (JSON.parse(clean.stdout) as {summary: unknown}).summary);
    });

    test("SIGINT: the run is stored as interrupted, exits 130, and resumes", async () => {
        const db = join(directory, "interrupted.db");
        const interrupted = await interruptAfter(db, 3, "SIGINT");
        assert.equal(interrupted.code, 130);
        assert.equal(storedItems(db).status, "interrupted");
        const rerun = await runCli(args(db));
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.equal(storedItems(db).ids.length, 60);
    });

    test("SIGTERM: the run is stored as interrupted (as SIGINT), exits 143, and resumes", async () => {
        const db = join(directory, "terminated.db");
        const terminated = await interruptAfter(db, 3, "SIGTERM");
        assert.equal(terminated.signal, null);
        assert.equal(terminated.code, 143);
        assert.equal(storedItems(db).status, "interrupted");
        const rerun = await runCli(args(db));
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.equal(storedItems(db).ids.length, 60);
    });
});
