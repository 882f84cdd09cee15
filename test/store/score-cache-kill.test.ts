/**
 * The score cache is written as results arrive: kill -9 of `explain --cache` at 80 % of its model
 * calls, and the rerun makes at most a quarter of the calls of the whole run.
 */
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";
import {sharedModel} from "../helpers/models.js";
import {repoRoot, runCli} from "../helpers/run-cli.js";
import {scratchFolder} from "../helpers/scratch.js";

const budget = 800;
const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function cacheLines(path: string): number {
    if (!existsSync(path)) return 0;
    return (
        readFileSync(path, "utf8")
            .split("\n")
            .filter((line) => line.trim() !== "").length - 1
    );
}

test("kill -9 of explain --cache at 80 % of its calls: the rerun makes ≤ 25 % of the model calls", {timeout: 300_000}, async () => {
    const cache = join(scratchFolder("cache-kill"), "scores.jsonl");
    const args = [
        "explain",
        "--model",
        sharedModel("stories260K.gguf"),
        "--prompt",
        "Once upon a time there was a little girl named Lily who loved to play in the park with her red ball and her small dog",
        "--target",
        " She",
        "--unit",
        "word",
        "--method",
        "kernelshap",
        "--budget",
        String(budget),
        "--cache",
        cache,
        "--json",
    ];
    const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"]});
    child.stdout.resume();
    child.stderr.resume();
    const ended = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on("close", (code, signal) => resolve({code, signal})));
    let killedAt = 0;
    while (child.exitCode === null && child.signalCode === null) {
        const lines = cacheLines(cache);
        if (lines >= 0.8 * budget) {
            child.kill("SIGKILL");
            killedAt = lines;
            break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const first = await ended;
    assert.equal(first.signal, "SIGKILL", `the first run ended before 80 % of its calls (${cacheLines(cache)} cached)`);

    const rerun = await runCli(args, {timeoutMs: 240_000});
    assert.equal(rerun.code, 0, rerun.stderr);
    const stats = (JSON.parse(rerun.stdout) as {evaluator: {backendCalls: number; cacheHits: number}}).evaluator;
    const wholeRun = stats.backendCalls + stats.cacheHits;
    assert.ok(stats.cacheHits >= killedAt, `cache hits ${stats.cacheHits} < ${killedAt} results cached before the kill`);
    assert.ok(stats.backendCalls <= 0.25 * wholeRun, `rerun made ${stats.backendCalls} of ${wholeRun} model calls`);
});
