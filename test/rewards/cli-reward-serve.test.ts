import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {runCli} from "../helpers/run-cli.js";

test("glassbox reward serve: a bad configuration or a public address is one clear message and exit 2", async () => {
    const directory = mkdtempSync(join(tmpdir(), "glassbox-reward-cli-"));
    const config = join(directory, "rewards.json");
    writeFileSync(config, JSON.stringify({rewards: [{type: "math"}, {type: "format", options: {tags: 3}}]}));
    const bad = await runCli(["reward", "serve", "--config", config]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^glassbox: the reward configuration .* is invalid at rewards\.1\.options\.tags/m);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
    writeFileSync(config, '{"rewards": [');
    const notJson = await runCli(["reward", "serve", "--config", config]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /is not valid JSON/);
    const publicHost = await runCli(["reward", "serve", "--host", "0.0.0.0"]);
    assert.equal(publicHost.code, 2);
    assert.match(publicHost.stderr, /refusing to serve rewards on 0\.0\.0\.0/);
    writeFileSync(config, JSON.stringify({rewards: [{type: "probability"}]}));
    const noModel = await runCli(["reward", "serve", "--config", config]);
    assert.equal(noModel.code, 2);
    assert.match(noModel.stderr, /needs a scoring model/);
});
