/**
 * `glassbox serve` in process: numbers over HTTP equal the in-process backend (within 1e-5),
 * bodies are validated with the field named, the bearer token guards the routes, busy servers
 * answer 429, and the CLI refuses a non-loopback bind without a token.
 */
import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import type {LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {openSglangModel} from "../../src/backends/sglang/sglang-backend.js";
import {openVllmModel} from "../../src/backends/vllm/vllm-backend.js";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {renderChatTokens, tokenizeWithBos} from "../../src/protocol/index.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {startGlassboxServer, type RunningServer} from "../../src/server/http-server.js";
import {runCli} from "../helpers/run-cli.js";
import {sharedModel} from "../helpers/models.js";
import {serveStories, type ServedStories} from "../helpers/served-stories.js";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{status: number; body: Record<string, unknown>}> {
    const response = await fetch(url, {
        method: "POST",
        headers: {"content-type": "application/json", ...headers},
        body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return {status: response.status, body: (await response.json()) as Record<string, unknown>};
}

describe("glassbox serve (in process)", () => {
    let served: ServedStories;
    let local: LlamaCppBackend;
    let server: RunningServer;
    before(async () => {
        served = await serveStories();
        ({local, server} = served);
    });
    after(() => served.close());

    test("vLLM echo scoring and SGLang /generate scoring over HTTP equal the in-process backend within 1e-5", async () => {
        const vllm = await openVllmModel({baseUrl: `${server.url}/v1`, concurrency: 2});
        const sglang = await openSglangModel({baseUrl: server.url, concurrency: 2});
        assert.equal(vllm.id, `vllm:${local.id}`);
        const tokens = await tokenizeWithBos(local, "Once upon a time, there was a little girl named Lily. She loved to play");
        const requests: ScoreRequest[] = [6, 9, 12].map((split) => ({context: tokens.slice(0, split), target: tokens.slice(split)}));
        let worst = 0;
        for (const request of requests) {
            const expected = (await local.score(request, 0)).logprobs;
            for (const remote of [vllm, sglang]) {
                const actual = (await remote.score(request, 0)).logprobs;
                assert.equal(actual.length, expected.length);
                actual.forEach((value, index) => (worst = Math.max(worst, Math.abs(value - (expected[index] ?? Number.NaN)))));
            }
        }
        assert.ok(worst <= 1e-5, `max |difference| ${worst}`);
    });

    test("echo scoring from logprob_start_len: null before it, the whole-prompt values from it on; bad starts are 400", async () => {
        const tokens = await tokenizeWithBos(local, "Once upon a time, there was a little girl named Lily");
        const echo = {echo: true, max_tokens: 0, logprobs: 0, return_tokens_as_token_ids: true};
        type Choice = {index: number; logprobs: {token_logprobs: Array<number | null>}};
        const whole = await post(`${server.url}/v1/completions`, {prompt: tokens, ...echo});
        const wholeValues = (whole.body["choices"] as Choice[])[0]?.logprobs.token_logprobs ?? [];
        const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {data: Array<{glassbox: {logprobStartLen?: boolean}}>};
        assert.equal(models.data[0]?.glassbox.logprobStartLen, true);
        const fromSeven = await post(`${server.url}/v1/completions`, {prompt: [tokens, tokens.slice(0, 9)], logprob_start_len: [7, 3], ...echo});
        const [first, second] = fromSeven.body["choices"] as Choice[];
        assert.deepEqual(first?.logprobs.token_logprobs.slice(0, 7), new Array(7).fill(null));
        first?.logprobs.token_logprobs.slice(7).forEach((value, offset) => assert.ok(Math.abs((value ?? Number.NaN) - (wholeValues[7 + offset] ?? 0)) <= 1e-5));
        assert.equal(second?.logprobs.token_logprobs.length, 9);
        assert.equal(second?.logprobs.token_logprobs.filter((value) => value === null).length, 3);
        const beyond = await post(`${server.url}/v1/completions`, {prompt: tokens, logprob_start_len: tokens.length, ...echo});
        assert.equal(beyond.status, 400);
        assert.equal(beyond.body["param"], "logprob_start_len");
        assert.match(String(beyond.body["message"]), new RegExp(`logprob_start_len ${tokens.length} is beyond the prompt of ${tokens.length} tokens`));
        const count = await post(`${server.url}/v1/completions`, {prompt: [tokens, tokens], logprob_start_len: [1], ...echo});
        assert.match(String(count.body["message"]), /logprob_start_len has 1 entries for 2 prompts/);
        const generation = await post(`${server.url}/v1/completions`, {prompt: tokens, max_tokens: 2, logprob_start_len: 2});
        assert.match(String(generation.body["message"]), /logprob_start_len applies only to echo scoring/);
    });

    test("invalid bodies are 400 with the field named; unknown routes 404; a wrong model name 404", async () => {
        const echo = await post(`${server.url}/v1/completions`, {prompt: [1, 2], echo: "yes"});
        assert.equal(echo.status, 400);
        assert.equal(echo.body["param"], "echo");
        assert.match(String(echo.body["message"]), /invalid request: echo: .*boolean/);
        const tokens = await post(`${server.url}/v1/completions`, {prompt: [1, -5], echo: true, max_tokens: 0, logprobs: 0});
        assert.equal(tokens.body["param"], "prompt[1]");
        const notJson = await post(`${server.url}/v1/completions`, "{not json");
        assert.equal(notJson.status, 400);
        assert.match(String(notJson.body["message"]), /not valid JSON/);
        const overflow = await post(`${server.url}/v1/completions`, {prompt: new Array(300).fill(1), echo: true, max_tokens: 0, logprobs: 0});
        assert.equal(overflow.status, 400);
        assert.match(String(overflow.body["message"]), /300 prompt tokens .* context of 256 tokens/);
        assert.equal((await post(`${server.url}/v1/nothing`, {})).status, 404);
        const wrongModel = await post(`${server.url}/tokenize`, {model: "gpt-4", prompt: "hi"});
        assert.equal(wrongModel.status, 404);
        assert.match(String(wrongModel.body["message"]), /serves "stories", not "gpt-4"/);
    });

    test("chat: /tokenize renders messages like the backend; continue_final_message ends inside the assistant turn", async () => {
        const messages = [{role: "user" as const, content: "Tell me a story."}];
        const open = await post(`${server.url}/tokenize`, {messages});
        assert.deepEqual(open.body["tokens"], await renderChatTokens(local, messages));
        const continued = await post(`${server.url}/tokenize`, {
            messages: [...messages, {role: "assistant", content: "Once"}],
            add_generation_prompt: false,
            continue_final_message: true,
        });
        assert.deepEqual(continued.body["tokens"], await renderChatTokens(local, messages, "Once"));
    });
});

describe("glassbox serve: token and back-pressure", () => {
    test("a bearer token guards every route but /health; beyond max-outstanding the answer is 429 with Retry-After", async () => {
        const backend = new ScriptedBackend({capabilities: {lanes: 1}, latencyMs: 200});
        const server = await startGlassboxServer({backend, modelName: "scripted", token: "s3cret", maxOutstanding: 1});
        try {
            assert.equal((await fetch(`${server.url}/health`)).status, 200);
            assert.equal((await fetch(`${server.url}/v1/models`)).status, 401);
            assert.equal((await fetch(`${server.url}/v1/models`, {headers: {authorization: "Bearer wrong!"}})).status, 401);
            const auth = {authorization: "Bearer s3cret"};
            assert.equal((await fetch(`${server.url}/v1/models`, {headers: auth})).status, 200);
            const body = {prompt: [1, 70, 71, 72], echo: true, max_tokens: 0, logprobs: 0};
            const [first, second] = await Promise.all([
                post(`${server.url}/v1/completions`, body, auth),
                new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
                    fetch(`${server.url}/v1/completions`, {method: "POST", headers: auth, body: JSON.stringify(body)}),
                ),
            ]);
            assert.equal(first.status, 200);
            assert.equal(second.status, 429);
            assert.equal(second.headers.get("retry-after"), "1");
        } finally {
            await server.close();
        }
    });

    test("the CLI refuses to bind a non-loopback address without a token", async () => {
        const result = await runCli(["serve", "--model", sharedModel("stories260K.gguf"), "--host", "0.0.0.0", "--port", "0"], {
            env: {GLASSBOX_SERVE_TOKEN: ""},
        });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /refusing to serve on 0\.0\.0\.0 without a bearer token.*GLASSBOX_SERVE_TOKEN/);
        assert.equal(result.stderr.trim().split("\n").length, 1);
    });
});
