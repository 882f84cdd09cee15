/**
 * The flag types inferred from option specs. The type assertions below are checked by
 * `npm run typecheck`: if inference breaks (a choice widens to string, a default stops removing
 * undefined), this file no longer compiles. The tests check that the parser produces values of
 * exactly those types at run time.
 */
import assert from "node:assert/strict";
import {test} from "node:test";
import {parseCommandLine} from "../../src/cli/args.js";
import {defineCommand, type OptionValues} from "../../src/cli/command.js";
import {datasetOptionSpecs, type DatasetOptionValues} from "../../src/cli/commands/check-support.js";
import {modelOptionSpecs} from "../../src/cli/input-files.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<Condition extends true>(): Condition | undefined {
    return undefined;
}

const specs = {
    name: {kind: "string", description: "a string"},
    count: {kind: "integer", min: 1, description: "an integer"},
    ratio: {kind: "number", description: "a number"},
    verbose: {kind: "boolean", description: "a boolean"},
    mode: {kind: "string", choices: ["fast", "exact"], description: "choices"},
    level: {kind: "string", choices: ["low", "high"], default: "low", description: "choices with a default"},
    seed: {kind: "integer", default: 0, description: "an integer with a default"},
    path: {kind: "string", required: true, description: "required"},
    tag: {kind: "string", multiple: true, description: "repeatable"},
} as const;

type Values = OptionValues<typeof specs>;
assertType<Equal<Values["name"], string | undefined>>();
assertType<Equal<Values["count"], number | undefined>>();
assertType<Equal<Values["ratio"], number | undefined>>();
assertType<Equal<Values["verbose"], boolean>>();
assertType<Equal<Values["mode"], "fast" | "exact" | undefined>>();
assertType<Equal<Values["level"], "low" | "high">>();
assertType<Equal<Values["seed"], number>>();
assertType<Equal<Values["path"], string>>();
assertType<Equal<Values["tag"], string[]>>();

// Shared groups keep their types.
assertType<Equal<DatasetOptionValues["model"], string>>();
assertType<Equal<DatasetOptionValues["concurrency"], number>>();
assertType<Equal<DatasetOptionValues["limit"], number | undefined>>();
assertType<Equal<DatasetOptionValues["fresh"], boolean>>();
assertType<Equal<OptionValues<typeof modelOptionSpecs>["context-size"], number | undefined>>();

const seen: unknown[] = [];
const command = defineCommand({
    name: "probe",
    summary: "records its options",
    usage: "probe",
    options: {...specs, unit: {kind: "string", choices: ["word", "sentence"], default: "word", description: "inferred without as const"}},
    async run({options}) {
        // Inside run the values are typed without casts: these lines fail to compile if they widen.
        const level: "low" | "high" = options.level;
        const unit: "word" | "sentence" = options.unit;
        const path: string = options.path;
        const tags: string[] = options.tag;
        // @ts-expect-error a flag without a default may be absent
        const count: number = options.count;
        // @ts-expect-error a choice flag holds one of its choices (or nothing), not any string
        const mode: "fast" = options.mode;
        seen.push(level, unit, path, tags, count, mode);
        return 0;
    },
});

test("parsed values have the inferred types: numbers, booleans, choices, defaults, lists", () => {
    const parsed = parseCommandLine(command, ["--path", "p", "--count", "3", "--ratio", "-0.5", "--mode", "exact", "--tag", "a", "--tag", "b", "--verbose"]);
    assert.deepEqual(
        {
            name: parsed.options.name,
            count: parsed.options.count,
            ratio: parsed.options.ratio,
            verbose: parsed.options.verbose,
            mode: parsed.options.mode,
            level: parsed.options.level,
            seed: parsed.options.seed,
            path: parsed.options.path,
            tag: parsed.options.tag,
            unit: parsed.options.unit,
        },
        {name: undefined, count: 3, ratio: -0.5, verbose: true, mode: "exact", level: "low", seed: 0, path: "p", tag: ["a", "b"], unit: "word"},
    );
    const bare = parseCommandLine(command, ["--path", "p"]);
    assert.equal(bare.options.verbose, false);
    assert.deepEqual(bare.options.tag, []);
});

test("defineCommand hands run the parsed values unchanged", async () => {
    seen.length = 0;
    const parsed = parseCommandLine(command, ["--path", "x", "--level", "high", "--unit", "sentence", "--tag", "t"]);
    const io = {
        stdout: process.stdout,
        stderr: process.stderr,
        color: false,
        progress: () => undefined,
        progressCount: () => undefined,
        progressDone: () => undefined,
        notice: () => undefined,
    };
    assert.equal(await command.run({options: parsed.options, positionals: [], io, debug: false}), 0);
    assert.deepEqual(seen, ["high", "sentence", "x", ["t"], undefined, undefined]);
});

test("every shared dataset flag keeps its spec: --model is required, --concurrency defaults to 1", () => {
    assert.equal(datasetOptionSpecs.model.required, true);
    assert.equal(datasetOptionSpecs.concurrency.default, 1);
});
