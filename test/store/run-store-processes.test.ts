/** The run store between processes: simultaneous opens never fail on a lock; one run, one process at a time. */
import assert from "node:assert/strict";
import {spawn, type ChildProcessWithoutNullStreams} from "node:child_process";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";
import {RunStore} from "../../src/store/run-store.js";
import {scratchFolder} from "../helpers/scratch.js";

const openChild = fileURLToPath(new URL("./open-store-child.ts", import.meta.url));
const slowChild = fileURLToPath(new URL("./slow-run-child.ts", import.meta.url));

/** Collects a child's stdout lines and lets a caller wait for a line matching a test, or for the exit code. */
function lineReader(child: ChildProcessWithoutNullStreams) {
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    const lines: string[] = [];
    let buffer = "";
    const waiters: {test: (line: string) => boolean; resolve: () => void}[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            lines.push(line);
            for (const waiter of [...waiters]) {
                if (waiter.test(line)) {
                    waiters.splice(waiters.indexOf(waiter), 1);
                    waiter.resolve();
                }
            }
        }
    });
    return {
        lines,
        closed,
        waitFor: (predicate: (line: string) => boolean): Promise<void> =>
            lines.some(predicate) ? Promise.resolve() : new Promise((resolve) => waiters.push({test: predicate, resolve})),
    };
}

test("8 processes opening one new store at once, 20 trials: no lock failure", {timeout: 600_000}, async () => {
    const directory = scratchFolder("store-open");
    const trials = 20;
    const children = Array.from({length: 8}, (_, slot) =>
        spawn(process.execPath, ["--import", "tsx", openChild, directory, String(trials), String(slot)], {stdio: ["pipe", "pipe", "pipe"]}),
    );
    const readers = children.map(lineReader);
    let stderr = "";
    for (const child of children) child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    for (let trial = 0; trial < trials; trial++) {
        await Promise.all(readers.map((reader) => reader.waitFor((line) => line === `ready ${trial}`)));
        writeFileSync(join(directory, `go-${trial}`), "");
        await Promise.all(readers.map((reader) => reader.waitFor((line) => line === `ok ${trial}` || line.startsWith(`fail ${trial} `))));
    }
    await Promise.all(readers.map((reader) => reader.closed));
    const failures = readers.flatMap((reader) => reader.lines.filter((line) => line.startsWith("fail ")));
    assert.deepEqual(failures, [], stderr);
    assert.equal(
        readers.reduce((total, reader) => total + reader.lines.filter((line) => line.startsWith("ok ")).length, 0),
        8 * trials,
    );
    const store = RunStore.open(join(directory, "store-0.db"), {readOnly: true});
    assert.equal(store.listRuns().length, 8);
    store.close();
});

test("two processes on one run: the second is refused while the first holds it; no item is evaluated twice", {timeout: 300_000}, async () => {
    const path = join(scratchFolder("store-lease"), "runs.db");
    const first = spawn(process.execPath, ["--import", "tsx", slowChild, path, "2000"], {stdio: ["pipe", "pipe", "pipe"]});
    const firstLines = lineReader(first);
    await firstLines.waitFor((line) => line.startsWith("stored "));
    const second = spawn(process.execPath, ["--import", "tsx", slowChild, path, "1"], {stdio: ["pipe", "pipe", "pipe"]});
    const secondLines = lineReader(second);
    let secondError = "";
    second.stderr.setEncoding("utf8").on("data", (chunk: string) => (secondError += chunk));
    const secondCode = await secondLines.closed;
    const firstCode = await firstLines.closed;
    assert.notEqual(secondCode, 0);
    assert.match(secondError, /run 1 in .*runs\.db is being evaluated by another process \(pid \d+ on .*\).*--fresh/);
    assert.deepEqual(
        secondLines.lines.filter((line) => line.startsWith("stored ")),
        [],
    );
    assert.equal(firstCode, 0);
    const stored = firstLines.lines.filter((line) => line.startsWith("stored ")).map((line) => line.slice(7));
    assert.equal(stored.length, 12);
    assert.equal(new Set(stored).size, 12);
    assert.match(firstLines.lines.at(-1) ?? "", /^done skipped=0 evaluated=12 /);

    // Once the first has finished, the same run can be resumed by another process: nothing is left to do.
    const third = spawn(process.execPath, ["--import", "tsx", slowChild, path, "1"], {stdio: ["pipe", "pipe", "pipe"]});
    const thirdLines = lineReader(third);
    assert.equal(await thirdLines.closed, 0);
    assert.match(thirdLines.lines.at(-1) ?? "", /^done skipped=12 evaluated=0 /);
});
