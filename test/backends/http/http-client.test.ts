/** Failure classification of the shared HTTP client, and the --model syntax. */
import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import {z} from "zod";
import {getJson, postJson} from "../../../src/backends/http/http-client.js";
import {apiKeyFor, parseModelSpec} from "../../../src/backends/resolve-model.js";
import {isTransientError} from "../../../src/model/transient-errors.js";
import type {BackendError} from "../../../src/errors.js";
import {startFakeServer, type FakeServer} from "./fake-server.js";

const anything = z.object({ok: z.boolean()});

describe("HTTP client failures", () => {
    let server: FakeServer;
    before(async () => {
        server = await startFakeServer((request) => {
            switch (request.path) {
                case "/busy":
                    return {status: 429, headers: {"retry-after": "2"}, body: {error: {message: "rate limited"}}};
                case "/broken":
                    return {status: 503, body: {detail: "engine restarting"}};
                case "/missing":
                    return {status: 404, body: {error: {message: "The model `x` does not exist."}}};
                case "/slow":
                    return {delayMs: 2_000, body: {ok: true}};
                case "/reset":
                    return {reset: true};
                case "/html":
                    return {text: "<html>proxy error</html>"};
                default:
                    return {body: {ok: "yes"}};
            }
        });
    });
    after(() => server.close());
    const endpoint = () => ({baseUrl: server.url});

    test("an unreachable server is transient and the message says the URL and what happened", async () => {
        const closed = await startFakeServer(() => ({}));
        const url = `${closed.url}/v1/models`;
        await closed.close();
        await assert.rejects(
            getJson({baseUrl: closed.url}, url, anything),
            (error: BackendError) =>
                isTransientError(error) && error.message.includes(`could not reach ${url}`) && error.message.includes("connection refused"),
        );
    });

    test("429 is transient and carries Retry-After in ms; 503 is transient; 404 is final with the server's message", async () => {
        await assert.rejects(
            postJson(endpoint(), `${server.url}/busy`, {}, anything),
            (error: BackendError) => isTransientError(error) && error.fields["retryAfterMs"] === 2000 && error.message.includes("answered 429: rate limited"),
        );
        await assert.rejects(
            postJson(endpoint(), `${server.url}/broken`, {}, anything),
            (error: BackendError) => isTransientError(error) && error.message.includes('503: "engine restarting"'),
        );
        await assert.rejects(
            postJson(endpoint(), `${server.url}/missing`, {}, anything),
            (error: BackendError) =>
                !isTransientError(error) &&
                error.message.includes("404: The model `x` does not exist.") &&
                error.parameter === "model" &&
                !error.message.includes("--"),
        );
    });

    test("a slow answer times out (transient); a reset connection is transient", async () => {
        await assert.rejects(
            postJson({baseUrl: server.url, timeoutMs: 100}, `${server.url}/slow`, {}, anything),
            (error: BackendError) => isTransientError(error) && error.message.includes("timed out after 100 ms"),
        );
        await assert.rejects(
            postJson(endpoint(), `${server.url}/reset`, {}, anything),
            (error: BackendError) => isTransientError(error) && error.fields["kind"] === "connection",
        );
    });

    test("a body that is not JSON, or not the documented shape, is final and named", async () => {
        await assert.rejects(
            postJson(endpoint(), `${server.url}/html`, {}, anything),
            (error: BackendError) => !isTransientError(error) && error.message.includes("did not return JSON"),
        );
        await assert.rejects(
            postJson(endpoint(), `${server.url}/other`, {}, anything),
            (error: BackendError) => error.message.includes("field ok: ") && error.message.includes('received "yes"'),
        );
    });
});

describe("--model syntax", () => {
    test("a path is a local GGUF; scheme:URL[,URL]#MODEL is remote, with options from the query string", () => {
        assert.deepEqual(parseModelSpec("models/stories260K.gguf"), {kind: "gguf", path: "models/stories260K.gguf"});
        assert.deepEqual(parseModelSpec("vllm:http://a:8000/v1,http://b:8000/v1?concurrency=16&timeout_ms=60000#meta-llama/Llama-3.1-8B-Instruct"), {
            kind: "remote",
            scheme: "vllm",
            urls: ["http://a:8000/v1", "http://b:8000/v1"],
            model: "meta-llama/Llama-3.1-8B-Instruct",
            options: {concurrency: 16, timeoutMs: 60000},
        });
        assert.deepEqual(parseModelSpec("sglang:http://h:30000/"), {kind: "remote", scheme: "sglang", urls: ["http://h:30000"], model: undefined, options: {}});
    });

    test("mistakes are refused in one line with the fix", () => {
        assert.throws(() => parseModelSpec("http://h:8000/v1"), /unknown backend "http:".*vllm:http:\/\/h:8000\/v1/);
        assert.throws(() => parseModelSpec("ollama:http://h:11434/v1#llama3"), /unknown backend "ollama:".*openai:URL#MODEL/);
        assert.throws(() => parseModelSpec("openai:https://api.openai.com/v1"), /needs a model name after #/);
        assert.throws(() => parseModelSpec("vllm:http://user:secret@h:8000/v1"), /must not contain credentials/);
        assert.throws(() => parseModelSpec("vllm:http://h:8000/v1?api_key=sk-1"), /unknown option "api_key"/);
        assert.throws(() => parseModelSpec("vllm:http://h:8000/v1?concurrency=0"), /concurrency needs a positive integer/);
        assert.throws(() => parseModelSpec("vllm:not a url"), /is not a URL/);
    });

    test("API keys come from the environment only: key_env, else the scheme's variable, else GLASSBOX_API_KEY", () => {
        const openai = parseModelSpec("openai:https://api.openai.com/v1#gpt-4o-mini");
        const named = parseModelSpec("openai:https://api.openai.com/v1?key_env=MY_KEY#gpt-4o-mini");
        assert.ok(openai.kind === "remote" && named.kind === "remote");
        assert.equal(apiKeyFor(openai, {OPENAI_API_KEY: "a", GLASSBOX_API_KEY: "b"}), "a");
        assert.equal(apiKeyFor(openai, {GLASSBOX_API_KEY: "b"}), "b");
        assert.equal(apiKeyFor(openai, {}), undefined);
        assert.equal(apiKeyFor(named, {MY_KEY: "c", OPENAI_API_KEY: "a"}), "c");
        assert.throws(() => apiKeyFor(named, {}), /key_env=MY_KEY, but that environment variable is empty/);
        assert.throws(() => parseModelSpec("openai:https://x/v1?key_env=sk-123#m"), /names an environment variable/);
    });
});
