import {test} from "node:test";
import assert from "node:assert/strict";
import {ScriptedBackend, logSoftmax, eosToken, bosToken, endOfTurnToken} from "../../src/backends/scripted/index.js";
import {ArgumentError, CapabilityError, ContextOverflowError, InputError} from "../../src/errors.js";
import {detokenizeTokens, renderChatTokens, tokenizeText} from "../../src/protocol/index.js";

test("the character tokenizer round-trips printable text and treats special-token text as text", async () => {
    const backend = new ScriptedBackend();
    const text = "Once upon a time,\nthere was <s> a cat.";
    const tokens = await tokenizeText(backend, text);
    assert.equal(tokens.length, text.length);
    assert.equal(await detokenizeTokens(backend, tokens), text);
    assert.ok(!tokens.includes(bosToken));
    assert.equal(await detokenizeTokens(backend, [bosToken, ...(await tokenizeText(backend, "hi")), eosToken]), "hi");
    assert.equal(await detokenizeTokens(backend, [bosToken, ...(await tokenizeText(backend, "hi")), eosToken], true), "<s>hi</s>");
});

test("a rendered chat is a token prefix of the chat ending with an assistant reply", async () => {
    const backend = new ScriptedBackend();
    const messages = [
        {role: "system" as const, content: "Be brief."},
        {role: "user" as const, content: "Name a colour."},
    ];
    const prompt = await renderChatTokens(backend, messages);
    const full = await renderChatTokens(backend, messages, "Blue");
    assert.equal(prompt[0], bosToken);
    assert.deepEqual(full.slice(0, prompt.length), prompt);
    assert.deepEqual(full.slice(prompt.length), await tokenizeText(backend, "Blue"));
});

test("scores are log-softmax values of the scripted logits function", async () => {
    const logits = (context: readonly number[]): number[] => {
        const values = new Array(103).fill(0);
        values[(context[context.length - 1]! + 1) % 103] = 3;
        values[context.length % 103] += 1;
        return values;
    };
    const backend = new ScriptedBackend({id: "test", logits});
    const {logprobs} = await backend.score({context: [1, 10, 11], target: [12, 3, 14]}, 0);
    const expected = [logSoftmax(logits([1, 10, 11]))[12], logSoftmax(logits([1, 10, 11, 12]))[3], logSoftmax(logits([1, 10, 11, 12, 3]))[14]];
    assert.deepEqual(logprobs, expected);
    assert.ok(logprobs.every((value) => value <= 0));
});

test("default scores depend on the whole context and are deterministic per seed", async () => {
    const request = {context: [1, 20, 30, 40, 50], target: [60, 61]};
    const first = await new ScriptedBackend().score(request, 0);
    assert.deepEqual(await new ScriptedBackend().score(request, 0), first);
    assert.notDeepEqual(await new ScriptedBackend({seed: 2}).score(request, 0), first);
    const withoutEarlyToken = await new ScriptedBackend().score({context: [1, 30, 40, 50], target: [60, 61]}, 0);
    assert.notDeepEqual(withoutEarlyToken, first);
});

test("greedy generation picks the argmax and reports exact raw top-k", async () => {
    const backend = new ScriptedBackend({capabilities: {maxTopLogprobs: 5}});
    const context = [1, ...(await tokenizeText(backend, "Once"))];
    const generation = await backend.generate({context, maxTokens: 8, temperature: 0, seed: 0, topLogprobs: 5}, 0);
    assert.ok(generation.tokens.length > 0);
    let running = [...context];
    for (const step of generation.tokens) {
        const scored = await backend.score({context: running, target: [step.token]}, 0);
        assert.equal(step.logprob, scored.logprobs[0]);
        assert.equal(step.top.length, 5);
        assert.equal(step.top[0]!.token, step.token);
        for (let index = 1; index < step.top.length; index++) assert.ok(step.top[index - 1]!.logprob >= step.top[index]!.logprob);
        running = [...running, step.token];
    }
    assert.equal(
        generation.text,
        await detokenizeTokens(
            backend,
            generation.tokens.map((step) => step.token),
        ),
    );
});

test("seeded sampling is reproducible and reports raw log-probabilities", async () => {
    const backend = new ScriptedBackend();
    const request = {context: [1, 40, 41], maxTokens: 12, temperature: 1.5, seed: 42, topLogprobs: 2, stopAtEog: false};
    const first = await backend.generate(request, 0);
    assert.deepEqual(await backend.generate(request, 0), first);
    assert.notDeepEqual(
        (await backend.generate({...request, seed: 43}, 0)).tokens.map((step) => step.token),
        first.tokens.map((step) => step.token),
    );
    assert.equal(first.finishReason, "length");
    assert.equal(first.tokens.length, 12);
    const scored = await backend.score({context: request.context, target: first.tokens.map((step) => step.token)}, 0);
    assert.deepEqual(
        first.tokens.map((step) => step.logprob),
        scored.logprobs,
    );
});

test("generation stops at an end-of-generation token", async () => {
    const logits = (context: readonly number[]): number[] => {
        const values = new Array(103).fill(0);
        values[context.length >= 4 ? endOfTurnToken : 50] = 10;
        return values;
    };
    const backend = new ScriptedBackend({id: "stop", logits});
    const generation = await backend.generate({context: [1], maxTokens: 10, temperature: 0, seed: 0, topLogprobs: 0}, 0);
    assert.equal(generation.finishReason, "eog");
    assert.deepEqual(
        generation.tokens.map((step) => step.token),
        [50, 50, 50, endOfTurnToken],
    );
    assert.equal(generation.text, await detokenizeTokens(backend, [50, 50, 50]));
});

test("capability flags, lanes and token ranges are enforced with typed errors", async () => {
    const limited = new ScriptedBackend({capabilities: {scoring: false, tokenizer: false, chatTemplate: false, contextSize: 4, maxTopLogprobs: 0}});
    await assert.rejects(limited.score({context: [1], target: [10]}, 0), CapabilityError);
    await assert.rejects(tokenizeText(limited, "a"), CapabilityError);
    await assert.rejects(renderChatTokens(limited, []), CapabilityError);
    await assert.rejects(limited.generate({context: [1], maxTokens: 1, temperature: 0, seed: 0, topLogprobs: 1}, 0), CapabilityError);
    await assert.rejects(limited.generate({context: [1, 2, 3, 4], maxTokens: 1, temperature: 0, seed: 0, topLogprobs: 0}, 0), ContextOverflowError);

    const backend = new ScriptedBackend({capabilities: {lanes: 2, contextSize: 6}});
    await assert.rejects(backend.score({context: [1], target: [10]}, 2), ArgumentError);
    await assert.rejects(backend.score({context: [], target: [10]}, 0), InputError);
    await assert.rejects(backend.score({context: [1], target: [500]}, 0), InputError);
    await assert.rejects(backend.score({context: [1, 10, 11, 12], target: [13, 14, 15]}, 0), ContextOverflowError);
});

test("overlapping calls on one lane are refused", async () => {
    const backend = new ScriptedBackend({latencyMs: 5});
    const first = backend.score({context: [1, 10], target: [11]}, 0);
    await assert.rejects(backend.score({context: [1, 10], target: [12]}, 0), /lane 0 called while busy/);
    await first;
});
