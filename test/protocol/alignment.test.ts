import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import {openLlamaCppModel, type LlamaCppBackend} from "../../src/backends/llama-cpp/backend.js";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {InputError} from "../../src/errors.js";
import {alignTarget, detokenizeTokens, promptTokens, renderChatTokens, tokenizeText, tokenizeWithBos} from "../../src/protocol/index.js";
import type {PromptInput} from "../../src/model/backend-spec.js";
import {sharedModel} from "../helpers/models.js";

const text = (value: string): PromptInput => ({kind: "text", text: value});

for (const file of ["stories260K.gguf", "llama-2-tiny-random.gguf"]) {
    describe(`alignment on ${file}`, () => {
        let backend: LlamaCppBackend;
        before(async () => {
            backend = await openLlamaCppModel(sharedModel(file), {contextSize: 256});
        });
        after(async () => {
            await backend.dispose();
        });

        test("a target after a word boundary is scored exactly, tokenized in context", async () => {
            const aligned = await alignTarget(backend, text("Once upon a time"), " there was");
            assert.equal(aligned.scoredText, " there was");
            assert.equal(aligned.scoredTextStartsEarlierBy, 0);
            assert.equal(aligned.note, undefined);
            assert.deepEqual([...aligned.request.context, ...aligned.request.target], await tokenizeWithBos(backend, "Once upon a time there was"));
            assert.equal(aligned.request.context[0], backend.vocabulary.bos);
            assert.equal(aligned.targetTokens.map((piece) => piece.text).join(""), " there was");
            assert.deepEqual(
                aligned.targetTokens.map((piece) => piece.token),
                aligned.request.target,
            );
        });

        test("a prompt ending in a space: the merged space is scored too, and said so", async () => {
            const aligned = await alignTarget(backend, text("Once upon a "), "time");
            assert.equal(aligned.scoredText, " time");
            assert.equal(aligned.scoredTextStartsEarlierBy, 1);
            assert.match(aligned.note ?? "", /last 1 character of the prompt \(" "\)/);
        });

        test("a target starting mid-word: scoring starts at the token that straddles the boundary", async () => {
            const aligned = await alignTarget(backend, text("Once upon a ti"), "me");
            assert.equal(aligned.scoredText, " time");
            assert.equal(aligned.scoredTextStartsEarlierBy, 3);
            assert.ok(aligned.scoredText.endsWith("me"));
        });

        test("an empty prompt conditions on BOS alone", async () => {
            const aligned = await alignTarget(backend, text(""), "Hello");
            assert.deepEqual(aligned.request.context, [backend.vocabulary.bos]);
            assert.equal(aligned.scoredText, "Hello");
        });

        test("unicode: multi-byte characters and byte-fallback tokens join back to the target", async () => {
            const aligned = await alignTarget(backend, text("The café"), " is 😀 nice");
            assert.equal(aligned.scoredText, " is 😀 nice");
            assert.equal(aligned.targetTokens.map((piece) => piece.text).join(""), " is 😀 nice");
            assert.ok(aligned.targetTokens.some((piece) => piece.text === "😀"));
        });

        test("a newline-initial target and a leading-space target align cleanly", async () => {
            assert.equal((await alignTarget(backend, text("Tom said"), "\nhi")).scoredText, "\nhi");
            assert.equal((await alignTarget(backend, text("a"), " b")).scoredText, " b");
        });

        test("chat: the context is the rendered conversation with an open assistant turn", async () => {
            const messages = [
                {role: "system" as const, content: "Be kind."},
                {role: "user" as const, content: "Say hi"},
            ];
            const aligned = await alignTarget(backend, {kind: "chat", messages}, "Hi there!");
            assert.equal(aligned.scoredText, "Hi there!");
            assert.equal(aligned.note, undefined);
            assert.deepEqual(aligned.request.context, await promptTokens(backend, {kind: "chat", messages}));
            assert.deepEqual([...aligned.request.context, ...aligned.request.target], await renderChatTokens(backend, messages, "Hi there!"));
            assert.match(await detokenizeTokens(backend, aligned.request.context, true), /### Human\nSay hi\n\n### Assistant\n$/);
        });

        test("empty and whitespace-only targets are InputErrors", async () => {
            await assert.rejects(alignTarget(backend, text("a"), ""), (error: unknown) => error instanceof InputError && /empty/.test(error.message));
            await assert.rejects(
                alignTarget(backend, text("a"), " \t\n"),
                (error: unknown) => error instanceof InputError && /only whitespace/.test(error.message),
            );
        });
    });
}

test("alignment works through the backend specification alone (scripted backend, character tokens)", async () => {
    const backend = new ScriptedBackend();
    const aligned = await alignTarget(backend, text("ab "), "cd");
    assert.equal(aligned.scoredText, "cd");
    assert.deepEqual(aligned.request.target, await tokenizeText(backend, "cd"));
    const chat = await alignTarget(backend, {kind: "chat", messages: [{role: "user", content: "x"}]}, "yz");
    assert.equal(chat.scoredText, "yz");
    await backend.dispose();
});
