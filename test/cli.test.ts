import assert from "node:assert/strict";
import {test} from "node:test";
import {runCli} from "./helpers/run-cli.js";

test("--help lists the program and exits 0", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /usage: glassbox <command>/);
});

test("--version prints the package version", async () => {
    const result = await runCli(["--version"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test("an unknown command is one line on stderr and exit code 2", async () => {
    const result = await runCli(["frobnicate"]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /unknown command "frobnicate"/);
});
