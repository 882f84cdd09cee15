import assert from "node:assert/strict";
import {test} from "node:test";
import {commands} from "../../src/cli/commands/index.js";
import {itemProblem} from "../../src/cli/commands/check-support.js";
import {errorLine, flagForParameter, kebabCase, printable} from "../../src/cli/error-output.js";
import {commandHelp} from "../../src/cli/help.js";
import {binaryKind} from "../../src/cli/text-files.js";
import {closestName, editDistance} from "../../src/cli/suggest.js";
import {BudgetError, InputError, ModelFileError} from "../../src/errors.js";

const command = (name: string) => {
    const found = commands.find((entry) => entry.name === name);
    assert.ok(found, name);
    return found;
};

test("edit distance counts a swap of neighbours as one edit; suggestions stay close", () => {
    assert.equal(editDistance("explian", "explain"), 1);
    assert.equal(editDistance("budget", "buget"), 1);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(closestName("--buget", ["--budget", "--seed"]), "--budget");
    assert.equal(closestName("zzzz", ["json", "seed"]), undefined);
    assert.equal(closestName("subth", ["subthoughts", "confidence"]), "subthoughts");
});

test("a parameter maps to the command's flag: kebab case, the command's exceptions, the overrides", () => {
    assert.equal(kebabCase("maxTargetTokens"), "max-target-tokens");
    assert.equal(flagForParameter(command("explain"), "budget"), "--budget");
    assert.equal(flagForParameter(command("explain"), "maxTokens"), "--max-target-tokens");
    assert.equal(flagForParameter(command("check counterfactual"), "maxExplanationTokens"), "--max-tokens");
    assert.equal(flagForParameter(command("amplify"), "developmentItems"), "--train");
    assert.equal(flagForParameter(command("runs list"), "runStorePath"), "--db");
    assert.equal(flagForParameter(command("demo"), "budget"), undefined);
    const error = new BudgetError("budget 3 is too small", {hint: "raise the budget to 8 or more", parameter: "budget"});
    assert.equal(errorLine(error, command("explain")), "budget 3 is too small (raise the budget to 8 or more; set with --budget)");
    assert.equal(errorLine(error, command("demo")), "budget 3 is too small (raise the budget to 8 or more)");
    const file = new ModelFileError("model file x.gguf does not exist");
    assert.equal(file.parameter, "model");
    assert.equal(errorLine(file, command("score")), "model file x.gguf does not exist (set with --model)");
});

test("printed text never carries control bytes or undecodable characters", () => {
    assert.equal(printable("GGUF\u0003\u0000\u001b[2J ok\ufffd"), "GGUF\\x03\\x00\\x1b[2J ok?");
    assert.equal(errorLine(new InputError("plain"), undefined), "plain");
});

test("binary files are recognised, text (UTF-8, even cut inside a character) is not", () => {
    assert.equal(binaryKind(Buffer.from("GGUF\u0003\u0000\u0000\u0000", "latin1")), "a GGUF model file");
    assert.equal(binaryKind(Buffer.from("SQLite format 3\u0000", "latin1")), "a SQLite database");
    assert.equal(binaryKind(Uint8Array.from([0xff, 0xfe, 0x41])), "");
    assert.equal(binaryKind(Buffer.from('{"text": "naïve ✓"}')), undefined);
    const long = Buffer.from(`${"a".repeat(65535)}✓ and more`);
    assert.equal(binaryKind(long), undefined);
});

test("an item's stored error is printed with its id once", () => {
    assert.equal(itemProblem("q1", 'item q1: glassbox check bias needs "options"'), 'item q1: glassbox check bias needs "options"');
    assert.equal(itemProblem("q1", "no answer"), "item q1: no answer");
});

test("help text: every default once, string defaults quoted, no description repeating the default", () => {
    for (const entry of commands) {
        const help = commandHelp(entry);
        for (const [name, spec] of Object.entries(entry.options)) {
            if (spec.default === undefined || spec.kind === "boolean") continue;
            assert.ok(!spec.description.includes("Default:"), `${entry.name} --${name} repeats its default in the description`);
            const shown = typeof spec.default === "string" ? JSON.stringify(spec.default) : String(spec.default);
            assert.ok(help.includes(`Default: ${shown}.`), `${entry.name} --${name}`);
        }
        for (const line of help.split("\n")) assert.ok((line.match(/Default:/g) ?? []).length <= 1, `${entry.name}: ${line}`);
    }
});
