/**
 * The `--model` syntax: which backend, which server(s), which model.
 *
 *   PATH.gguf                                  a local GGUF file, in process (llama.cpp)
 *   vllm:URL[,URL...][#MODEL]                  vLLM OpenAI-compatible server(s); URL ends in /v1
 *   sglang:URL[,URL...][#MODEL]                SGLang server(s); URL is the server root
 *   openai:URL#MODEL                           any OpenAI-compatible chat API (generation only)
 *
 * Several URLs are replicas of one model (least-outstanding load balancing, failover; see
 * evaluator/replicas.ts). Options ride in the URLs' query string and apply to every replica:
 * `concurrency` (requests in flight per server), `batch` (most prompts per scoring request;
 * 1 sends one prompt per request), `timeout_ms`, `max_logprobs`, `retries` (attempts per
 * request), `key_env` (the NAME of the environment variable holding the API key).
 * API keys come only from the environment: key_env, else VLLM_API_KEY / SGLANG_API_KEY /
 * OPENAI_API_KEY by scheme, else GLASSBOX_API_KEY. Credentials in a URL are refused, since
 * --model lands in shell history and in stored runs.
 */
import {ArgumentError, CapabilityError} from "../errors.js";
import {ReplicatedBackend} from "../evaluator/replicas.js";
import type {ModelBackend} from "../model/contract.js";
import {TokenizingReplicas} from "./http/remote-replicas.js";
import {openLlamaCppModel, type LlamaCppOptions} from "./llama-cpp/backend.js";
import {openOpenAiCompatibleModel} from "./openai-compatible/openai-backend.js";
import {openSglangModel} from "./sglang/sglang-backend.js";
import {openVllmModel} from "./vllm/vllm-backend.js";

export const remoteSchemes = ["vllm", "sglang", "openai"] as const;
export type RemoteScheme = (typeof remoteSchemes)[number];

export interface RemoteModelOptions {
    concurrency?: number;
    batch?: number;
    timeoutMs?: number;
    maxLogprobs?: number;
    retries?: number;
    keyEnv?: string;
}

export type ModelSpec =
    | {kind: "gguf"; path: string}
    | {kind: "remote"; scheme: RemoteScheme; urls: string[]; model: string | undefined; options: RemoteModelOptions};

/** A backend as the CLI shows it: model-agnostic, plus a precision and chat-format word. */
export type OpenedBackend = ModelBackend & {readonly precision: "exact" | "fast"; readonly chatFormat: string};

const defaultKeyVariables: Record<RemoteScheme, string> = {vllm: "VLLM_API_KEY", sglang: "SGLANG_API_KEY", openai: "OPENAI_API_KEY"};
const optionNames = new Set(["concurrency", "batch", "timeout_ms", "max_logprobs", "retries", "key_env"]);

export function isRemoteModelSpec(text: string): boolean {
    return /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text);
}

export function parseModelSpec(text: string): ModelSpec {
    const trimmed = text.trim();
    if (!isRemoteModelSpec(trimmed)) return {kind: "gguf", path: trimmed};
    const colon = trimmed.indexOf(":");
    const scheme = trimmed.slice(0, colon).toLowerCase();
    const rest = trimmed.slice(colon + 1);
    if (!(remoteSchemes as readonly string[]).includes(scheme)) {
        const hint = scheme === "http" || scheme === "https"
            ? `prefix the URL with the server kind, e.g. vllm:${trimmed}`
            : "llama-server and Ollama speak the OpenAI API: use openai:URL#MODEL (generation only)";
        throw new ArgumentError(`model spec: unknown backend "${scheme}:"`, {parameter: "model", 
            expected: "PATH.gguf, vllm:URL#MODEL, sglang:URL#MODEL or openai:URL#MODEL", received: JSON.stringify(text), hint,
        });
    }
    const hash = rest.lastIndexOf("#");
    const model = hash === -1 ? undefined : decodeURIComponent(rest.slice(hash + 1)).trim() || undefined;
    const urlList = (hash === -1 ? rest : rest.slice(0, hash)).split(",").map((item) => item.trim()).filter((item) => item !== "");
    if (urlList.length === 0) throw new ArgumentError(`model spec ${scheme}: needs a server URL`, {parameter: "model", expected: `${scheme}:http://host:port${scheme === "vllm" ? "/v1" : ""}#MODEL`, received: JSON.stringify(text)});
    const options: RemoteModelOptions = {};
    const urls = urlList.map((item) => {
        let url: URL;
        try {
            url = new URL(item);
        } catch {
            throw new ArgumentError(`model spec: "${item}" is not a URL`, {parameter: "model", expected: "http://host:port[/path]", received: JSON.stringify(item)});
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new ArgumentError(`model spec: ${url.protocol} URLs are not supported`, {parameter: "model", expected: "http: or https:"});
        if (url.username !== "" || url.password !== "") {
            throw new ArgumentError("the model spec must not contain credentials", {parameter: "model", 
                hint: `put the key in an environment variable (${defaultKeyVariables[scheme as RemoteScheme]} or ?key_env=NAME); the model spec is kept in shell history and in stored runs`,
            });
        }
        for (const [name, value] of url.searchParams) {
            if (!optionNames.has(name)) {
                throw new ArgumentError(`model spec: unknown option "${name}"`, {parameter: "model", expected: `one of ${[...optionNames].join(", ")}`, received: JSON.stringify(`${name}=${value}`)});
            }
            if (name === "key_env") {
                if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new ArgumentError("model spec: key_env names an environment variable", {parameter: "model", received: JSON.stringify(value), hint: "pass the variable's NAME, never the key itself"});
                options.keyEnv = value;
                continue;
            }
            const number = Number(value);
            if (!Number.isInteger(number) || number < (name === "max_logprobs" ? 0 : 1)) {
                throw new ArgumentError(`model spec: ${name} needs a positive integer`, {parameter: "model", received: JSON.stringify(value)});
            }
            if (name === "concurrency") options.concurrency = number;
            else if (name === "batch") options.batch = number;
            else if (name === "timeout_ms") options.timeoutMs = number;
            else if (name === "max_logprobs") options.maxLogprobs = number;
            else options.retries = number;
        }
        url.search = "";
        return url.toString().replace(/\/+$/, "");
    });
    if (scheme === "openai" && model === undefined) {
        throw new ArgumentError("model spec openai: needs a model name after #", {parameter: "model", expected: "openai:https://api.openai.com/v1#gpt-4o-mini", received: JSON.stringify(text)});
    }
    return {kind: "remote", scheme: scheme as RemoteScheme, urls, model, options};
}

/** The API key for a remote spec, from the environment only. */
export function apiKeyFor(spec: Extract<ModelSpec, {kind: "remote"}>, env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (spec.options.keyEnv !== undefined) {
        const value = env[spec.options.keyEnv];
        if (value === undefined || value === "") {
            throw new ArgumentError(`the model spec names key_env=${spec.options.keyEnv}, but that environment variable is empty`, {parameter: "model", hint: `export ${spec.options.keyEnv}=...`});
        }
        return value;
    }
    const value = env[defaultKeyVariables[spec.scheme]] ?? env["GLASSBOX_API_KEY"];
    return value === "" ? undefined : value;
}

export interface OpenModelOptions {
    /** For GGUF files. */
    local?: LlamaCppOptions;
    env?: NodeJS.ProcessEnv;
}

/** Opens what `--model` names: a local GGUF, or remote server(s) behind one replicated backend. */
export async function openModel(text: string, options: OpenModelOptions = {}): Promise<OpenedBackend> {
    const spec = parseModelSpec(text);
    if (spec.kind === "gguf") return openLlamaCppModel(spec.path, options.local);
    const apiKey = apiKeyFor(spec, options.env);
    const common = {
        apiKey, model: spec.model,
        ...(spec.options.timeoutMs === undefined ? {} : {timeoutMs: spec.options.timeoutMs}),
        ...(spec.options.concurrency === undefined ? {} : {concurrency: spec.options.concurrency}),
        ...(spec.options.batch === undefined ? {} : {batch: spec.options.batch}),
        ...(spec.options.maxLogprobs === undefined ? {} : {maxLogprobs: spec.options.maxLogprobs}),
    };
    const replicas = await Promise.all(spec.urls.map((baseUrl): Promise<ModelBackend> => {
        if (spec.scheme === "vllm") return openVllmModel({...common, baseUrl});
        if (spec.scheme === "sglang") return openSglangModel({...common, baseUrl});
        return Promise.resolve(openOpenAiCompatibleModel({...common, baseUrl, model: spec.model as string}));
    }));
    const replicaOptions = spec.options.retries === undefined ? {} : {retry: {maxAttempts: spec.options.retries}};
    // Servers that tokenize (vllm:, sglang:) also take batches of texts without blocking.
    return spec.scheme === "openai" ? new ReplicatedBackend(replicas, replicaOptions) : new TokenizingReplicas(replicas, replicaOptions);
}

export interface CapabilityNeeds {
    score?: boolean;
    generate?: boolean;
}

/** Refuses, before any work, a backend that lacks what the command needs. */
export function requireCapabilities(backend: ModelBackend, needs: CapabilityNeeds, command: string): void {
    if (needs.score === true && !backend.capabilities.scoresPromptTokens) {
        throw new CapabilityError(`glassbox ${command} needs a model that scores given tokens, and ${backend.name} can only generate`, {
            hint: "use a local GGUF, a vllm: or sglang: server, or glassbox serve (docs/remote-backends.md)",
        });
    }
    if (needs.generate === true && !backend.capabilities.generates) {
        throw new CapabilityError(`glassbox ${command} needs a model that generates, and ${backend.name} cannot`);
    }
}
