import assert from "node:assert/strict";
import {test} from "node:test";
import {countLine, createIo, formatDuration} from "../../src/cli/io.js";

function capture(isTTY: boolean) {
    const written: string[] = [];
    const stream = {isTTY, columns: 200, write: (chunk: string) => (written.push(chunk), true)} as unknown as NodeJS.WriteStream;
    return {stream, written};
}

test("a counted line has done/total, percentage, rate and ETA; the bar only on a terminal", () => {
    const state = {label: "check cot: items", done: 15, total: 40, elapsedMs: 5000, doneSinceStart: 10, detail: "arith-15"};
    assert.equal(countLine({...state, bar: false}), "check cot: items: 15/40 (38%), 2.0/s, ETA 13s  arith-15");
    assert.equal(countLine({...state, bar: true}), "check cot: items [#########---------------] 15/40 (38%), 2.0/s, ETA 13s  arith-15");
    assert.equal(countLine({label: "x", done: 0, total: 3, elapsedMs: 0, doneSinceStart: 0, bar: false}), "x: 0/3 (0%), ETA ?");
    assert.equal(formatDuration(59.2), "60s");
    assert.equal(formatDuration(61), "1m01s");
    assert.equal(formatDuration(7322), "2h02m");
});

test("off a terminal: nothing for quick work, then a plain line at least every interval", () => {
    let clock = 0;
    const stderr = capture(false);
    const io = createIo({stdout: capture(false).stream, stderr: stderr.stream, quiet: false, color: false, intervalMs: 10_000, now: () => clock});
    io.progressCount("items", 0, 100);
    clock = 4_000;
    io.progressCount("items", 20, 100);
    assert.equal(stderr.written.length, 0, "quick work writes nothing");
    clock = 10_000;
    io.progressCount("items", 50, 100);
    assert.deepEqual(stderr.written, ["items: 50/100 (50%), 5.0/s, ETA 10s\n"]);
    clock = 15_000;
    io.progressCount("items", 60, 100);
    assert.equal(stderr.written.length, 1, "at most one line per interval");
    clock = 20_000;
    io.progressCount("items", 80, 100);
    assert.equal(stderr.written.at(-1), "items: 80/100 (80%), 4.0/s, ETA 5s\n");
    assert.ok(
        stderr.written.every((line) => !line.includes("\x1b")),
        "no terminal escapes",
    );
    io.progressDone();
});

test("off a terminal the last state is repeated when no update arrives for an interval", async () => {
    const stderr = capture(false);
    const io = createIo({stdout: capture(false).stream, stderr: stderr.stream, quiet: false, color: false, intervalMs: 300});
    io.progress("loading model.gguf");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    io.progressDone();
    const lines = stderr.written.filter((line) => line === "loading model.gguf\n").length;
    assert.ok(lines >= 1 && lines <= 3, `${lines} lines in 1 s at a 300 ms interval`);
    const after = stderr.written.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(stderr.written.length, after, "nothing after progressDone");
});

test("on a terminal the line is rewritten in place and cleared; --quiet writes nothing", () => {
    const terminal = capture(true);
    const io = createIo({stdout: capture(true).stream, stderr: terminal.stream, quiet: false, color: false, now: () => 0});
    io.progressCount("items", 1, 4);
    io.progressDone();
    assert.deepEqual(terminal.written, ["\r\x1b[2Kitems [######------------------] 1/4 (25%), ETA ?", "\r\x1b[2K"]);
    for (const isTTY of [true, false]) {
        const quiet = capture(isTTY);
        let clock = 0;
        const silent = createIo({stdout: capture(isTTY).stream, stderr: quiet.stream, quiet: true, color: false, intervalMs: 10, now: () => clock});
        silent.progress("loading");
        clock = 1_000;
        silent.progressCount("items", 3, 4);
        silent.progressDone();
        assert.deepEqual(quiet.written, []);
    }
});
