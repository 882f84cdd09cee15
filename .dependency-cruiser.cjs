/**
 * Import boundaries of the spine (units → game → evaluator → backend); checked in CI by
 * scripts/check-boundaries.mjs, which adds the folder-cycle and printing rules. CONTRIBUTING.md
 * explains each rule.
 */
const core =
    "^src/(foundation|model|protocol|units|attribution|metrics|evaluator|explain|checks|reasoning|datasets|validity|demo|organisms|engine|white-box|rewards|viewer)/";
const adapters = "^src/(backends|store|server)/";

module.exports = {
    forbidden: [
        {
            name: "core-imports-no-adapter",
            comment: "The core reaches models, files and servers only through the interfaces in src/model (backend spec) and what callers pass in.",
            severity: "error",
            from: {path: core},
            to: {path: "^src/(backends|store|server|cli)/"},
        },
        {
            name: "core-does-no-io",
            comment: "File, process and network I/O live in src/backends, src/store and src/server.",
            severity: "error",
            from: {path: core},
            to: {
                dependencyTypes: ["core", "npm"],
                path: "^(node:)?(fs|fs/promises|child_process|net|http|https|http2|tls|dgram|readline)$|^(better-sqlite3|node-llama-cpp)$",
            },
        },
        {
            name: "backends-import-no-evaluator",
            comment: "Retry and replicas are transport (src/backends/transport); evaluation sits above backends.",
            severity: "error",
            from: {path: "^src/backends/"},
            to: {path: "^src/evaluator/"},
        },
        {
            name: "adapters-import-no-cli",
            severity: "error",
            from: {path: adapters},
            to: {path: "^src/cli/"},
        },
        {
            name: "foundation-stands-alone",
            comment: "The ground floor imports nothing of the project but the error types.",
            severity: "error",
            from: {path: "^src/foundation/"},
            to: {path: "^src/", pathNot: "^src/(foundation/|errors\\.ts$)"},
        },
        {
            name: "no-module-cycles",
            severity: "error",
            from: {},
            to: {circular: true},
        },
    ],
    options: {
        tsPreCompilationDeps: true,
        doNotFollow: {path: "node_modules"},
        tsConfig: {fileName: "tsconfig.json"},
        exclude: {path: "^(node_modules|dist)/"},
    },
};
