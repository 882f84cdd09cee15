/**
 * The HTTP backends read recorded-shape answers (test/fixtures/remote/, in the documented vLLM,
 * SGLang and OpenAI response shapes) served by a fake server: exact logprobs, token ids, top
 * alternatives, finish reasons, and refusals that name the field or both token counts.
 */
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {after, before, describe, test} from "node:test";
import {openOpenAiCompatibleModel} from "../../../src/backends/openai-compatible/openai-backend.js";
import {openSglangModel} from "../../../src/backends/sglang/sglang-backend.js";
import {chatCompletionResponseSchema} from "../../../src/backends/vllm/schemas.js";
import {logprobsFromPromptEntries, openVllmModel} from "../../../src/backends/vllm/vllm-backend.js";
import {startFakeServer, type FakeServer} from "./fake-server.js";
import {renderChatTokens} from "../../../src/protocol/index.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/remote/${name}`, import.meta.url), "utf8"));
const modelName = "meta-llama/Llama-3.1-8B-Instruct";
const prompt = [128000, 791, 6864, 315, 9822];

describe("recorded vLLM, SGLang and OpenAI response shapes", () => {
    let server: FakeServer;
    let malformed = false;
    before(async () => {
        server = await startFakeServer((request) => {
            const body = request.body as Record<string, unknown> | undefined;
            if (request.path === "/v1/models") return {body: {object: "list", data: [{id: modelName, object: "model", max_model_len: 8192}]}};
            if (request.path === "/tokenize" || request.path === "/v1/tokenize") return {body: {count: 1, max_model_len: 8192, tokens: [128000]}};
            if (request.path === "/detokenize") {
                // The recorded tokens' texts (Llama 3 ids); anything else decodes to "".
                const pieces: Record<number, string> = {12366: " Paris", 13: ".", 11: ","};
                return {body: {prompt: (body?.["tokens"] as number[]).map((token) => pieces[token] ?? "").join("")}};
            }
            if (request.path === "/v1/completions") {
                if (malformed) return {body: {choices: [{text: "", logprobs: {tokens: [], token_logprobs: "none"}}]}};
                return {body: fixture(body?.["echo"] === true ? "vllm-completions-echo.json" : "vllm-completions-generate.json")};
            }
            if (request.path === "/generate") {
                const sampling = body?.["sampling_params"] as {max_new_tokens: number};
                return {body: fixture(sampling.max_new_tokens === 0 ? "sglang-generate-score.json" : "sglang-generate-generation.json")};
            }
            if (request.path === "/v1/chat/completions") return {body: fixture("openai-chat-logprobs.json")};
            return {status: 404, body: {detail: "Not Found"}};
        });
    });
    after(() => server.close());

    test("vLLM echo scoring: the target's logprobs are the last prompt positions; the request is token ids with echo", async () => {
        const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
        assert.equal(backend.capabilities.contextSize, 8192);
        assert.equal(backend.vocabulary.bos, 128000);
        const result = await backend.score({context: prompt, target: [374, 12366]}, 0);
        assert.deepEqual(result.logprobs, [-0.2041, -0.0718]);
        const sent = server.requests.at(-1)?.body as Record<string, unknown>;
        assert.deepEqual(sent, {
            model: modelName,
            prompt: [...prompt, 374, 12366],
            echo: true,
            max_tokens: 0,
            logprobs: 0,
            temperature: 0,
            return_tokens_as_token_ids: true,
        });
    });

    test("vLLM: a prompt-length mismatch is refused with both counts", async () => {
        const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
        await assert.rejects(
            backend.score({context: [128000, 791], target: [6864]}, 0),
            (error: Error) => error.name === "BackendError" && error.message.includes("scored 7 prompt tokens, glassbox sent 3"),
        );
    });

    test("vLLM chat prompt_logprobs: each position's own token is read by id among the alternatives", async () => {
        const response = chatCompletionResponseSchema.parse(fixture("vllm-chat-prompt-logprobs.json"));
        assert.deepEqual(logprobsFromPromptEntries(response.prompt_logprobs ?? [], [128000, 128006, 78191, 12366, 13]), [
            null,
            -11.2031,
            -0.0003,
            -1.4427,
            -0.1823,
        ]);
    });

    test("vLLM generation: token ids from token_id:N, alternatives best first (ties keep the server's order), stop = eog", async () => {
        const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false, maxLogprobs: 5});
        const generation = await backend.generate({context: prompt, maxTokens: 3, temperature: 0, seed: 0, topLogprobs: 2}, 0);
        assert.deepEqual(
            generation.tokens.map((token) => token.token),
            [12366, 13, 128009],
        );
        assert.deepEqual(
            generation.tokens.map((token) => token.logprob),
            [-0.0718, -0.6931, -0.0001],
        );
        assert.deepEqual(
            generation.tokens[1]?.top.map((item) => [item.token, item.logprob]),
            [
                [13, -0.6931],
                [11, -0.6931],
            ],
        );
        assert.equal(generation.finishReason, "eog");
        assert.equal(generation.text, " Paris.");
        const sent = server.requests.find((request) => request.path === "/v1/completions" && (request.body as {echo?: boolean}).echo !== true)?.body as Record<
            string,
            unknown
        >;
        assert.equal(sent["return_tokens_as_token_ids"], true);
        assert.equal(sent["logprobs"], 2);
    });

    test("vLLM: a response of the wrong shape names the field", async () => {
        const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
        malformed = true;
        try {
            await assert.rejects(
                backend.score({context: prompt, target: [374, 12366]}, 0),
                (error: Error) => error.name === "BackendError" && error.message.includes("field choices[0].logprobs.token_logprobs"),
            );
        } finally {
            malformed = false;
        }
    });

    test("SGLang scoring: logprob_start_len at the boundary, target ids checked, cached tokens reported", async () => {
        const backend = await openSglangModel({baseUrl: server.url});
        const result = await backend.score({context: prompt, target: [374, 12366]}, 0);
        assert.deepEqual(result.logprobs, [-0.2041, -0.0718]);
        assert.equal(result.reusedTokens, 5);
        const sent = server.requests.at(-1)?.body as Record<string, unknown>;
        assert.equal(sent["logprob_start_len"], 4);
        assert.equal(sent["return_logprob"], true);
        assert.deepEqual(sent["input_ids"], [...prompt, 374, 12366]);
        await assert.rejects(backend.score({context: prompt, target: [374, 999]}, 0), (error: Error) =>
            error.message.includes("token mismatch at target position 1: the server scored token 12366, glassbox sent 999"),
        );
    });

    test("SGLang generation: [logprob, id, text] entries, top alternatives, finish_reason stop = eog", async () => {
        const backend = await openSglangModel({baseUrl: server.url});
        const generation = await backend.generate({context: prompt, maxTokens: 3, temperature: 0, seed: 3, topLogprobs: 2}, 0);
        assert.deepEqual(
            generation.tokens.map((token) => [token.token, token.logprob]),
            [
                [12366, -0.0718],
                [13, -0.6931],
                [128009, -0.0001],
            ],
        );
        assert.deepEqual(
            generation.tokens[2]?.top.map((item) => item.token),
            [128009, 578],
        );
        assert.equal(generation.finishReason, "eog");
        assert.equal(generation.text, " Paris.");
        const sent = server.requests.at(-1)?.body as {sampling_params: Record<string, unknown>; top_logprobs_num: number};
        assert.equal(sent.sampling_params["sampling_seed"], 3);
        assert.equal(sent.top_logprobs_num, 2);
    });

    test("OpenAI-compatible chat: generation with logprobs; scoring is a CapabilityError before any request", async () => {
        const backend = openOpenAiCompatibleModel({baseUrl: `${server.url}/v1`, model: "gpt-4o-mini", apiKey: "test-key"});
        const context = await renderChatTokens(backend, [{role: "user", content: "Capital of France?"}]);
        const generation = await backend.generate({context, maxTokens: 4, temperature: 0, seed: 0, topLogprobs: 2}, 0);
        assert.deepEqual(
            generation.tokens.map((token) => [token.text, token.logprob]),
            [
                ["Paris", -0.0000031737],
                [".", -0.0019],
            ],
        );
        assert.deepEqual(
            generation.tokens[0]?.top.map((item) => item.text),
            ["Paris", "The"],
        );
        assert.equal(generation.text, "Paris.");
        assert.equal(generation.finishReason, "eog");
        const sent = server.requests.at(-1);
        assert.equal(sent?.headers.authorization, "Bearer test-key");
        assert.deepEqual((sent?.body as {messages: unknown}).messages, [{role: "user", content: "Capital of France?"}]);
        const before = server.requests.length;
        await assert.rejects(backend.score({context, target: context}, 0), (error: Error) => error.name === "CapabilityError");
        assert.equal(server.requests.length, before);
        assert.equal(backend.capabilities.scoring, false);
    });
});
