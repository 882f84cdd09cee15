import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {runCli} from "../helpers/run-cli.js";
import {scratchFolder} from "../helpers/scratch.js";

const model = "organisms/lookup.gguf";
const clean = "pear gold . fig red . otter teal . question : fig";
const corrupted = "pear gold . fig red . otter teal . question : pear";

test("glassbox patch --json: three tables, the clean and corrupted answers found, the question key the only cell of block 0's input", async () => {
    const result = await runCli(["patch", "--model", model, "--clean", clean, "--corrupted", corrupted, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.kind, "patch");
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.metric.kind, "logit-diff");
    assert.equal(json.metric.target.text, "red");
    assert.equal(json.metric.foil.text, "gold");
    assert.deepEqual(
        json.tables.map((table: {method: string}) => table.method),
        ["activation", "atp", "relp"],
    );
    const activation = json.tables[0];
    assert.deepEqual(activation.components.resid_pre[0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.ok(activation.heads[1][1] > 0.9, "the second head of block 1 carries the answer");
});

test("glassbox patch --html writes the heatmap page beside the text tables", async () => {
    const page = join(scratchFolder("patch-html"), "patch.html");
    const result = await runCli(["patch", "--model", model, "--clean", clean, "--corrupted", corrupted, "--method", "relp", "--html", page]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /== relp ==/);
    const html = readFileSync(page, "utf8");
    assert.match(html, /<h2>relp<\/h2>/);
    assert.match(html, /fig<br><span class="changed">pear<\/span>/);
});

test("glassbox patch refuses clean and corrupted inputs of different token lengths, naming both", async () => {
    const result = await runCli(["patch", "--model", model, "--clean", clean, "--corrupted", "pear gold . question : pear"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /different token lengths \(clean 13 tokens, corrupted 7 tokens\)/);
    assert.match(result.stderr, /--corrupted/);
});

test("glassbox lens follows the answer to rank 1 at the last block", async () => {
    const result = await runCli(["lens", "--model", model, "--prompt", clean, "--target", " red", "--top", "2", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.kind, "lens");
    assert.equal(json.target.text, "red");
    assert.equal(json.layers.length, 2);
    const last = json.layers[1].positions.at(-1);
    assert.equal(last.top.length, 2);
    assert.equal(last.top[0].text, "red");
    assert.equal(last.target.rank, 1);
});

test("glassbox probe: a dataset with one class is refused; a bad line names its number", async () => {
    const folder = scratchFolder("probe-cli");
    const one = join(folder, "one.jsonl");
    writeFileSync(one, ['{"text": "pear gold", "label": "x"}', '{"text": "fig red", "label": "x"}'].join("\n"));
    const single = await runCli(["probe", "--model", model, "--dataset", one]);
    assert.equal(single.code, 2);
    assert.match(single.stderr, /a probe needs at least two classes; the dataset has only "x"/);
    const bad = join(folder, "bad.jsonl");
    writeFileSync(bad, ['{"text": "pear gold", "label": "x"}', '{"txt": "fig red", "label": "y"}'].join("\n"));
    const malformed = await runCli(["probe", "--model", model, "--dataset", bad]);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /line 2/);
});

test("glassbox probe --json reports accuracy, control and selectivity per hook", async () => {
    const folder = scratchFolder("probe-cli-json");
    const path = join(folder, "colours.jsonl");
    const keys = ["pear", "fig", "otter", "mango", "apple", "lemon"];
    const values = ["red", "navy", "gold", "teal"];
    const lines: string[] = [];
    keys.forEach((key, k) =>
        values.forEach((value, v) => {
            const other = keys[(k + 1) % keys.length]!;
            const otherValue = values[(v + 1) % values.length]!;
            lines.push(JSON.stringify({text: `${key} ${value} . ${other} ${otherValue} . question : ${key}`, label: v < 2 ? "warm" : "cool"}));
        }),
    );
    writeFileSync(path, lines.join("\n"));
    const result = await runCli(["probe", "--model", model, "--dataset", path, "--seed", "2", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.kind, "probe");
    assert.deepEqual(json.classes, ["cool", "warm"]);
    assert.equal(json.heldOutCount, 6);
    assert.deepEqual(
        json.layers.map((layer: {hook: string}) => layer.hook),
        ["hook_embed", "blocks.0.hook_resid_post", "blocks.1.hook_resid_post"],
    );
    for (const layer of json.layers) assert.equal(layer.selectivity, layer.accuracy - layer.controlAccuracy);
});

test("a backend without the white-box engine is refused in one line naming the analysis and the backend", async () => {
    for (const [argv, purpose] of [
        [["patch", "--clean", "a", "--corrupted", "b"], "patching"],
        [["lens", "--prompt", "a"], "the logit lens"],
    ] as const) {
        const result = await runCli([...argv, "--model", "scripted:honest-explainer"]);
        assert.equal(result.code, 1);
        assert.match(result.stderr, new RegExp(`^glassbox: ${purpose} needs the white-box engine .*which backend scripted:honest-explainer does not offer`));
        assert.equal(result.stderr.trim().split("\n").length, 1);
    }
});
