/** `glassbox serve`: score and generate with a local GGUF model over HTTP (vLLM and SGLang shapes). */
import {isIP} from "node:net";
import {openLlamaCppModel} from "../../backends/llama-cpp/backend.js";
import {ArgumentError} from "../../errors.js";
import {startGlassboxServer} from "../../server/http-server.js";
import {defineCommand} from "../command.js";
import {requireModelPath} from "../input-files.js";

const defaultTokenVariable = "GLASSBOX_SERVE_TOKEN";

export const serveCommand = defineCommand({
    name: "serve",
    summary: "Serve a GGUF model over HTTP: vLLM-style scoring/generation and SGLang /generate.",
    usage: "serve --model PATH.gguf [--host 127.0.0.1] [--port 8000] [--lanes N] [--served-model-name NAME] [--token-env VAR]",
    options: {
        "model": {kind: "string", valueName: "PATH.gguf", required: true, description: "GGUF model file."},
        "host": {kind: "string", valueName: "HOST", default: "127.0.0.1", description: "Address to bind. Anything but loopback needs a token."},
        "port": {kind: "integer", valueName: "N", min: 0, max: 65535, default: 8000, description: "Port (0 picks a free one)."},
        "lanes": {kind: "integer", valueName: "N", min: 1, max: 64, default: 4, description: "Sequences evaluated concurrently."},
        "context-size": {
            kind: "integer",
            valueName: "N",
            min: 8,
            description: "Context window per lane, at most the model's trained context. Default: the model's, at most 2048.",
        },
        "allow-long-context": {kind: "boolean", description: "Accept a --context-size beyond the model's trained context."},
        "threads": {kind: "integer", valueName: "N", min: 1, description: "CPU threads. Default: 1 for models under 64 MiB, else all cores."},
        "fast": {kind: "boolean", description: "Fast mode: flash attention and F16 KV cache."},
        "served-model-name": {kind: "string", valueName: "NAME", description: "Model name clients send. Default: the file name."},
        "token-env": {kind: "string", valueName: "VAR", description: `Environment variable holding the bearer token (default ${defaultTokenVariable}).`},
        "max-outstanding": {kind: "integer", valueName: "N", min: 1, default: 1024, description: "Queued requests beyond which the server answers 429."},
    },
    details: [
        "Routes: GET /v1/models, /health; POST /v1/completions (echo + logprobs + max_tokens 0 scores a prompt),",
        "/v1/chat/completions, /tokenize, /detokenize (vLLM shapes); POST /generate, /v1/tokenize, /v1/detokenize",
        "(SGLang shapes). See docs/remote-backends.md and docs/deployment.md.",
        "",
        "The bearer token is read from an environment variable, never from a flag. Binding a non-loopback",
        "address without one is refused.",
        "",
        "examples:",
        "  glassbox serve --model stories260K.gguf --port 8000",
        '  glassbox score --model vllm:http://127.0.0.1:8000/v1 --prompt "Once upon a time" --target " there"',
        `  ${defaultTokenVariable}=secret glassbox serve --model m.gguf --host 0.0.0.0`,
    ].join("\n"),
    async run({options, io}) {
        const path = requireModelPath(options.model, "serve");
        const host = options.host;
        const variable = options["token-env"] ?? defaultTokenVariable;
        const token = process.env[variable];
        if (!isLoopback(host) && (token === undefined || token === "")) {
            throw new ArgumentError(`refusing to serve on ${host} without a bearer token`, {
                expected: `a token in the environment variable ${variable}`,
                hint: `set ${variable}=... (clients then need it too), or bind --host 127.0.0.1`,
            });
        }
        io.progress(`loading ${path}`);
        const backend = await openLlamaCppModel(path, {
            lanes: options.lanes,
            precision: options.fast ? "fast" : "exact",
            ...(options["context-size"] === undefined ? {} : {contextSize: options["context-size"]}),
            allowLongContext: options["allow-long-context"],
            ...(options.threads === undefined ? {} : {threads: options.threads}),
        });
        io.progressDone();
        const modelName = options["served-model-name"] ?? backend.name;
        const running = await startGlassboxServer(
            {
                backend,
                modelName,
                token,
                maxOutstanding: options["max-outstanding"],
            },
            host,
            options.port,
        ).catch(async (error: unknown) => {
            await backend.dispose();
            const code = (error as {code?: string}).code;
            throw new ArgumentError(`cannot listen on ${host}:${options.port}`, {received: code ?? String(error), hint: "pick another --port or --host"});
        });
        io.stdout.write(
            `glassbox serve: listening on ${running.url} (model "${modelName}", ${backend.capabilities.lanes} lanes${token === undefined || token === "" ? "" : ", bearer token required"})\n`,
        );
        await new Promise<void>((resolve) => {
            const stop = (): void => resolve();
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
        });
        await running.close();
        await backend.dispose();
        return 0;
    },
});

function isLoopback(host: string): boolean {
    if (host === "localhost") return true;
    if (isIP(host) === 4) return host.startsWith("127.");
    return host === "::1";
}
