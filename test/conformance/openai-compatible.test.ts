/**
 * The conformance suite for the generation-only OpenAI-compatible backend, against a local fake
 * chat-completions server: the scoring tests are skipped with their reason, the generation and
 * text-side subset runs.
 */
import {after} from "node:test";
import {openOpenAiCompatibleModel} from "../../src/backends/openai-compatible/openai-backend.js";
import {registerConformanceTests} from "../../src/testing/index.js";
import {startFakeServer} from "../backends/http/fake-server.js";

/** Answers every chat request with the same short reply, its tokens, logprobs and two alternatives each. */
const reply = [
    ["Once", -0.25, "One"],
    [" upon", -0.5, " a"],
    [" a", -0.125, " the"],
    [" time", -0.0625, " day"],
] as const;
const server = await startFakeServer((request) => {
    if (request.path !== "/v1/chat/completions") return {status: 404, body: {error: {message: "not found"}}};
    const maxTokens = (request.body as {max_tokens?: number}).max_tokens ?? reply.length;
    const tokens = reply.slice(0, maxTokens);
    return {
        body: {
            choices: [
                {
                    index: 0,
                    message: {role: "assistant", content: tokens.map(([text]) => text).join("")},
                    logprobs: {
                        content: tokens.map(([text, logprob, other]) => ({
                            token: text,
                            logprob,
                            top_logprobs: [
                                {token: text, logprob},
                                {token: other, logprob: logprob - 3},
                            ],
                        })),
                    },
                    finish_reason: tokens.length < reply.length ? "length" : "stop",
                },
            ],
        },
    };
});
after(() => server.close());

registerConformanceTests({
    name: "openai-compatible chat API (fake server, generation only)",
    open: async (lanes) => openOpenAiCompatibleModel({baseUrl: `${server.url}/v1`, model: "fake", concurrency: lanes, maxLogprobs: 2}),
    prompts: ["Once upon a time, there was a girl", "Once upon a time, there was a dog", "One day, Tom went to the park", "Once upon a time"],
    tolerance: 1e-5,
    generationTolerance: 1e-4,
});
