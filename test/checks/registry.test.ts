import assert from "node:assert/strict";
import {test} from "node:test";
import {checkDefinitions} from "../../src/checks/registry.js";
import {commands} from "../../src/cli/commands/index.js";
import {datasetOptionSpecs} from "../../src/cli/commands/check-support.js";
import {jsonKinds} from "../../src/cli/json-output.js";

test("every registered check becomes one command with the dataset flags, its own flags and a --json kind", () => {
    const names = checkDefinitions.map((definition) => definition.name);
    assert.deepEqual(names, [
        "check self-explanation",
        "check counterfactual",
        "check cot",
        "check bias",
        "analyze subthoughts",
        "analyze confidence",
        "compare",
        "refine",
        "amplify",
    ]);
    for (const definition of checkDefinitions) {
        const matching = commands.filter((command) => command.name === definition.name);
        assert.equal(matching.length, 1, definition.name);
        const command = matching[0]!;
        assert.ok(
            jsonKinds.some((kind) => kind === definition.name),
            definition.name,
        );
        assert.equal(command.summary, definition.summary);
        assert.equal(command.details, definition.details);
        for (const flag of [...Object.keys(datasetOptionSpecs), ...Object.keys(definition.options)])
            assert.ok(flag in command.options, `${definition.name} --${flag}`);
        assert.equal(command.options.json?.kind, "boolean");
        assert.equal(command.options.model?.required, true);
    }
});

test("a check's own flag overrides the shared one of the same name (--json's help line)", () => {
    const amplify = commands.find((command) => command.name === "amplify");
    assert.equal(amplify?.options.json?.description, "Print the prompt and the run summary as JSON.");
});
