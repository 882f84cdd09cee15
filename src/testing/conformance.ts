/**
 * The backend conformance suite: the rules of the backend specification (src/model/backend-spec.ts)
 * as node:test tests for any backend factory. Tests a backend's declared capabilities rule out are
 * skipped with the reason ("generation-only backend: no scoring"), so a generation-only backend runs
 * the generation subset. The repository runs it for llama.cpp (both shared models), the scripted
 * backend, vllm: and sglang: against glassbox serve, and the OpenAI-compatible backend against a
 * local fake server (test/conformance, test/backends/http). A backend that declares the white-box
 * capability must give, through the engine, the log-probabilities its scoring gives.
 */
import assert from "node:assert/strict";
import {after, before, describe, test, type TestContext} from "node:test";
import {Evaluator} from "../evaluator/evaluator.js";
import {backendSpecificationVersion, type Backend, type ScoreRequest, type TokenId} from "../model/backend-spec.js";
import {requireWhiteBox, whiteBoxLogprobs} from "../model/white-box.js";
import {detokenizeTokens, tokenizeWithBos} from "../protocol/tokens.js";

export interface ConformanceSubject {
    name: string;
    /** A fresh backend (exact mode where it has one) with the given number of lanes. */
    open(lanes: number): Promise<Backend>;
    /** Prompts to build requests from; they should share a few leading words. */
    prompts: readonly string[];
    /** Largest allowed |difference| between evaluations that must agree (1e-5 for exact mode). */
    tolerance: number;
    /** Largest allowed |difference| between generation's reported logprobs and scoring (1e-4). */
    generationTolerance: number;
    /** Largest allowed |difference| between the white-box engine's logprobs and scoring, where declared (default 1e-4). */
    whiteBoxTolerance?: number;
}

type Requirement = "scoring" | "generation" | "full distribution" | "window";

/** Why `backend` cannot run a test that needs `requirements`, or undefined when it can. */
function skipReason(backend: Backend, requirements: readonly Requirement[]): string | undefined {
    const {capabilities, vocabulary} = backend;
    for (const requirement of requirements) {
        if (requirement === "scoring" && !capabilities.scoring) return "generation-only backend: no scoring";
        if (requirement === "generation" && !capabilities.generation) return "scoring-only backend: no generation";
        if (requirement === "full distribution" && (vocabulary.size === 0 || capabilities.maxTopLogprobs < vocabulary.size)) {
            return `reports at most ${capabilities.maxTopLogprobs} alternatives per token, not the full vocabulary${vocabulary.size === 0 ? " (size unknown)" : ` of ${vocabulary.size}`}`;
        }
        if (requirement === "window" && capabilities.contextSize > 1 << 20)
            return `context of ${capabilities.contextSize} tokens is too large to overflow in a test`;
    }
    return undefined;
}

/** Skips the running test (with its reason) when the backend cannot run it; true when skipped. */
function skipped(context: TestContext, backend: Backend, requirements: readonly Requirement[]): boolean {
    const reason = skipReason(backend, requirements);
    if (reason !== undefined) context.skip(reason);
    return reason !== undefined;
}

function maxDifference(a: readonly number[], b: readonly number[]): number {
    assert.equal(a.length, b.length, "result lengths differ");
    return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - (b[index] ?? Number.NaN))), 0);
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
    const difference = maxDifference(actual, expected);
    assert.ok(difference <= tolerance, `${what}: max |difference| ${difference} > ${tolerance}`);
}

export function registerConformanceTests(subject: ConformanceSubject): void {
    describe(`backend conformance: ${subject.name}`, () => {
        let backend: Backend;
        let requests: ScoreRequest[];
        /** Score each request on a lane of its own in a fresh backend: nothing cached. */
        const scoreFromScratch = async (batch: readonly ScoreRequest[]): Promise<number[][]> => {
            const fresh = await subject.open(batch.length);
            try {
                return await Promise.all(batch.map(async (request, lane) => (await fresh.score(request, lane)).logprobs));
            } finally {
                await fresh.dispose();
            }
        };

        before(async () => {
            backend = await subject.open(3);
            requests = [];
            if (!backend.capabilities.scoring) return;
            for (const prompt of subject.prompts) {
                const tokens = await tokenizeWithBos(backend, prompt);
                const split = Math.max(1, Math.floor(tokens.length * 0.6));
                requests.push({context: tokens.slice(0, split), target: tokens.slice(split)});
            }
            assert.ok(
                requests.every((request) => request.target.length > 0),
                "every prompt must leave target tokens",
            );
        });
        after(async () => {
            await backend.dispose();
        });

        test("scoring the model's own greedy generation returns the logprobs generation reported", async (t) => {
            if (skipped(t, backend, ["scoring", "generation"])) return;
            const context = await tokenizeWithBos(backend, subject.prompts[0] ?? "");
            const generation = await backend.generate({context, maxTokens: 12, temperature: 0, seed: 0, topLogprobs: 0, stopAtEog: false}, 0);
            assert.equal(generation.tokens.length, 12);
            const scored = await backend.score({context, target: generation.tokens.map((token) => token.token)}, 1);
            assertClose(
                scored.logprobs,
                generation.tokens.map((token) => token.logprob),
                subject.generationTolerance,
                "score vs generation",
            );
            // Asking for alternatives must not change the greedy tokens or their logprobs.
            const withTop = await backend.generate({context, maxTokens: 12, temperature: 0, seed: 0, topLogprobs: 2, stopAtEog: false}, 2);
            assert.deepEqual(
                withTop.tokens.map((token) => token.token),
                generation.tokens.map((token) => token.token),
            );
            assertClose(
                withTop.tokens.map((token) => token.logprob),
                generation.tokens.map((token) => token.logprob),
                subject.tolerance,
                "greedy with and without alternatives",
            );
        });

        test("every log-probability is ≤ 0 and finite, one per target token", async (t) => {
            if (skipped(t, backend, ["scoring"])) return;
            for (const [index, request] of requests.entries()) {
                const {logprobs} = await backend.score(request, index % backend.capabilities.lanes);
                assert.equal(logprobs.length, request.target.length);
                for (const value of logprobs) assert.ok(Number.isFinite(value) && value <= 0, `logprob ${value}`);
            }
        });

        test("a batch through the Evaluator equals one-by-one calls", async (t) => {
            if (skipped(t, backend, ["scoring"])) return;
            const oneByOne: number[][] = [];
            for (const request of requests) oneByOne.push((await backend.score(request, 0)).logprobs);
            const evaluator = new Evaluator(backend, {cache: false});
            const batch = await evaluator.scoreMany([...requests].reverse());
            batch.reverse();
            for (const [index, result] of batch.entries()) {
                assertClose(result.logprobs, oneByOne[index] ?? [], subject.tolerance, `request ${index}`);
            }
        });

        test("reusing a cached prefix after a different request equals evaluation from scratch", async (t) => {
            if (skipped(t, backend, ["scoring"])) return;
            const scratch = await scoreFromScratch(requests);
            // Lane 2 sees every request in turn: each reuses whatever prefix the previous one left.
            for (const [index, request] of requests.entries()) {
                const reused = await backend.score(request, 2);
                assertClose(reused.logprobs, scratch[index] ?? [], subject.tolerance, `request ${index} after request ${index - 1}`);
            }
            // And in the other order, so every request also follows a different one.
            for (let index = requests.length - 1; index >= 0; index--) {
                const reused = await backend.score(requests[index] as ScoreRequest, 2);
                assertClose(reused.logprobs, scratch[index] ?? [], subject.tolerance, `request ${index} (reverse order)`);
            }
        });

        test("calls on all lanes at once equal the same calls one at a time, in fresh backends too", async (t) => {
            if (skipped(t, backend, ["scoring"])) return;
            const reference = await scoreFromScratch(requests.slice(0, 1));
            const sequential: number[][] = [];
            for (const request of requests) sequential.push((await backend.score(request, 0)).logprobs);
            assertClose(sequential[0] ?? [], reference[0] ?? [], subject.tolerance, "lane 0 vs scratch");
            for (let trial = 0; trial < 6; trial++) {
                const fresh = await subject.open(3);
                try {
                    const lanes = fresh.capabilities.lanes;
                    // Lanes run concurrently; calls within a lane one after another (the specification).
                    const concurrent: number[][] = [];
                    await Promise.all(
                        Array.from({length: lanes}, async (_, lane) => {
                            for (let index = lane; index < requests.length; index += lanes) {
                                concurrent[index] = (await fresh.score(requests[index] as ScoreRequest, lane)).logprobs;
                            }
                        }),
                    );
                    for (const [index, result] of concurrent.entries()) {
                        assertClose(result, sequential[index] ?? [], subject.tolerance, `trial ${trial}, request ${index} on lane ${index % lanes}`);
                    }
                } finally {
                    await fresh.dispose();
                }
            }
        });

        test("scoring on a lane after a longer and after a shorter sequence equals scratch", async (t) => {
            if (skipped(t, backend, ["scoring"])) return;
            const base = requests[0] as ScoreRequest;
            const all = [...base.context, ...base.target];
            const short: ScoreRequest = {context: all.slice(0, 2), target: all.slice(2, Math.min(all.length, 4))};
            const long = base;
            const [shortScratch, longScratch] = await scoreFromScratch([short, long]);
            await backend.score(long, 1);
            assertClose((await backend.score(short, 1)).logprobs, shortScratch ?? [], subject.tolerance, "short after long");
            assertClose((await backend.score(long, 1)).logprobs, longScratch ?? [], subject.tolerance, "long after short");
            // The same request twice: everything but the last context token is cached.
            assertClose((await backend.score(long, 1)).logprobs, longScratch ?? [], subject.tolerance, "same request again");
        });

        test("the full next-token distribution sums to 1, best first, and contains the chosen token", async (t) => {
            if (skipped(t, backend, ["generation", "full distribution"])) return;
            const size = backend.vocabulary.size;
            const context = await tokenizeWithBos(backend, subject.prompts[1] ?? "");
            const generation = await backend.generate({context, maxTokens: 2, temperature: 0, seed: 0, topLogprobs: size, stopAtEog: false}, 0);
            for (const token of generation.tokens) {
                assert.equal(token.top.length, size);
                const total = token.top.reduce((sum, item) => sum + Math.exp(item.logprob), 0);
                assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to ${total}`);
                for (let index = 1; index < token.top.length; index++) {
                    assert.ok((token.top[index - 1]?.logprob ?? 0) >= (token.top[index]?.logprob ?? 0), "top alternatives are sorted");
                }
                assert.equal(new Set(token.top.map((item) => item.token)).size, size, "each token once");
                assert.equal(token.top[0]?.token, token.token, "greedy picks the most probable token");
                assert.equal(token.top[0]?.logprob, token.logprob);
            }
        });

        test("the same seed gives the same sampled generation; the reported logprob is the raw one", async (t) => {
            if (skipped(t, backend, ["scoring", "generation", "full distribution"])) return;
            const context = await tokenizeWithBos(backend, subject.prompts[0] ?? "");
            const request = {context, maxTokens: 10, temperature: 1.5, seed: 1234, topLogprobs: backend.vocabulary.size, stopAtEog: false};
            const first = await backend.generate(request, 0);
            const second = await backend.generate(request, 1);
            assert.deepEqual(
                second.tokens.map((token) => token.token),
                first.tokens.map((token) => token.token),
            );
            assertClose(
                second.tokens.map((token) => token.logprob),
                first.tokens.map((token) => token.logprob),
                subject.tolerance,
                "same seed, other lane",
            );
            for (const token of first.tokens) {
                const entry = token.top.find((item) => item.token === token.token);
                assert.ok(entry !== undefined, "the sampled token is in the full distribution");
                assert.equal(entry.logprob, token.logprob);
            }
            const scored = await backend.score({context, target: first.tokens.map((token) => token.token)}, 2);
            assertClose(
                scored.logprobs,
                first.tokens.map((token) => token.logprob),
                subject.generationTolerance,
                "sampled tokens rescored",
            );
        });

        test("the backend names the specification version it implements", () => {
            assert.equal(backend.specificationVersion, backendSpecificationVersion);
        });

        test("a batch of texts tokenizes as the texts one by one, identical texts alike, and detokenizes back", async () => {
            const texts = [...subject.prompts, subject.prompts[0] ?? "", ""];
            const batch = await backend.tokenize(texts);
            assert.equal(batch.length, texts.length);
            for (const [index, text] of texts.entries()) assert.deepEqual(batch[index], (await backend.tokenize([text]))[0], `text ${index}`);
            if (backend.capabilities.tokenizer) assert.deepEqual(batch.at(-1), [], "the empty text has no tokens");
            const decoded = await backend.detokenize(batch);
            decoded.forEach((text, index) => assert.equal(text.trim(), (texts[index] ?? "").trim(), `text ${index} round trip`));
        });

        test("token texts in context join to the text of the sequence read after the previous tokens", async () => {
            const [first = [], second = []] = await backend.tokenize([subject.prompts[0] ?? "", subject.prompts[2] ?? ""]);
            const split = Math.min(2, second.length);
            const rows = await backend.tokenTexts([{tokens: first}, {tokens: second.slice(split), previous: second.slice(0, split)}]);
            assert.equal(rows[0]?.length, first.length);
            assert.equal(rows[0]?.join(""), await detokenizeTokens(backend, first));
            const whole = await detokenizeTokens(backend, second);
            const before = await detokenizeTokens(backend, second.slice(0, split));
            assert.equal(rows[1]?.length, second.length - split);
            assert.ok(whole.startsWith(before), "the sequence's text starts with its first tokens' text");
            assert.equal(rows[1]?.join(""), whole.slice(before.length));
        });

        test("a chat ending with an assistant reply extends the chat rendered for that reply", async (t) => {
            if (!backend.capabilities.chatTemplate) {
                t.skip("no chat template");
                return;
            }
            if (skipped(t, backend, ["scoring"])) return;
            const messages = [
                {role: "system" as const, content: "Be brief."},
                {role: "user" as const, content: subject.prompts[0] ?? "Hi"},
            ];
            const [open = [], empty = [], full = []] = await backend.renderChat([
                {messages},
                {messages, assistantResponse: ""},
                {messages, assistantResponse: "Yes."},
            ]);
            assert.ok(open.length > 0, "the open conversation has tokens");
            assert.ok(full.length > empty.length, "the reply adds tokens");
            assert.deepEqual(full.slice(0, Math.min(empty.length, full.length) - 1), empty.slice(0, -1), "the reply extends the rendered conversation");
        });

        test("greedy generation: one text per token, the text is the tokens' texts, logprobs ≤ 0, alternatives best first", async (t) => {
            if (skipped(t, backend, ["generation"])) return;
            const context = await tokenizeWithBos(backend, subject.prompts[0] ?? "");
            const topLogprobs = Math.min(2, backend.capabilities.maxTopLogprobs);
            const generation = await backend.generate({context, maxTokens: 6, temperature: 0, seed: 0, topLogprobs, stopAtEog: true}, 0);
            assert.ok(generation.tokens.length >= 1 && generation.tokens.length <= 6);
            assert.ok(generation.finishReason === "eog" || generation.tokens.length === 6, "stops at an end of generation or at maxTokens");
            // An end-of-generation token adds no text.
            assert.equal(generation.text, generation.tokens.map((token) => token.text).join(""));
            for (const token of generation.tokens) {
                assert.ok(Number.isFinite(token.logprob) && token.logprob <= 0, `logprob ${token.logprob}`);
                assert.equal(token.top.length, topLogprobs);
                for (let index = 1; index < token.top.length; index++) {
                    assert.ok((token.top[index - 1]?.logprob ?? 0) >= (token.top[index]?.logprob ?? 0), "alternatives are sorted");
                }
            }
        });

        test("a declared white-box capability runs the backend's model: same vocabulary, the log-probabilities scoring gives", async (t) => {
            const {whiteBox, whiteBoxUnavailable} = backend.capabilities;
            if (whiteBox === undefined) {
                t.skip(`no white-box capability: ${whiteBoxUnavailable ?? "the backend does not run the model in this process"}`);
                return;
            }
            if (skipped(t, backend, ["scoring"])) return;
            assert.equal(requireWhiteBox(backend), whiteBox);
            const model = await whiteBox.loadModel();
            assert.equal(await whiteBox.loadModel(), model, "later calls share the loaded model");
            assert.equal(model.config.architecture, whiteBox.architecture);
            if (backend.vocabulary.size > 0) assert.equal(model.config.vocabSize, backend.vocabulary.size);
            for (const [index, request] of requests.entries()) {
                const {logprobs} = await backend.score(request, 0);
                assertClose(whiteBoxLogprobs(model, request), logprobs, subject.whiteBoxTolerance ?? 1e-4, `request ${index} through the engine`);
            }
        });

        test("tokens outside the context window are refused with both sizes", async (t) => {
            if (skipped(t, backend, ["scoring", "window"])) return;
            const size = backend.capabilities.contextSize;
            const filler = (requests[0] as ScoreRequest).context[0] as TokenId;
            const context = new Array<TokenId>(size).fill(filler);
            await assert.rejects(
                async () => backend.score({context, target: [filler]}, 0),
                (error: Error) => error.name === "ContextOverflowError" && error.message.includes(String(size)) && error.message.includes(String(size + 1)),
            );
        });
    });
}
