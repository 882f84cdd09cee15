/**
 * Model resolution as a table: every `--model` syntax is one {@link ModelScheme} (its syntax, how it
 * is parsed, what its backends can offer, how one is opened). {@link schemeFor} picks the entry,
 * `openModel` (resolve-model.ts) uses it; adding a backend kind is one entry here.
 *
 *   PATH.gguf                                  a local GGUF file, in process (llama.cpp)
 *   vllm:URL[,URL...][?OPTIONS][#MODEL]        vLLM OpenAI-compatible server(s); URL ends in /v1
 *   sglang:URL[,URL...][?OPTIONS][#MODEL]      SGLang server(s); URL is the server root
 *   openai:URL[?OPTIONS]#MODEL                 any OpenAI-compatible chat API (generation only)
 *   scripted:NAME[:generation-only]            the built-in scripted test backend (no model file)
 *
 * Several URLs are replicas of one model (least-outstanding load balancing, failover; see
 * transport/replicas.ts). Options ride in the URLs' query string and apply to every replica:
 * `concurrency` (requests in flight per server), `batch` (most prompts per scoring request;
 * 1 sends one prompt per request), `timeout_ms`, `max_logprobs`, `retries` (attempts per
 * request), `retry_wait_ms` (most waiting between a request's attempts, in all), `key_env` (the NAME of the environment variable holding the API key).
 * API keys come only from the environment: key_env, else VLLM_API_KEY / SGLANG_API_KEY /
 * OPENAI_API_KEY by scheme, else GLASSBOX_API_KEY. Credentials in a URL are refused, since
 * --model lands in shell history and in stored runs.
 */
import {ArgumentError} from "../errors.js";
import type {Backend} from "../model/backend-spec.js";
import type {LlamaCppOptions} from "./llama-cpp/backend.js";
import {openOpenAiCompatibleModel} from "./openai-compatible/openai-backend.js";
import {openScriptedModel, scriptedModelNames} from "./scripted/models.js";
import {openSglangModel} from "./sglang/sglang-backend.js";
import {RequestWatch, type WaitingListener} from "./http/request-watch.js";
import {ReplicatedBackend, type ReplicaRetryPolicy} from "./transport/replicas.js";
import type {RetryListener} from "./transport/retry-report.js";
import {openVllmModel} from "./vllm/vllm-backend.js";

export const remoteSchemes = ["vllm", "sglang", "openai"] as const;
export type RemoteScheme = (typeof remoteSchemes)[number];

export interface RemoteModelOptions {
    concurrency?: number;
    batch?: number;
    timeoutMs?: number;
    maxLogprobs?: number;
    retries?: number;
    retryWaitMs?: number;
    keyEnv?: string;
}

export type ModelSpec =
    | {kind: "gguf"; path: string}
    | {kind: "remote"; scheme: RemoteScheme; urls: string[]; model: string | undefined; options: RemoteModelOptions}
    | {kind: "scripted"; name: string; generationOnly: boolean};

/** What every backend a spec opens can do, known before opening it (a backend may still declare less). */
export interface SchemeOffers {
    scoring: boolean;
    generation: boolean;
}

export interface OpenModelOptions {
    /** For GGUF files. */
    local?: LlamaCppOptions;
    env?: NodeJS.ProcessEnv;
    /** What remote backends report while they work: retries, and requests a server has not answered yet. */
    transport?: TransportListeners;
}

export interface TransportListeners {
    /** Every retry of a failed request, before its wait. */
    onRetry?: RetryListener;
    /** A request unanswered for another `waitingIntervalMs` (default 10 s). */
    onWaiting?: WaitingListener;
    waitingIntervalMs?: number;
}

export interface ModelScheme {
    /** The word before the colon ("vllm"), or "gguf" for a file path. */
    name: string;
    /** The syntax, as docs and error messages show it. */
    syntax: string;
    summary: string;
    /** Whether `text` (a whole --model value) is written in this scheme. */
    matches(text: string): boolean;
    /** Reads `text`; throws an ArgumentError that names the mistake. */
    parse(text: string): ModelSpec;
    offers(spec: ModelSpec): SchemeOffers;
    open(spec: ModelSpec, options: OpenModelOptions): Promise<Backend>;
}

const defaultKeyVariables: Record<RemoteScheme, string> = {vllm: "VLLM_API_KEY", sglang: "SGLANG_API_KEY", openai: "OPENAI_API_KEY"};
const optionNames = new Set(["concurrency", "batch", "timeout_ms", "max_logprobs", "retries", "retry_wait_ms", "key_env"]);

/** `scheme:` followed by anything, except a Windows drive letter. */
function hasScheme(text: string, scheme?: string): boolean {
    const match = /^([a-z][a-z0-9+.-]*):/i.exec(text);
    if (match === null || /^[a-z]:[\\/]/i.test(text)) return false;
    return scheme === undefined || match[1]?.toLowerCase() === scheme;
}

function remoteScheme(name: RemoteScheme, syntax: string, summary: string, offers: SchemeOffers): ModelScheme {
    return {
        name,
        syntax,
        summary,
        matches: (text) => hasScheme(text, name),
        parse: (text) => parseRemote(name, text),
        offers: () => offers,
        open: (spec, options) => openRemote(expectKind(spec, "remote"), options),
    };
}

/** Every scheme --model accepts, in the order help and errors list them. */
export const modelSchemes: readonly ModelScheme[] = [
    {
        name: "gguf",
        syntax: "PATH.gguf",
        summary: "a local GGUF file, evaluated in process by llama.cpp",
        matches: (text) => !hasScheme(text),
        parse: (text) => ({kind: "gguf", path: text}),
        offers: () => ({scoring: true, generation: true}),
        // node-llama-cpp loads only when a GGUF model is opened.
        open: async (spec, options) => (await import("./llama-cpp/backend.js")).openLlamaCppModel(expectKind(spec, "gguf").path, options.local),
    },
    remoteScheme("vllm", "vllm:URL[,URL...][?OPTIONS][#MODEL]", "vLLM OpenAI-compatible server(s) (also glassbox serve); URL ends in /v1", {
        scoring: true,
        generation: true,
    }),
    remoteScheme("sglang", "sglang:URL[,URL...][?OPTIONS][#MODEL]", "SGLang server(s) (also glassbox serve); URL is the server root", {
        scoring: true,
        generation: true,
    }),
    remoteScheme("openai", "openai:URL[?OPTIONS]#MODEL", "any OpenAI-compatible chat API (llama-server, Ollama, OpenAI): generation only", {
        scoring: false,
        generation: true,
    }),
    {
        name: "scripted",
        syntax: `scripted:NAME[:generation-only]`,
        summary: `the built-in scripted test backend, no model file (NAME: ${scriptedModelNames.join(", ")})`,
        matches: (text) => hasScheme(text, "scripted"),
        parse: parseScripted,
        offers: (spec) => ({scoring: !expectKind(spec, "scripted").generationOnly, generation: true}),
        open: async (spec) => {
            const {name, generationOnly} = expectKind(spec, "scripted");
            return openScriptedModel(name, generationOnly);
        },
    },
];

/** The scheme `text` is written in; an unknown `word:` prefix is refused with the list of schemes. */
export function schemeFor(text: string): ModelScheme {
    const trimmed = text.trim();
    const scheme = modelSchemes.find((entry) => entry.matches(trimmed));
    if (scheme !== undefined) return scheme;
    const prefix = trimmed.slice(0, trimmed.indexOf(":")).toLowerCase();
    const hint =
        prefix === "http" || prefix === "https"
            ? `prefix the URL with the server kind, e.g. vllm:${trimmed}`
            : "llama-server and Ollama speak the OpenAI API: use openai:URL#MODEL (generation only)";
    throw new ArgumentError(`model spec: unknown backend "${prefix}:"`, {
        parameter: "model",
        expected: modelSchemes.map((entry) => entry.syntax).join(", "),
        received: JSON.stringify(text),
        hint,
    });
}

function expectKind<Kind extends ModelSpec["kind"]>(spec: ModelSpec, kind: Kind): Extract<ModelSpec, {kind: Kind}> {
    if (spec.kind !== kind) throw new ArgumentError(`model spec: a ${spec.kind} model given to the ${kind} scheme`, {parameter: "model"});
    return spec as Extract<ModelSpec, {kind: Kind}>;
}

function parseScripted(text: string): ModelSpec {
    const [, name = "", mode, ...extra] = text.trim().split(":");
    if (!scriptedModelNames.includes(name) || (mode !== undefined && mode !== "generation-only") || extra.length > 0) {
        throw new ArgumentError(`model spec: unknown scripted model "${text}"`, {
            parameter: "model",
            expected: `scripted:NAME or scripted:NAME:generation-only with NAME one of ${scriptedModelNames.join(", ")}`,
            received: JSON.stringify(text),
            hint: "e.g. scripted:default",
        });
    }
    return {kind: "scripted", name, generationOnly: mode === "generation-only"};
}

function parseRemote(scheme: RemoteScheme, text: string): ModelSpec {
    const trimmed = text.trim();
    const rest = trimmed.slice(trimmed.indexOf(":") + 1);
    const hash = rest.lastIndexOf("#");
    const model = hash === -1 ? undefined : decodeURIComponent(rest.slice(hash + 1)).trim() || undefined;
    const urlList = (hash === -1 ? rest : rest.slice(0, hash))
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");
    if (urlList.length === 0)
        throw new ArgumentError(`model spec ${scheme}: needs a server URL`, {
            parameter: "model",
            expected: `${scheme}:http://host:port${scheme === "vllm" ? "/v1" : ""}#MODEL`,
            received: JSON.stringify(text),
        });
    const options: RemoteModelOptions = {};
    const urls = urlList.map((item) => {
        let url: URL;
        try {
            url = new URL(item);
        } catch {
            throw new ArgumentError(`model spec: "${item}" is not a URL`, {
                parameter: "model",
                expected: "http://host:port[/path]",
                received: JSON.stringify(item),
            });
        }
        if (url.protocol !== "http:" && url.protocol !== "https:")
            throw new ArgumentError(`model spec: ${url.protocol} URLs are not supported`, {parameter: "model", expected: "http: or https:"});
        if (url.username !== "" || url.password !== "") {
            throw new ArgumentError("the model spec must not contain credentials", {
                parameter: "model",
                hint: `put the key in an environment variable (${defaultKeyVariables[scheme]} or ?key_env=NAME); the model spec is kept in shell history and in stored runs`,
            });
        }
        for (const [name, value] of url.searchParams) readOption(options, name, value);
        url.search = "";
        return url.toString().replace(/\/+$/, "");
    });
    if (scheme === "openai" && model === undefined) {
        throw new ArgumentError("model spec openai: needs a model name after #", {
            parameter: "model",
            expected: "openai:https://api.openai.com/v1#gpt-4o-mini",
            received: JSON.stringify(text),
        });
    }
    return {kind: "remote", scheme, urls, model, options};
}

function readOption(options: RemoteModelOptions, name: string, value: string): void {
    if (!optionNames.has(name)) {
        throw new ArgumentError(`model spec: unknown option "${name}"`, {
            parameter: "model",
            expected: `one of ${[...optionNames].join(", ")}`,
            received: JSON.stringify(`${name}=${value}`),
        });
    }
    if (name === "key_env") {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
            throw new ArgumentError("model spec: key_env names an environment variable", {
                parameter: "model",
                received: JSON.stringify(value),
                hint: "pass the variable's NAME, never the key itself",
            });
        options.keyEnv = value;
        return;
    }
    const number = Number(value);
    const least = name === "max_logprobs" || name === "retry_wait_ms" ? 0 : 1;
    if (!Number.isInteger(number) || number < least) {
        throw new ArgumentError(`model spec: ${name} needs ${least === 0 ? "an integer ≥ 0" : "a positive integer"}`, {
            parameter: "model",
            received: JSON.stringify(value),
        });
    }
    if (name === "concurrency") options.concurrency = number;
    else if (name === "batch") options.batch = number;
    else if (name === "timeout_ms") options.timeoutMs = number;
    else if (name === "max_logprobs") options.maxLogprobs = number;
    else if (name === "retry_wait_ms") options.retryWaitMs = number;
    else options.retries = number;
}

/** The API key for a remote spec, from the environment only. */
export function apiKeyFor(spec: Extract<ModelSpec, {kind: "remote"}>, env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (spec.options.keyEnv !== undefined) {
        const value = env[spec.options.keyEnv];
        if (value === undefined || value === "") {
            throw new ArgumentError(`the model spec names key_env=${spec.options.keyEnv}, but that environment variable is empty`, {
                parameter: "model",
                hint: `export ${spec.options.keyEnv}=...`,
            });
        }
        return value;
    }
    const value = env[defaultKeyVariables[spec.scheme]] ?? env["GLASSBOX_API_KEY"];
    return value === "" ? undefined : value;
}

/** Remote server(s) behind one replicated backend. */
async function openRemote(spec: Extract<ModelSpec, {kind: "remote"}>, options: OpenModelOptions): Promise<Backend> {
    const apiKey = apiKeyFor(spec, options.env);
    const listeners = options.transport ?? {};
    const watch = listeners.onWaiting === undefined ? undefined : new RequestWatch(listeners.onWaiting, listeners.waitingIntervalMs);
    const common = {
        apiKey,
        watch,
        model: spec.model,
        ...(spec.options.timeoutMs === undefined ? {} : {timeoutMs: spec.options.timeoutMs}),
        ...(spec.options.concurrency === undefined ? {} : {concurrency: spec.options.concurrency}),
        ...(spec.options.batch === undefined ? {} : {batch: spec.options.batch}),
        ...(spec.options.maxLogprobs === undefined ? {} : {maxLogprobs: spec.options.maxLogprobs}),
    };
    const model = spec.model;
    const replicas = await Promise.all(
        spec.urls.map((baseUrl): Promise<Backend> => {
            if (spec.scheme === "vllm") return openVllmModel({...common, baseUrl});
            if (spec.scheme === "sglang") return openSglangModel({...common, baseUrl});
            if (model === undefined) throw new ArgumentError("model spec openai: needs a model name after #", {parameter: "model"});
            return Promise.resolve(openOpenAiCompatibleModel({...common, baseUrl, model}));
        }),
    );
    const retry: Partial<ReplicaRetryPolicy> = {
        ...(spec.options.retries === undefined ? {} : {maxAttempts: spec.options.retries}),
        ...(spec.options.retryWaitMs === undefined ? {} : {maxWaitMs: spec.options.retryWaitMs}),
    };
    return new ReplicatedBackend(replicas, {retry, ...(listeners.onRetry === undefined ? {} : {onRetry: listeners.onRetry})});
}
