import {test, after, before} from "node:test";
import assert from "node:assert/strict";
import {execFile, spawnSync} from "node:child_process";
import {promisify} from "node:util";
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {sandboxedCodeRunner} from "../../src/backends/verifier/code-runner.js";
import {buildRewardRouter, parseRewardConfig} from "../../src/rewards/config.js";
import {startRewardServer, type RunningRewardServer} from "../../src/server/reward-http-server.js";

let server: RunningRewardServer;

before(async () => {
    const config = parseRewardConfig({
        rewards: [{type: "math", weight: 1}],
        dataSources: {
            code: [{type: "code", weight: 1, options: {timeMs: 20_000}}],
            tagged: [
                {type: "math", weight: 1},
                {type: "format", weight: 0.5},
            ],
        },
    });
    server = await startRewardServer({
        router: buildRewardRouter(config, {codeRunner: sandboxedCodeRunner()}),
        concurrency: 4,
        itemTimeoutMs: 1500,
        maxBodyBytes: 64 * 1024,
    });
});

after(async () => {
    await server.close();
});

async function post(path: string, body: unknown): Promise<{status: number; json: Record<string, unknown>}> {
    const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: {"content-type": "application/json"},
        body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return {status: response.status, json: (await response.json()) as Record<string, unknown>};
}

test("an OpenRLHF-shaped request gets correct rewards, scores and extra_logs", async () => {
    const prompts = ["Q: 2+2? A:", "Q: half of 1? A:", "Q: 3*3? A:"];
    const responses = [" It is \\boxed{4}", " The answer is 0.5.", " I think 6"];
    const {status, json} = await post("/get_reward", {
        query: prompts.map((prompt, index) => prompt + responses[index]),
        prompts,
        labels: ["4", "\\frac{1}{2}", "9"],
    });
    assert.equal(status, 200);
    assert.deepEqual(json.rewards, [1, 1, 0]);
    assert.deepEqual(json.scores, [1, 1, 0]);
    assert.deepEqual(Object.keys(json).sort(), ["extra_logs", "rewards", "scores"]);
    assert.equal(typeof json.extra_logs, "object");
});

test("a malformed envelope is a 400 naming the field; a malformed item loses nothing else", async () => {
    const bad = await post("/get_reward", {query: "not a list"});
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.message), /query/);
    const mismatch = await post("/get_reward", {query: ["a"], labels: ["1", "2"]});
    assert.equal(mismatch.status, 400);
    assert.match(String(mismatch.json.message), /labels/);
    const notJson = await post("/score", "{items: [");
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.json.message), /not valid JSON/);
    const batch = await post("/score", {
        items: [
            {id: "a", prompt: "p", completion: "\\boxed{3}", ground_truth: "3"},
            {id: "b", prompt: "p", completion: 42, ground_truth: "3"},
            {
                id: "c",
                prompt: [{role: "user", content: "p"}],
                completion: [{role: "assistant", content: "<think>x</think> \\boxed{7}"}],
                ground_truth: 7,
                data_source: "tagged",
            },
        ],
    });
    assert.equal(batch.status, 200);
    const results = batch.json.results as {id: string; score: number | null; error?: {field: string}}[];
    assert.equal(results[0]?.score, 1);
    assert.equal(results[1]?.score, null);
    assert.equal(results[1]?.error?.field, "items.1.completion");
    assert.equal(results[2]?.score, 1.5);
    assert.equal(batch.json.invalid, 1);
});

test("an oversized body gets 413", async () => {
    const {status, json} = await post("/score", {items: [{prompt: "x".repeat(100_000), completion: "1"}]});
    assert.equal(status, 413);
    assert.match(String(json.message), /larger than the limit/);
});

test("a hanging code item is killed at the item limit and scored 0 with a note; the batch is answered", async () => {
    const tests = JSON.stringify([{input: "", output: "1"}]);
    const started = Date.now();
    const {status, json} = await post("/score", {
        items: [
            {id: "hang", completion: "```python\nwhile True:\n    pass\n```", ground_truth: tests, data_source: "code"},
            {id: "good", completion: "```python\nprint(1)\n```", ground_truth: tests, data_source: "code"},
            {id: "math", completion: "\\boxed{2}", ground_truth: "2"},
        ],
    });
    assert.equal(status, 200);
    const results = json.results as {id: string; score: number; extra: {reason?: string}}[];
    assert.equal(results[0]?.score, 0);
    assert.match(String(results[0]?.extra.reason), /timed out/);
    assert.equal(results[1]?.score, 1);
    assert.equal(results[2]?.score, 1);
    assert.ok(Date.now() - started < 15_000);
});

const python = spawnSync("python3", ["--version"], {encoding: "utf8"});
const noPython = python.status === 0 ? false : "python3 is not installed, so the documented verl/TRL shims cannot run";

function documentedShim(tag: string): string {
    const docs = readFileSync(new URL("../../docs/rl.md", import.meta.url), "utf8");
    const match = new RegExp("```python " + tag + "\\n([\\s\\S]*?)```").exec(docs);
    assert.ok(match?.[1] !== undefined, `docs/rl.md has no python ${tag} block`);
    return match[1];
}

test("the documented verl and TRL shims score through the service", {skip: noPython}, async () => {
    const directory = mkdtempSync(join(tmpdir(), "glassbox-shims-"));
    writeFileSync(join(directory, "verl_shim.py"), documentedShim("verl-shim"));
    writeFileSync(join(directory, "trl_shim.py"), documentedShim("trl-shim"));
    writeFileSync(
        join(directory, "driver.py"),
        [
            "import json, verl_shim, trl_shim",
            "print(json.dumps({",
            "  'verl': [verl_shim.compute_score('gsm8k', 'so #### 72', '72'), verl_shim.compute_score('gsm8k', 'so #### 71', '72')],",
            "  'trl': trl_shim.glassbox_reward(prompts=['q1', [{'role': 'user', 'content': 'q2'}]], completions=['\\\\boxed{1/2}', [{'role': 'assistant', 'content': 'The answer is 3.'}]], ground_truth=['0.5', '4']),",
            "}))",
        ].join("\n"),
    );
    // Asynchronous: the service answers from this same process.
    const run = await promisify(execFile)("python3", ["driver.py"], {
        cwd: directory,
        encoding: "utf8",
        env: {...process.env, GLASSBOX_REWARD_URL: server.url},
        timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(run.stdout), {verl: [1, 0], trl: [1, 0]});
});
