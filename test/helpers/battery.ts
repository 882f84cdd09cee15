/**
 * A table-driven bad-input battery: each case runs the CLI (or a custom action) once and checks
 * the properties every bad input must have: the expected exit code, a message naming the
 * problem, no stack trace, no signal, and no partial output file left behind.
 */
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {runCli, type CliResult} from "./run-cli.js";
import {scratchFolder} from "./scratch.js";

export interface BatteryCase {
    name: string;
    /** CLI arguments; "{dir}" is replaced by the case's scratch folder. */
    args: readonly string[];
    /** Prepare files in the scratch folder before the run. */
    setup?: (dir: string) => void | Promise<void>;
    input?: string;
    env?: NodeJS.ProcessEnv;
    /** Expected exit code. */
    code: number;
    /** A fragment (or pattern) the message must contain (stderr, or stdout for stream "stdout"). */
    message: string | RegExp;
    stream?: "stderr" | "stdout";
    /** Paths (relative to the scratch folder) that must not exist afterwards. */
    noFiles?: readonly string[];
    /** Extra assertions on the result. */
    check?: (result: CliResult, dir: string) => void;
    timeoutMs?: number;
}

const stackLine = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

/** Register one node:test test per case, prefixed by `area`. */
export function runBattery(area: string, cases: readonly BatteryCase[], options: {concurrency?: number} = {}): void {
    test(`${area}: ${cases.length} bad inputs`, {concurrency: options.concurrency ?? 2}, async (context) => {
        await Promise.all(
            cases.map((item) =>
                context.test(item.name, async () => {
                    const dir = scratchFolder("battery");
                    await item.setup?.(dir);
                    const args = item.args.map((arg) => arg.replaceAll("{dir}", dir));
                    const result = await runCli(args, {
                        ...(item.input === undefined ? {} : {input: item.input}),
                        ...(item.env === undefined ? {} : {env: item.env}),
                        timeoutMs: item.timeoutMs ?? 150_000,
                    });
                    assertBadInputResult(item, result, dir);
                }),
            ),
        );
    });
}

export function assertBadInputResult(item: BatteryCase, result: CliResult, dir: string): void {
    const context = `${item.name}\nargs: ${item.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
    assert.equal(result.signal, null, `ended by signal ${String(result.signal)}: ${context}`);
    assert.equal(result.code, item.code, `exit code: ${context}`);
    const text = item.stream === "stdout" ? result.stdout : result.stderr;
    if (typeof item.message === "string") assert.ok(text.includes(item.message), `message fragment "${item.message}" missing: ${context}`);
    else assert.match(text, item.message, context);
    assert.doesNotMatch(result.stderr, stackLine, `stack trace printed: ${context}`);
    assert.doesNotMatch(result.stderr, /unexpected error/, `unexpected error: ${context}`);
    for (const path of item.noFiles ?? []) assert.equal(existsSync(join(dir, path)), false, `partial file ${path} left: ${context}`);
    item.check?.(result, dir);
}
