import assert from "node:assert/strict";
import {readFileSync, writeFileSync} from "node:fs";
import {createServer} from "node:net";
import {join} from "node:path";
import {test} from "node:test";
import {runCli} from "../helpers/run-cli.js";
import {syntheticExplainResult} from "./fixtures.js";
import {scratchFolder} from "../helpers/scratch.js";

const folder = scratchFolder("viewer-cli");
const resultPath = join(folder, "result.json");
writeFileSync(resultPath, JSON.stringify(syntheticExplainResult({prompt: "Lily had a red ball. She lost it.", unit: "word", seed: 1})));

test("glassbox report writes one self-contained HTML file", async () => {
    const out = join(folder, "report.html");
    const result = await runCli(["report", resultPath, "--out", out, "--title", "Lily"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `wrote ${out}\n`);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<title>Lily · glassbox<\/title>/);
    assert.match(html, /data-value="/);
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/);
});

test("a result of an unknown schema version is one line naming the versions understood", async () => {
    const path = join(folder, "future.json");
    writeFileSync(path, JSON.stringify({schemaVersion: 4, kind: "explain"}));
    const result = await runCli(["report", path, "--out", join(folder, "x.html")]);
    assert.equal(result.code, 2);
    assert.equal(
        result.stderr,
        `glassbox: ${path} has schemaVersion 4, which this glassbox does not understand; expected schemaVersion 1 (upgrade glassbox to read it)\n`,
    );
});

test("a file that is not a result, and a missing file, are one line each", async () => {
    const path = join(folder, "list.json");
    writeFileSync(path, "[1, 2]");
    const notResult = await runCli(["report", path, "--out", join(folder, "x.html")]);
    assert.equal(notResult.code, 2);
    assert.match(
        notResult.stderr,
        /^glassbox: .*list\.json is not a glassbox result; expected a JSON object with schemaVersion and kind .*; received an array\n$/,
    );
    const missing = await runCli(["report", join(folder, "missing.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing\.json does not exist/);
});

test("glassbox view: a missing --db names the path and how to create it; no input says what to pass", async () => {
    const db = join(folder, "runs.sqlite");
    const missing = await runCli(["view", "--db", db]);
    assert.equal(missing.code, 2);
    assert.equal(
        missing.stderr,
        `glassbox: --db ${db} does not exist (name an existing run store, or create this one by running a check with --db ${db}; result files open directly: glassbox view RESULT.json)\n`,
    );
    const nothing = await runCli(["view"], {env: {XDG_DATA_HOME: folder}});
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, new RegExp(`^glassbox: no run store at the default path ${join(folder, "glassbox", "runs.db")} \\(`));
});

test("glassbox view on a port in use says so and suggests another port", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as {port: number}).port;
    try {
        const result = await runCli(["view", resultPath, "--port", String(port)]);
        assert.equal(result.code, 2);
        assert.equal(
            result.stderr,
            `glassbox: port ${port} on 127.0.0.1 is in use (try port ${port + 1}, or port 0 to let the system pick a free one; set with --port)\n`,
        );
    } finally {
        blocker.close();
    }
});
