import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {formatExplainText} from "../../src/cli/render/explain-text.js";
import {cubeIndex, divergingBar, shadeColor, shadeText} from "../../src/cli/render/shading.js";
import {explain} from "../../src/explain/explain.js";

const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

test("shading: zero is neutral, the scale ends are the full colours, depths pick the escape form", () => {
    assert.deepEqual(shadeColor(0, 1), {red: 245, green: 245, blue: 245});
    assert.deepEqual(shadeColor(2, 1), {red: 33, green: 102, blue: 172});
    assert.deepEqual(shadeColor(-1, 1), {red: 178, green: 24, blue: 43});
    assert.equal(shadeText("word", 1, 1, "none"), "word");
    assert.match(shadeText("word", 1, 1, "24bit"), /^\x1b\[48;2;33;102;172;97mword\x1b\[0m$/);
    assert.match(shadeText("word", 0, 1, "256"), /^\x1b\[48;5;\d+;30mword\x1b\[0m$/);
    assert.equal(cubeIndex({red: 255, green: 255, blue: 255}), 231);
    assert.equal(stripAnsi(shadeText("a\nb", -0.5, 1, "24bit")), "a\nb");
});

test("diverging bars: positive grows right of the axis, negative left, fixed width", () => {
    assert.equal(divergingBar(1, 1, 4), "    │████");
    assert.equal(divergingBar(-0.5, 1, 4), "  ██│    ");
    assert.equal(divergingBar(0, 1, 4), "    │    ");
    for (const value of [0.13, -0.77, 0.999]) assert.equal([...divergingBar(value, 1, 6)].length, 13);
});

test("text output: plain lists every unit with a bar; colour shades the input text itself", async () => {
    const backend = new ScriptedBackend({seed: 4});
    const result = await explain(
        backend,
        {kind: "prompt", prompt: "Red ball. Blue sky. Green sea."},
        {unit: "sentence", method: "shapley", budget: 20, target: " x"},
    );
    const plain = formatExplainText(result, {depth: "none"});
    assert.match(plain, /units in reading order/);
    for (const unit of result.units) assert.ok(plain.includes(JSON.stringify(unit.text)), unit.text);
    assert.match(plain, /top 3 units by \|value\|:/);
    assert.match(plain, /± /);
    assert.match(plain, /method {3}shapley, \d+ evaluations \(budget 20, seed 0\)/);
    assert.doesNotMatch(plain, /\x1b\[/);
    const colour = formatExplainText(result, {depth: "24bit"});
    assert.match(colour, /\x1b\[48;2;/);
    assert.ok(stripAnsi(colour).includes("Red ball. Blue sky. Green sea."));
});
