/**
 * The CLI with remote --model values, end to end: score through vllm: and sglang: against a
 * `glassbox serve` child equals the local GGUF's JSON within 1e-5; a generation-only backend is
 * refused before any request; an unreachable server is one line naming the URL.
 */
import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import {runCli} from "../../helpers/run-cli.js";
import {startServeProcess, type ServeProcess} from "../../server/serve-process.js";
import {startFakeServer} from "./fake-server.js";
import {sharedModel} from "../../helpers/models.js";

const modelPath = sharedModel("stories260K.gguf");
const scoreArgs = ["--prompt", "Once upon a time, there was a little girl", "--target", " named Lily. She loved to play", "--json"];

interface ScoreJson {
    tokens: Array<{token: number; logprob: number}>;
    contextTokenCount: number;
    model: {id: string};
}

describe("CLI with remote models", () => {
    let server: ServeProcess;
    before(async () => {
        server = await startServeProcess(["--model", modelPath, "--context-size", "256"]);
    });
    after(() => server.stop());

    test("score --model vllm:… and sglang:… equal the local GGUF within 1e-5, token for token", async () => {
        const local = await runCli(["score", "--model", modelPath, "--context-size", "256", ...scoreArgs]);
        assert.equal(local.code, 0, local.stderr);
        const expected = JSON.parse(local.stdout) as ScoreJson;
        for (const model of [`vllm:${server.url}/v1`, `sglang:${server.url}?concurrency=2`]) {
            const remote = await runCli(["score", "--model", model, ...scoreArgs]);
            assert.equal(remote.code, 0, remote.stderr);
            const actual = JSON.parse(remote.stdout) as ScoreJson;
            assert.equal(actual.contextTokenCount, expected.contextTokenCount);
            assert.deepEqual(
                actual.tokens.map((token) => token.token),
                expected.tokens.map((token) => token.token),
            );
            actual.tokens.forEach((token, index) =>
                assert.ok(Math.abs(token.logprob - (expected.tokens[index]?.logprob ?? Number.NaN)) <= 1e-5, `${model} token ${index}`),
            );
            assert.ok(actual.model.id.endsWith(expected.model.id), `${actual.model.id} names the served model ${expected.model.id}`);
        }
    });

    test("score with a generation-only openai: model is refused before any request", async () => {
        const fake = await startFakeServer(() => ({status: 500, body: {}}));
        try {
            const result = await runCli(["score", "--model", `openai:${fake.url}/v1#gpt-4o-mini`, ...scoreArgs]);
            assert.equal(result.code, 1);
            assert.match(
                result.stderr,
                /^glassbox: score needs a backend that scores prompt tokens; openai:http:\/\/127\.0\.0\.1:\d+\/v1#gpt-4o-mini only generates/,
            );
            assert.equal(fake.requests.length, 0);
        } finally {
            await fake.close();
        }
    });

    test("an unreachable server: one line with the URL that was tried", async () => {
        const fake = await startFakeServer(() => ({}));
        await fake.close();
        const result = await runCli(["score", "--model", `vllm:${fake.url}/v1`, ...scoreArgs]);
        assert.equal(result.code, 1);
        assert.equal(result.stderr.trim().split("\n").length, 1);
        assert.match(result.stderr, new RegExp(`could not reach ${fake.url}/v1/models.*connection refused`));
    });
});
