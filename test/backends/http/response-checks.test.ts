/**
 * The hand-written checks of hot response bodies accept and refuse exactly what the zod schemas
 * they stand in for do, and name the same field; through a backend, a malformed scoring answer is
 * the BackendError that names the field.
 */
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {after, before, describe, test} from "node:test";
import {z} from "zod";
import {formatPath, validateResponse} from "../../../src/backends/http/http-client.js";
import {checkTokenListsAnswer, checkTokensAnswer, ShapeIssue, type ResponseCheck} from "../../../src/backends/http/response-checks.js";
import {openSglangModel} from "../../../src/backends/sglang/sglang-backend.js";
import {checkGenerateResponse, checkGenerateResponses, generateResponseSchema} from "../../../src/backends/sglang/schemas.js";
import {checkScoringResponse, scoringResponseSchema} from "../../../src/backends/vllm/schemas.js";
import {openVllmModel} from "../../../src/backends/vllm/vllm-backend.js";
import {BackendError} from "../../../src/errors.js";
import {startFakeServer, type FakeServer} from "./fake-server.js";

const fixture = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(new URL(`../../fixtures/remote/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

/** A deep copy of `value` with `change` applied to it (untyped on purpose: the variants break the shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function variant<T>(value: T, change: (copy: any) => void): T {
    const copy = structuredClone(value);
    change(copy);
    return copy;
}

/** null when accepted, else the path of the first problem. */
function zodVerdict(schema: z.ZodType, body: unknown): string | null {
    const parsed = schema.safeParse(body);
    return parsed.success ? null : formatPath(parsed.error.issues[0]?.path ?? []);
}

function checkVerdict(check: ResponseCheck<unknown>, body: unknown): string | null {
    try {
        check(body);
        return null;
    } catch (error) {
        assert.ok(error instanceof ShapeIssue, `a check throws only ShapeIssue, got ${String(error)}`);
        return formatPath(error.path);
    }
}

function assertSameVerdicts(schema: z.ZodType, check: ResponseCheck<unknown>, bodies: ReadonlyArray<[string, unknown]>): void {
    let refused = 0;
    for (const [name, body] of bodies) {
        const expected = zodVerdict(schema, body);
        assert.equal(checkVerdict(check, body), expected, name);
        if (expected !== null) refused++;
    }
    assert.ok(refused >= bodies.length / 2, "most variants are malformed");
}

describe("hand-written response checks", () => {
    test("vLLM scoring answers: the check and scoringResponseSchema agree on every variant, field for field", () => {
        const echo = fixture("vllm-completions-echo.json");
        const glassbox = {
            choices: [
                {
                    index: 0,
                    text: "",
                    logprobs: {tokens: ["token_id:1", "token_id:5"], token_logprobs: [null, -1.5], top_logprobs: [null, {"token_id:5": -1.5}]},
                    prompt_logprobs: [null, {"5": {logprob: -1.5, decoded_token: "a"}}],
                },
            ],
        };
        assertSameVerdicts(scoringResponseSchema, checkScoringResponse, [
            ["recorded vLLM echo", echo],
            ["glassbox serve shape", glassbox],
            ["no logprobs, prompt_logprobs only", variant(glassbox, (body) => (body.choices[0].logprobs = null))],
            [
                "two choices without index",
                variant(glassbox, (body) => {
                    delete body.choices[0].index;
                    body.choices.push(body.choices[0]);
                }),
            ],
            ["a logprob that is a string", variant(echo, (body) => (body.choices[0].logprobs.token_logprobs[3] = "-0.5"))],
            ["token_logprobs not a list", variant(echo, (body) => (body.choices[0].logprobs.token_logprobs = "none"))],
            ["token_logprobs missing", variant(echo, (body) => delete body.choices[0].logprobs.token_logprobs)],
            ["logprobs missing", variant(echo, (body) => delete body.choices[0].logprobs)],
            ["logprobs a list", variant(echo, (body) => (body.choices[0].logprobs = []))],
            ["no choices", variant(echo, (body) => (body.choices = []))],
            ["choices missing", variant(echo, (body) => delete body.choices)],
            ["a choice that is null", variant(glassbox, (body) => body.choices.push(null))],
            ["negative index", variant(echo, (body) => (body.choices[0].index = -1))],
            ["fractional index", variant(echo, (body) => (body.choices[0].index = 0.5))],
            ["index a string", variant(echo, (body) => (body.choices[0].index = "0"))],
            ["prompt_logprobs entry a number", variant(echo, (body) => (body.choices[0].prompt_logprobs[2] = 3))],
            ["prompt_logprobs entry a list", variant(echo, (body) => (body.choices[0].prompt_logprobs[2] = []))],
            ["prompt_logprobs logprob missing", variant(echo, (body) => delete body.choices[0].prompt_logprobs[4]["9822"].logprob)],
            ["prompt_logprobs rank a string", variant(echo, (body) => (body.choices[0].prompt_logprobs[4]["9822"].rank = "1"))],
            ["prompt_logprobs decoded_token a number", variant(glassbox, (body) => (body.choices[0].prompt_logprobs[1]["5"].decoded_token = 5))],
            ["prompt_logprobs not a list", variant(echo, (body) => (body.choices[0].prompt_logprobs = {}))],
            ["the body is a list", [echo]],
            ["the body is null", null],
        ]);
    });

    test("SGLang generate answers: the check and generateResponseSchema agree on every variant, field for field", () => {
        const score = fixture("sglang-generate-score.json");
        const generation = fixture("sglang-generate-generation.json");
        assertSameVerdicts(generateResponseSchema, checkGenerateResponse, [
            ["recorded scoring answer", score],
            ["recorded generation answer", generation],
            [
                "no finish reason, no cached tokens",
                variant(score, (body) => {
                    body.meta_info.finish_reason = null;
                    delete body.meta_info.cached_tokens;
                }),
            ],
            ["a logprob that is a string", variant(score, (body) => (body.meta_info.input_token_logprobs[1][0] = "x"))],
            ["a token id that is fractional", variant(score, (body) => (body.meta_info.input_token_logprobs[1][1] = 1.5))],
            ["an entry with one element", variant(score, (body) => (body.meta_info.input_token_logprobs[0] = [-0.1]))],
            ["an empty entry", variant(score, (body) => (body.meta_info.input_token_logprobs[1] = []))],
            ["an entry that is an object", variant(score, (body) => (body.meta_info.input_token_logprobs[0] = {logprob: -0.1}))],
            ["input logprobs not a list", variant(score, (body) => (body.meta_info.input_token_logprobs = 7))],
            ["output logprobs entry null", variant(score, (body) => (body.meta_info.output_token_logprobs = [null]))],
            ["top logprobs entry malformed", variant(generation, (body) => (body.meta_info.output_top_logprobs = [null, [[-0.1, "a"]]]))],
            ["top logprobs not a list", variant(generation, (body) => (body.meta_info.output_top_logprobs = "x"))],
            ["cached tokens a string", variant(score, (body) => (body.meta_info.cached_tokens = "5"))],
            ["prompt tokens fractional", variant(score, (body) => (body.meta_info.prompt_tokens = 6.5))],
            ["finish reason without type", variant(score, (body) => (body.meta_info.finish_reason = {length: 0}))],
            ["finish reason a string", variant(score, (body) => (body.meta_info.finish_reason = "length"))],
            ["text missing", variant(score, (body) => delete body.text)],
            ["meta_info missing", variant(score, (body) => delete body.meta_info)],
            ["the body is a string", "oops"],
        ]);
        assertSameVerdicts(z.array(generateResponseSchema), checkGenerateResponses, [
            ["a batch", [score, score]],
            ["a batch with a malformed second answer", [score, variant(score, (body) => (body.meta_info.input_token_logprobs[1][1] = "12366"))]],
            ["not a list", score],
        ]);
    });

    test("token lists: the checks and the zod schemas agree", () => {
        const single = z.object({tokens: z.array(z.number().int())});
        const lists = z.object({tokens: z.array(z.array(z.number().int()))});
        assertSameVerdicts(single, checkTokensAnswer, [
            ["tokens", {tokens: [1, 2, 3], count: 3}],
            ["a fractional token", {tokens: [1, 2.5]}],
            ["a string token", {tokens: [1, "2"]}],
            ["tokens missing", {count: 0}],
        ]);
        assertSameVerdicts(lists, checkTokenListsAnswer, [
            ["lists", {tokens: [[1, 2], [], [3]]}],
            ["a flat list", {tokens: [1, 2]}],
            [
                "a bad token deep inside",
                {
                    tokens: [
                        [1, 2],
                        [3, null],
                    ],
                },
            ],
            ["tokens missing", {}],
        ]);
    });

    test("validateResponse turns a check's issue into the BackendError that names the field and shows the value", () => {
        const body = {choices: [{index: 0, logprobs: {token_logprobs: [null, -1, "bad"]}}]};
        assert.throws(
            () => validateResponse(checkScoringResponse, body, "POST http://h/v1/completions"),
            (error: unknown) => {
                assert.ok(error instanceof BackendError);
                assert.equal(error.fields["field"], "choices[0].logprobs.token_logprobs[2]");
                assert.match(
                    error.message,
                    /^unexpected response from POST http:\/\/h\/v1\/completions: field choices\[0\]\.logprobs\.token_logprobs\[2\]: Invalid input: expected number or null, received string/,
                );
                assert.equal(error.received, '"bad"');
                return true;
            },
        );
    });
});

describe("malformed scoring answers through the backends", () => {
    let server: FakeServer;
    before(async () => {
        server = await startFakeServer((request) => {
            if (request.path === "/v1/models") return {body: {data: [{id: "fake", max_model_len: 4096}]}};
            if (request.path === "/tokenize" || request.path === "/v1/tokenize") return {body: {tokens: [1]}};
            if (request.path === "/v1/completions") {
                return {
                    body: {
                        choices: [
                            {index: 0, logprobs: {token_logprobs: [null, -0.5, -0.25]}},
                            {index: 1, logprobs: {token_logprobs: [null, -0.5, {value: -0.25}]}},
                        ],
                    },
                };
            }
            return {
                body: [
                    {
                        text: "",
                        meta_info: {
                            input_token_logprobs: [
                                [-0.5, 7],
                                [-0.25, 8],
                            ],
                        },
                    },
                    {
                        text: "",
                        meta_info: {
                            input_token_logprobs: [
                                [-0.5, 7],
                                [-0.25, "8"],
                            ],
                        },
                    },
                ],
            };
        });
    });
    after(() => server.close());

    test("vllm: a batch whose second answer has an object for a logprob fails every item with the field named", async () => {
        const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
        const requests = [
            {context: [1, 7], target: [8]},
            {context: [1, 9], target: [8]},
        ];
        const outcomes = await Promise.allSettled(requests.map((request) => backend.score(request, 0)));
        for (const outcome of outcomes) {
            assert.equal(outcome.status, "rejected");
            const error = (outcome as PromiseRejectedResult).reason as BackendError;
            assert.ok(error instanceof BackendError);
            assert.equal(error.fields["field"], "choices[1].logprobs.token_logprobs[2]");
            assert.ok(
                error.message.includes("field choices[1].logprobs.token_logprobs[2]: Invalid input: expected number or null, received object"),
                error.message,
            );
        }
    });

    test("sglang: a batch whose second answer has a string token id fails with the field named", async () => {
        const backend = await openSglangModel({baseUrl: server.url});
        const requests = [
            {context: [1, 7], target: [8]},
            {context: [1, 9], target: [8]},
        ];
        const outcomes = await Promise.allSettled(requests.map((request) => backend.score(request, 0)));
        for (const outcome of outcomes) {
            const error = (outcome as PromiseRejectedResult).reason as BackendError;
            assert.ok(error instanceof BackendError, String(error));
            assert.equal(error.fields["field"], "[1].meta_info.input_token_logprobs[1][1]");
        }
    });
});
