import assert from "node:assert/strict";
import {test} from "node:test";
import {runCli} from "../../helpers/run-cli.js";
import {sharedModel} from "../../helpers/models.js";

const model = sharedModel("stories260K.gguf");
const prompt = "Lily had a red ball. She lost it in the park.";

function assertOneLineError(result: {code: number | null; stderr: string; stdout: string}, pattern: RegExp): void {
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", pattern);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
}

test("explain --method ig --json on stories260K: the explain schema, units from tokens, the convergence delta within 1%", async () => {
    const result = await runCli([
        "explain",
        "--model",
        model,
        "--prompt",
        prompt,
        "--unit",
        "sentence",
        "--target",
        " She was sad.",
        "--method",
        "ig",
        "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
        kind: string;
        method: string;
        units: {text: string}[];
        values: number[];
        componentLabels: string[];
        componentValues: number[][];
        whiteBox: {
            steps: number;
            integration: string;
            baseline: string;
            tokens: {unit: number; value: number}[];
            relativeConvergenceDelta: number;
            convergenceDelta: number;
            valueInput: number;
            valueBaseline: number;
        };
    };
    assert.equal(parsed.kind, "explain");
    assert.equal(parsed.method, "ig");
    assert.deepEqual(
        parsed.units.map((unit) => unit.text),
        ["Lily had a red ball.", "She lost it in the park."],
    );
    assert.equal(parsed.whiteBox.steps, 32);
    assert.equal(parsed.whiteBox.integration, "gauss-legendre");
    assert.equal(parsed.whiteBox.baseline, "mean token embedding");
    assert.ok(parsed.whiteBox.relativeConvergenceDelta <= 0.01, `relative delta ${parsed.whiteBox.relativeConvergenceDelta}`);
    // Unit values are the sums of their tokens' values; the template (BOS) is in no unit and has none.
    parsed.values.forEach((value, unit) => {
        const sum = parsed.whiteBox.tokens.filter((token) => token.unit === unit).reduce((total, token) => total + token.value, 0);
        assert.ok(Math.abs(sum - value) < 1e-9);
    });
    assert.equal(parsed.whiteBox.tokens[0]!.unit, -1);
    assert.equal(parsed.whiteBox.tokens[0]!.value, 0);
    // The per-target-token matrix sums to the values, and Σ values = f(x) − f(baseline) − delta.
    assert.equal(parsed.componentValues.length, parsed.componentLabels.length);
    parsed.values.forEach((value, unit) => assert.ok(Math.abs(parsed.componentValues.reduce((sum, row) => sum + row[unit]!, 0) - value) < 1e-9));
    const total = parsed.values.reduce((sum, value) => sum + value, 0);
    assert.ok(Math.abs(total - (parsed.whiteBox.valueInput - parsed.whiteBox.valueBaseline) - parsed.whiteBox.convergenceDelta) < 1e-9);
});

test("explain with each white-box method prints the text report; contrastive targets take a foil", async () => {
    for (const method of ["grad", "ixg", "attnlrp", "attention"]) {
        const result = await runCli(["explain", "--model", model, "--prompt", prompt, "--unit", "sentence", "--target", " She was sad.", "--method", method]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Lily had a red ball\./);
    }
    const contrastive = await runCli([
        "explain",
        "--model",
        model,
        "--prompt",
        prompt,
        "--unit",
        "word",
        "--target",
        " She was sad.",
        "--foil",
        " She was happy.",
        "--method",
        "ixg",
        "--json",
    ]);
    assert.equal(contrastive.code, 0, contrastive.stderr);
    const parsed = JSON.parse(contrastive.stdout) as {valueKind: string; componentLabels: string[]; componentValues: number[][]};
    assert.equal(parsed.valueKind, "contrastive");
    assert.ok(parsed.componentLabels.some((label) => label.startsWith("foil:")));
    assert.equal(parsed.componentValues.length, parsed.componentLabels.length);
});

test("white-box bad input: the capability error on the scripted backend, flags of other methods, zero steps, a bad baseline", async () => {
    const scripted = await runCli(["explain", "--model", "scripted:honest-explainer", "--prompt", prompt, "--target", " x", "--method", "ig"]);
    assertOneLineError(
        scripted,
        /integrated gradients needs the white-box engine.*backend scripted.*does not offer.*local GGUF file whose architecture the white-box engine reads \(llama, qwen2, qwen3\)/,
    );
    const base = ["explain", "--model", model, "--prompt", prompt, "--target", " x"];
    assertOneLineError(await runCli([...base, "--method", "ig", "--steps", "0"]), /--steps/);
    assertOneLineError(await runCli([...base, "--method", "ig", "--baseline", "noise"]), /--baseline "noise" is not a baseline.*mean, zero or token:ID/);
    assertOneLineError(await runCli([...base, "--method", "grad", "--steps", "8"]), /--steps applies to --method ig only/);
    assertOneLineError(
        await runCli([...base, "--method", "ig", "--budget", "40"]),
        /--budget counts coalitions, which the white-box method ig does not evaluate/,
    );
    assertOneLineError(await runCli([...base, "--method", "ixg", "--value", "prob"]), /the white-box method ixg explains log-probabilities, not prob.*--value/);
});
