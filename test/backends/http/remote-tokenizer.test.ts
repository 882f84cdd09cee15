/**
 * Batched tokenization over HTTP (Backend.tokenize takes many texts): one list request against a
 * server that takes lists (glassbox serve), concurrent single requests otherwise (vLLM), identical
 * texts sent once, the same tokens as the local model, and a model game over a remote backend that
 * sends the same scoring requests as over the local model.
 */
import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import type {LlamaCppBackend} from "../../../src/backends/llama-cpp/backend.js";
import {openModel} from "../../../src/backends/resolve-model.js";
import {openSglangModel} from "../../../src/backends/sglang/sglang-backend.js";
import {openVllmModel} from "../../../src/backends/vllm/vllm-backend.js";
import {BackendError} from "../../../src/errors.js";
import {Evaluator} from "../../../src/evaluator/evaluator.js";
import type {EvaluatorStats, ScoreManyOptions, ScoringEvaluator} from "../../../src/evaluator/types.js";
import {ModelGame} from "../../../src/explain/model-game.js";
import type {ScoreRequest, ScoreResult} from "../../../src/model/backend-spec.js";
import type {RunningServer} from "../../../src/server/http-server.js";
import {segmentInput} from "../../../src/units/segmented-input.js";
import {startFakeServer, type FakeServer} from "./fake-server.js";
import {serveStories, type ServedStories} from "../../helpers/served-stories.js";

/** A fake vLLM tokenizer: token i of a text is its i-th character code; `tokenizeList` as glassbox serve advertises it. */
async function fakeTokenizer(tokenizeList: boolean, listAnswerLength?: number): Promise<FakeServer> {
    const codes = (text: string): number[] => Array.from(text, (character) => character.codePointAt(0) as number);
    return startFakeServer((request) => {
        if (request.path === "/v1/models") {
            const glassbox = {
                backendId: "fake",
                vocabularySize: 0,
                bos: 1,
                eos: 2,
                addBos: true,
                maxLogprobs: 5,
                chatTemplate: false,
                exact: true,
                tokenizeList,
            };
            return {body: {data: [{id: "fake", max_model_len: 4096, glassbox}]}};
        }
        const prompt = (request.body as {prompt: string | string[]}).prompt;
        if (Array.isArray(prompt)) return {body: {tokens: prompt.slice(0, listAnswerLength ?? prompt.length).map(codes), max_model_len: 4096}, delayMs: 5};
        return {body: {tokens: codes(prompt), max_model_len: 4096}, delayMs: 5};
    });
}

describe("batched tokenization over HTTP", () => {
    test("vLLM shape: one /tokenize request per distinct text; cached texts cost nothing", async () => {
        const server = await fakeTokenizer(false);
        try {
            const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
            const before = server.requests.length;
            const texts = ["ab", "c", "ab", "", "dé"];
            assert.deepEqual(await backend.tokenize(texts), [[97, 98], [99], [97, 98], [], [100, 233]]);
            const sent = server.requests.slice(before);
            assert.equal(sent.length, 4);
            assert.ok(sent.every((request) => request.path === "/tokenize" && typeof (request.body as {prompt: unknown}).prompt === "string"));
            assert.deepEqual(await backend.tokenize(["c", "ab"]), [[99], [97, 98]]);
            assert.equal(server.requests.length, before + 4);
        } finally {
            await server.close();
        }
    });

    test("a server that advertises tokenizeList gets one request with the list; a short answer is refused with both counts", async () => {
        const server = await fakeTokenizer(true);
        const short = await fakeTokenizer(true, 1);
        try {
            const backend = await openVllmModel({baseUrl: `${server.url}/v1`, probe: false});
            const before = server.requests.length;
            assert.deepEqual(await backend.tokenize(["xy", "z", "xy"]), [[120, 121], [122], [120, 121]]);
            const sent = server.requests.slice(before);
            assert.equal(sent.length, 1);
            assert.deepEqual(sent[0]?.body, {model: "fake", prompt: ["xy", "z"], add_special_tokens: false});

            const broken = await openVllmModel({baseUrl: `${short.url}/v1`, probe: false});
            await assert.rejects(
                broken.tokenize(["a", "b"]),
                (error: unknown) => error instanceof BackendError && /answered 1 token lists for 2 texts/.test(error.message),
            );
        } finally {
            await server.close();
            await short.close();
        }
    });
});

/** Records the requests a game hands over, and scores them with the backend behind. */
class RecordingEvaluator implements ScoringEvaluator {
    readonly requests: ScoreRequest[] = [];
    constructor(private readonly inner: Evaluator) {}
    get stats(): EvaluatorStats {
        return this.inner.stats;
    }
    scoreMany(requests: readonly ScoreRequest[], options?: ScoreManyOptions): Promise<ScoreResult[]> {
        this.requests.push(...requests);
        return this.inner.scoreMany(requests, options);
    }
}

describe("batched tokenization against glassbox serve", () => {
    let served: ServedStories;
    let local: LlamaCppBackend;
    let server: RunningServer;
    before(async () => {
        served = await serveStories();
        ({local, server} = served);
    });
    after(() => served.close());

    test("vllm: and sglang: give the local model's tokens for every text (list requests to glassbox serve)", async () => {
        const texts = ["Lily took her ball", "", " the dog", "Lily took her ball", "park!"];
        const expected = await local.tokenize(texts);
        const vllm = await openVllmModel({baseUrl: `${server.url}/v1`});
        const sglang = await openSglangModel({baseUrl: server.url});
        assert.deepEqual(await vllm.tokenize(texts), expected);
        assert.deepEqual(await sglang.tokenize(texts), expected);
    });

    test("the model game over a remote backend sends the same requests as over the local model", async () => {
        const remote = await openModel(`vllm:${server.url}/v1`);
        const segmented = segmentInput({kind: "prompt", prompt: "Lily took her red ball to the park"}, "word");
        const [target = []] = await local.tokenize([" with her dog"]);
        const coalitions = Array.from({length: 12}, (_, index) =>
            Uint8Array.from({length: segmented.playerCount}, (_, player) => ((index * 5 + 3) >> (player % 4)) & 1),
        );
        const localGame = new ModelGame({segmented, backend: local, evaluator: new Evaluator(local), target, targetTexts: [], valueKind: "logprob"});
        const recording = new RecordingEvaluator(new Evaluator(remote, {cache: false}));
        const remoteGame = new ModelGame({segmented, backend: remote, evaluator: recording, target, targetTexts: [], valueKind: "logprob"});
        const outcomes = await remoteGame.evaluate(coalitions);
        assert.deepEqual(recording.requests, (await Promise.all(coalitions.map((coalition) => localGame.requestsFor(coalition)))).flat());
        const localOutcomes = await localGame.evaluate(coalitions);
        outcomes.forEach((outcome, index) => assert.ok(Math.abs(outcome.value - (localOutcomes[index]?.value as number)) <= 1e-5));
        await remote.dispose();
    });

    test("/tokenize and /v1/tokenize take a list of texts; an empty list is refused with the field named", async () => {
        const post = async (path: string, body: unknown) => {
            const response = await fetch(`${server.url}${path}`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
            return {status: response.status, body: (await response.json()) as Record<string, unknown>};
        };
        const vllm = await post("/tokenize", {prompt: ["Lily", "dog"], add_special_tokens: false});
        assert.equal(vllm.status, 200);
        assert.deepEqual(vllm.body["tokens"], await local.tokenize(["Lily", "dog"]));
        const sglang = await post("/v1/tokenize", {prompt: ["Lily", "dog"], add_special_tokens: true});
        const bos = local.vocabulary.addBos && local.vocabulary.bos !== undefined ? [local.vocabulary.bos] : [];
        assert.deepEqual(
            sglang.body["tokens"],
            (await local.tokenize(["Lily", "dog"])).map((tokens) => [...bos, ...tokens]),
        );
        const empty = await post("/tokenize", {prompt: []});
        assert.equal(empty.status, 400);
        assert.match(JSON.stringify(empty.body), /prompt/);
    });
});
