/** `glassbox view`: a local web app over the run store or over result files. */
import {existsSync, statSync} from "node:fs";
import {ArgumentError, InputError} from "../../errors.js";
import {createViewerHandler} from "../../server/viewer-api.js";
import {storeFromResultFiles} from "../../server/viewer-files.js";
import {listenViewer} from "../../server/viewer-http.js";
import {requireViewerToken} from "../../server/viewer-token.js";
import {SqliteRunStoreReader} from "../../server/viewer-run-store.js";
import type {RunStoreReader} from "../../server/viewer-store.js";
import {defaultRunStorePath} from "../../store/paths.js";
import {RunStore} from "../../store/run-store.js";
import {defineCommand, type CommandIo} from "../command.js";
import {readTextFile} from "../text-files.js";
import {resultFileExpected} from "./report.js";

const loopbackHosts = ["127.0.0.1", "localhost", "[::1]", "::1"];
const defaultTokenVariable = "GLASSBOX_VIEW_TOKEN";
export const defaultViewPort = 8770;

export const viewCommand = defineCommand({
    name: "view",
    summary: "Browse runs and explanations in a local web app (127.0.0.1 by default).",
    usage: "view [RESULT.json ...] [--db FILE] [--port N] [--host HOST]",
    positionals: [{name: "RESULT.json", required: false, variadic: true}],
    options: {
        "db": {
            kind: "string",
            valueName: "FILE",
            description: "Run store to browse. Default: $XDG_DATA_HOME/glassbox/runs.db or ~/.local/share/glassbox/runs.db.",
        },
        "port": {kind: "integer", valueName: "N", min: 0, max: 65535, default: defaultViewPort, description: "Port; 0 picks a free one."},
        "host": {kind: "string", valueName: "HOST", default: "127.0.0.1", description: "Address to bind. Anything but loopback needs a token (--token-env)."},
        "token-env": {kind: "string", valueName: "VAR", description: `Environment variable holding the access token (default ${defaultTokenVariable}).`},
    },
    details: [
        "Opens result files given on the command line (each one a run), or else the run store (--db or",
        "the default path).",
        "Pages: runs with filters, one run's items, an item's explanation, two runs side by side with",
        "their agreement. The JSON API behind it is in docs/viewer-api.md. Stop with Ctrl-C.",
        "",
        `Binding a non-loopback --host needs a token in ${defaultTokenVariable} (or --token-env VAR): browsers`,
        "open the address once with ?token=TOKEN (a cookie keeps it), API clients send Authorization: Bearer TOKEN.",
        "",
        "examples:",
        "  glassbox view result-shapley.json result-lime.json",
        "  glassbox view --db runs.sqlite --port 9000",
    ].join("\n"),
    async run({options, positionals, io}) {
        const {host, port} = options;
        const loopback = loopbackHosts.includes(host.toLowerCase());
        const variable = options["token-env"] ?? defaultTokenVariable;
        const token = process.env[variable];
        if (!loopback && (token === undefined || token === "")) {
            throw new ArgumentError(`refusing to serve the runs on ${host} without a token`, {
                expected: `a token in the environment variable ${variable}`,
                hint: `set ${variable}=... and open the address with ?token=..., or bind --host 127.0.0.1`,
            });
        }
        const store = openStore(positionals, options.db);
        const viewerHandler = createViewerHandler(store, loopback ? {allowedHosts: loopbackHosts} : {});
        const handler = loopback || token === undefined ? viewerHandler : requireViewerToken(viewerHandler, token);
        const viewer = await listenViewer(handler, {host, port});
        const access = loopback ? "" : ` (token required: open ${viewer.url}?token=$${variable})`;
        io.stdout.write(`glassbox view: ${store.describe()} at ${viewer.url}${access} (Ctrl-C to stop)\n`);
        await waitForStop(io);
        await viewer.close();
        return 0;
    },
});

function openStore(files: readonly string[], db: string | undefined): RunStoreReader {
    if (db !== undefined && files.length > 0) {
        throw new ArgumentError("glassbox view takes result files or --db FILE, not both", {hint: "see glassbox view --help"});
    }
    if (files.length > 0)
        return storeFromResultFiles(
            files.map((path) => ({path, text: readTextFile(path, "result file", resultFileExpected), modifiedAt: statSync(path).mtime.toISOString()})),
        );
    const path = db ?? defaultRunStorePath();
    if (!existsSync(path)) {
        const flag = db === undefined ? `no run store at the default path ${path}` : `--db ${path} does not exist`;
        throw new InputError(flag, {
            hint: `name an existing run store, or create this one by running a check with --db ${path}; result files open directly: glassbox view RESULT.json`,
        });
    }
    if (statSync(path).isDirectory()) throw new InputError(`--db ${path} is a folder`, {expected: "a run store file"});
    return new SqliteRunStoreReader(RunStore.open(path, {readOnly: true}));
}

function waitForStop(io: CommandIo): Promise<void> {
    return new Promise((resolve) => {
        const stop = (): void => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            io.stdout.write("glassbox view: stopped\n");
            resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
    });
}
