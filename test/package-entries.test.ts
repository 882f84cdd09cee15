/**
 * The package surface: importing `glassbox` (src/index.ts) reaches neither node-llama-cpp,
 * better-sqlite3, an HTTP server nor any adapter folder, statically or through a dynamic import;
 * glassbox/engine reaches the engine and its file loader only; each subpath entry of package.json
 * exists. Checked on the import graph that dependency-cruiser resolves (type-only imports left
 * out: they vanish at run time), so a module outside it cannot load.
 */
import assert from "node:assert/strict";
import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {test} from "node:test";
import {cruise} from "dependency-cruiser";
import {repoRoot} from "./helpers/run-cli.js";

interface CruisedModule {
    source: string;
    dependencies: {resolved: string; dynamic: boolean; dependencyTypes: string[]}[];
}

async function reachable(entry: string): Promise<Set<string>> {
    const tsConfig = JSON.parse(readFileSync(join(repoRoot, "tsconfig.json"), "utf8")) as object;
    const result = await cruise(
        [entry],
        {
            tsPreCompilationDeps: true,
            doNotFollow: {path: "node_modules"},
            tsConfig: {fileName: join(repoRoot, "tsconfig.json")},
        },
        undefined,
        {tsConfig},
    );
    const output = result.output as {modules: CruisedModule[]};
    const seen = new Set<string>();
    for (const module of output.modules) {
        seen.add(module.source);
        for (const dependency of module.dependencies) if (!dependency.dependencyTypes.includes("type-only")) seen.add(dependency.resolved);
    }
    return seen;
}

test('import("glassbox") reaches neither node-llama-cpp, SQLite, an HTTP server nor an adapter', {timeout: 120_000}, async () => {
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
        const modules = [...(await reachable("src/index.ts"))];
        assert.ok(modules.includes("src/explain/explain.ts"), "the core is reached");
        const forbidden = modules.filter((path) => /node-llama-cpp|better-sqlite3|^node:http$|^http$|^src\/(backends|store|server|cli)\//.test(path));
        assert.deepEqual(forbidden, []);
    } finally {
        process.chdir(previous);
    }
});

test("glassbox/engine reaches neither node-llama-cpp, SQLite, an HTTP server nor another adapter", {timeout: 120_000}, async () => {
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
        const modules = [...(await reachable("src/backends/engine/index.ts"))];
        assert.ok(modules.includes("src/engine/white-box-model.ts"), "the engine is reached");
        const forbidden = modules.filter(
            (path) =>
                /node-llama-cpp|better-sqlite3|^node:http$|^http$|^src\/(store|server|cli)\//.test(path) ||
                (/^src\/backends\//.test(path) && !/^src\/backends\/(engine\/|llama-cpp\/gguf-reader\.ts$)/.test(path)),
        );
        assert.deepEqual(forbidden, []);
    } finally {
        process.chdir(previous);
    }
});

test("glassbox/backends reaches node-llama-cpp only through a dynamic import", {timeout: 120_000}, async () => {
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
        const tsConfig = JSON.parse(readFileSync(join(repoRoot, "tsconfig.json"), "utf8")) as object;
        const result = await cruise(
            ["src/backends/index.ts"],
            {tsPreCompilationDeps: true, doNotFollow: {path: "node_modules"}, tsConfig: {fileName: join(repoRoot, "tsconfig.json")}},
            undefined,
            {tsConfig},
        );
        const output = result.output as {modules: CruisedModule[]};
        const staticEdges = new Map(
            output.modules.map((module) => [
                module.source,
                module.dependencies
                    .filter((dependency) => !dependency.dynamic && !dependency.dependencyTypes.includes("type-only"))
                    .map((dependency) => dependency.resolved),
            ]),
        );
        const seen = new Set<string>(["src/backends/index.ts"]);
        const queue = ["src/backends/index.ts"];
        while (queue.length > 0) {
            for (const next of staticEdges.get(queue.pop() as string) ?? []) {
                if (!seen.has(next)) {
                    seen.add(next);
                    queue.push(next);
                }
            }
        }
        assert.deepEqual(
            [...seen].filter((path) => /node-llama-cpp|src\/backends\/llama-cpp\/backend\.ts/.test(path)),
            [],
        );
    } finally {
        process.chdir(previous);
    }
});

test("every subpath entry of package.json has its source file", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {exports: Record<string, {import: string}>};
    assert.deepEqual(Object.keys(manifest.exports).sort(), [".", "./backends", "./engine", "./llama-cpp", "./server", "./store", "./testing"]);
    for (const [entry, target] of Object.entries(manifest.exports)) {
        const source = target.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
        assert.ok(existsSync(join(repoRoot, source)), `${entry}: ${source}`);
    }
});
