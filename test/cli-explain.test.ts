import assert from "node:assert/strict";
import {readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {runCli} from "./helpers/run-cli.js";
import {sharedModel} from "./helpers/models.js";
import {scratchFolder} from "./helpers/scratch.js";

const model = sharedModel("stories260K.gguf");
const scratch = scratchFolder("explain");

function assertOneLineError(result: {code: number | null; stderr: string; stdout: string}, pattern: RegExp): void {
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", pattern);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
}

test("bad inputs: one clear line each and a non-zero exit", async () => {
    const prompt = ["--model", model, "--prompt", "Lily had a red ball."];
    const noDocuments = join(scratch, "prompt.json");
    writeFileSync(noDocuments, JSON.stringify({prompt: "Lily had a ball."}));
    const cases: [string[], RegExp][] = [
        [[...prompt, "--unit", "clause"], /--unit does not accept "clause".*one of token, word, sentence/],
        [[...prompt, "--method", "magic"], /--method does not accept "magic"/],
        [
            [...prompt, "--method", "exact", "--budget", "5", "--target", " x"],
            /budget 5 is too small for exact with 5 units: the minimum is 32 \(raise the budget to 32 or more, or use fewer units; set with --budget\)/,
        ],
        [["--model", model, "--input", noDocuments, "--unit", "document"], /unit document needs an input with documents.*set with --unit/],
        [["--model", model, "--prompt", "   \n ", "--target", " x"], /the input yields zero word units/],
        [[...prompt, "--target", " She", "--foil", " She"], /the foil equals the target/],
        [[...prompt, "--target", " x", "--rationale", "3-500"], /rationale span 3-500 is outside the text of the prompt/],
    ];
    for (const [args, pattern] of cases) assertOneLineError(await runCli(["explain", ...args]), pattern);
});

test("explain --json on stories260K: schema fields, offsets, efficiency of exact Shapley", async () => {
    const prompt = "Lily had a red ball. She lost it. She was sad.";
    const result = await runCli([
        "explain",
        "--model",
        model,
        "--prompt",
        prompt,
        "--unit",
        "sentence",
        "--method",
        "exact",
        "--target",
        " Lily cried.",
        "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
        schemaVersion: number;
        kind: string;
        units: {start: number; end: number; text: string}[];
        values: number[];
        valueFull: number;
        valueEmpty: number;
        evaluations: number;
        method: string;
        budget: number;
        seed: number;
        target: {text: string; tokens: {id: number; text: string}[]};
        componentValues: number[][];
    };
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.kind, "explain");
    assert.deepEqual(
        json.units.map((unit) => unit.text),
        ["Lily had a red ball.", "She lost it.", "She was sad."],
    );
    for (const unit of json.units) assert.equal(prompt.slice(unit.start, unit.end), unit.text);
    assert.equal(json.method, "exact");
    assert.equal(json.evaluations, 8);
    assert.equal(json.target.text, " Lily cried.");
    assert.equal(json.componentValues.length, json.target.tokens.length);
    const total = json.values.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - (json.valueFull - json.valueEmpty)) < 1e-6);
});

test("the same seed gives the same output through the CLI; --out writes the JSON and prints the text summary", async () => {
    const input = join(scratch, "rag.json");
    writeFileSync(
        input,
        JSON.stringify({
            question: "What did Lily lose?",
            documents: ["Lily had a red ball.", {title: "Dog", text: "Tom had a big dog."}, "Lily lost her ball."],
        }),
    );
    const args = ["explain", "--model", model, "--input", input, "--method", "shapley", "--budget", "14", "--seed", "3", "--target", " ball"];
    const first = await runCli([...args, "--json"]);
    const outFile = join(scratch, "out.json");
    const second = await runCli([...args, "--out", outFile]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const strip = (text: string) => {
        const json = JSON.parse(text) as Record<string, unknown>;
        delete json.timing;
        return json;
    };
    assert.deepEqual(strip(readFileSync(outFile, "utf8")), strip(first.stdout));
    assert.match(second.stdout, /target {3}" ball"/);
    assert.match(second.stdout, /method {3}shapley, \d+ evaluations \(budget 14, seed 3\)/);
    assert.match(second.stdout, /top 3 units by \|value\|:/);
    assert.match(second.stdout, /± /);
});
