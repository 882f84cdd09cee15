#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx) and ends
// with one plain line: "N passed, N failed". Usage: node scripts/run-tests.mjs [filter...]
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative} from "node:path";
import {availableParallelism} from "node:os";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);

function collect(dir) {
    const found = [];
    for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) found.push(...collect(path));
        else if (name.endsWith(".test.ts")) found.push(path);
    }
    return found;
}

let files = collect(join(root, "test"))
    .map((path) => relative(root, path))
    .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)));

// The shared test models live beside the repository (test/helpers/models.ts). Without them the
// files that load them are left out, and a line says so before the counts. Under CI=true that is
// an error: a CI run must not pass with part of the suite missing.
const modelsDir = process.env.GLASSBOX_TEST_MODELS ?? join(root, "..", "shared", "models");
let modelNotice = "";
if (!existsSync(join(modelsDir, "stories260K.gguf"))) {
    const needing = files.filter((path) => /sharedModel|served-stories/.test(readFileSync(join(root, path), "utf8")));
    files = files.filter((path) => !needing.includes(path));
    if (needing.length > 0) {
        modelNotice =
            `left out ${needing.length} test files that load the shared test models: ${modelsDir} has no stories260K.gguf ` +
            "(put shared/ beside the repository or set GLASSBOX_TEST_MODELS=DIR)";
        console.log(modelNotice);
        if (/^(1|true|yes)$/i.test(process.env.CI ?? "")) {
            console.error(`CI=true: the shared test models are required; ${needing.length} test files would be left out`);
            process.exit(1);
        }
    }
}
if (files.length === 0) {
    console.error(modelNotice !== "" ? modelNotice : `no test files match ${filters.join(" ")}`);
    process.exit(1);
}

mkdirSync(join(root, "test-artifacts"), {recursive: true});
const tapFile = join(root, "test-artifacts", `results-${process.pid}.tap`);
const concurrency = String(Math.max(1, Math.min(2, availableParallelism())));
const child = spawn(
    process.execPath,
    [
        "--import",
        "tsx",
        "--test",
        "--test-reporter=spec",
        "--test-reporter=tap",
        "--test-reporter-destination=stdout",
        `--test-reporter-destination=${tapFile}`,
        `--test-concurrency=${concurrency}`,
        ...files,
    ],
    {cwd: root, stdio: ["ignore", "inherit", "inherit"]},
);

child.on("exit", async (code) => {
    const {rmSync} = await import("node:fs");
    let passed = 0,
        failed = 0,
        skipped = 0;
    try {
        const tap = readFileSync(tapFile, "utf8");
        passed = Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
        failed = Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(tap)?.[1] ?? 0);
        skipped = Number(/^# skipped (\d+)/m.exec(tap)?.[1] ?? 0) + Number(/^# todo (\d+)/m.exec(tap)?.[1] ?? 0);
        rmSync(tapFile, {force: true});
    } catch {
        failed = Math.max(1, failed);
    }
    if (code !== 0 && failed === 0) failed = 1;
    if (modelNotice !== "") console.log(modelNotice);
    console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
    process.exit(code === 0 && failed === 0 ? 0 : 1);
});
