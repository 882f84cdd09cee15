#!/usr/bin/env node
// House rules that CI enforces (CONTRIBUTING.md explains them):
//   1. the import rules of .dependency-cruiser.cjs (core imports no adapter, backends no evaluator, …);
//   2. no cycles between the top-level folders of src/ (src/checks → src/reasoning → src/checks is one);
//   3. only src/cli prints or exits.
// Prints one line per violation and exits 1 when there is any.
import {readFileSync, readdirSync, statSync} from "node:fs";
import {createRequire} from "node:module";
import {join, relative} from "node:path";
import {cruise} from "dependency-cruiser";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const require = createRequire(import.meta.url);
const configuration = require(join(root, ".dependency-cruiser.cjs"));

const problems = [];
const result = await cruise(
    ["src"],
    {
        validate: true,
        ruleSet: {forbidden: configuration.forbidden},
        ...configuration.options,
    },
    undefined,
    {tsConfig: JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"))},
);
const output = result.output;
for (const violation of output.summary.violations) {
    problems.push(`${violation.rule.name}: ${violation.from} → ${violation.to}`);
}

// Folder cycles: collapse every module to its top-level folder under src/ (files directly in src/,
// such as the package entry and errors.ts, stay separate nodes) and look for strongly connected components.
const folderOf = (path) => {
    const match = /^src\/([^/]+)\//.exec(path);
    return match === null ? path : `src/${match[1]}`;
};
const edges = new Map();
const examples = new Map();
for (const module of output.modules) {
    if (!module.source.startsWith("src/") || module.source === "src/index.ts") continue;
    const from = folderOf(module.source);
    for (const dependency of module.dependencies) {
        if (!dependency.resolved.startsWith("src/")) continue;
        const to = folderOf(dependency.resolved);
        if (to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from).add(to);
        const key = `${from}|${to}`;
        if (!examples.has(key)) examples.set(key, `${module.source} → ${dependency.resolved}`);
    }
}
for (const component of stronglyConnected(edges)) {
    if (component.length < 2) continue;
    const inside = new Set(component);
    const witness = [...examples]
        .filter(([key]) => {
            const [from, to] = key.split("|");
            return inside.has(from) && inside.has(to);
        })
        .map(([, example]) => example);
    problems.push(`folder cycle between ${component.sort().join(", ")}: ${witness.join("; ")}`);
}

// Only the CLI prints or exits.
for (const file of listFiles(join(root, "src"))) {
    const path = relative(root, file);
    if (!path.endsWith(".ts") || path.startsWith("src/cli/")) continue;
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, "");
        if (/\bconsole\.(log|error|warn|info|debug)\(|\bprocess\.(exit|stdout\.write|stderr\.write)\b/.test(code)) {
            problems.push(`prints or exits outside src/cli: ${path}:${index + 1}: ${line.trim()}`);
        }
    });
}

for (const problem of problems) console.log(problem);
console.log(
    problems.length === 0
        ? `house rules: ${output.summary.totalCruised} modules, ${output.summary.totalDependenciesCruised} imports, no violations`
        : `house rules: ${problems.length} violation(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);

function listFiles(directory) {
    return readdirSync(directory).flatMap((name) => {
        const path = join(directory, name);
        return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/** Tarjan's algorithm over a Map<node, Set<node>>. */
function stronglyConnected(graph) {
    const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((targets) => [...targets])]);
    const index = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const components = [];
    let counter = 0;
    const visit = (node) => {
        index.set(node, counter);
        low.set(node, counter);
        counter++;
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.has(next)) {
                low.set(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node) === index.get(node)) {
            const component = [];
            let member;
            do {
                member = stack.pop();
                onStack.delete(member);
                component.push(member);
            } while (member !== node);
            components.push(component);
        }
    };
    for (const node of nodes) if (!index.has(node)) visit(node);
    return components;
}
