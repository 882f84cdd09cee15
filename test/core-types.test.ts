/**
 * Users of the core compile its declarations under --strict without skipLibCheck: the
 * declarations of the glassbox entry point (and of glassbox/engine, which the core's white-box
 * capability names) are emitted and a small consumer file is type-checked against them.
 */
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {readdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {repoRoot} from "./helpers/run-cli.js";
import {scratchFolder} from "./helpers/scratch.js";

const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
const common = ["--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--strict", "--types", "node"];

function declarationFiles(folder: string): string[] {
    return readdirSync(folder).flatMap((name) => {
        const path = join(folder, name);
        return statSync(path).isDirectory() ? declarationFiles(path) : name.endsWith(".d.ts") ? [path] : [];
    });
}

test("glassbox's core declarations compile in a --strict consumer without skipLibCheck", {timeout: 300_000}, () => {
    const folder = scratchFolder("core-types");
    const declarations = join(folder, "dist");
    const emit = spawnSync(
        process.execPath,
        [
            tsc,
            join(repoRoot, "src", "index.ts"),
            join(repoRoot, "src", "backends", "engine", "index.ts"),
            "--declaration",
            "--emitDeclarationOnly",
            "--outDir",
            declarations,
            "--skipLibCheck",
            ...common,
        ],
        {encoding: "utf8"},
    );
    assert.equal(emit.status, 0, emit.stdout + emit.stderr);
    for (const file of declarationFiles(declarations)) {
        assert.doesNotMatch(readFileSync(file, "utf8"), /from "(node-llama-cpp|better-sqlite3|zod)"/, file);
    }
    const consumer = join(folder, "consumer.ts");
    writeFileSync(
        consumer,
        [
            'import {Evaluator, InputError, type Backend, type ScoreRequest} from "./dist/index.js";',
            "export function evaluatorFor(backend: Backend): Evaluator { return new Evaluator(backend); }",
            "export const request: ScoreRequest = {context: [1], target: [2]};",
            'export const error = new InputError("bad", {hint: "fix"});',
            'import {requireWhiteBox} from "./dist/index.js";',
            'import {logProbObjective, type WhiteBoxModel} from "./dist/backends/engine/index.js";',
            "export async function gradientOf(backend: Backend): Promise<number> {",
            "    const model: WhiteBoxModel = await requireWhiteBox(backend).loadModel();",
            "    return model.backward({tokens: [[1, 2]], objective: logProbObjective([{position: 0, token: 2}])}).value;",
            "}",
            "",
        ].join("\n"),
    );
    const check = spawnSync(process.execPath, [tsc, consumer, "--noEmit", ...common], {encoding: "utf8"});
    assert.equal(check.status, 0, check.stdout + check.stderr);
});
