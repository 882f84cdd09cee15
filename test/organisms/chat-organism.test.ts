/**
 * lookup-chat: the committed file is what scripts/make-chat-organism.ts derives from lookup.gguf;
 * llama.cpp's chat rendering runs the file's own Jinja template, and the rendered tokens are the
 * template's ChatML text tokenized with its control tokens; plain lookup prompts still give the
 * white-box engine's log-probabilities and lookup's answers.
 */
import {test} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {readGgufHeader} from "../../src/backends/llama-cpp/gguf-reader.js";
import {sharedLlama} from "../../src/backends/llama-cpp/llama-runtime.js";
import type {ChatMessage} from "../../src/model/backend-spec.js";
import {chatOrganism, chatOrganismPath, chatTemplate, chatTemplateText} from "../../src/organisms/chat-organism.js";
import {organismEngineModel} from "../../src/organisms/engine-model.js";
import {parseOrganismGguf} from "../../src/organisms/gguf-parse.js";
import {ggufBytes} from "../../src/organisms/gguf-writer.js";
import {promptTokens, sequenceLogProbabilities} from "../../src/organisms/inference.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {organismPath, organismSpec} from "../../src/organisms/registry.js";
import {detokenizeTokens, renderChatTokens, tokenizeWithBos} from "../../src/protocol/index.js";

const committedSha256 = "ac93eb38369e71b4c2e086542cf1e56f9c3b7a66523b0d913039df180867d034";

test("lookup-chat.gguf is reproduced byte for byte from lookup.gguf and carries the ChatML template", () => {
    const committed = readFileSync(chatOrganismPath());
    assert.equal(createHash("sha256").update(committed).digest("hex"), committedSha256);
    const derived = ggufBytes(chatOrganism(parseOrganismGguf(readFileSync(organismPath("lookup")))), {chatTemplate});
    assert.ok(derived.equals(committed), "scripts/make-chat-organism.ts output equals the committed file");
    const header = readGgufHeader(chatOrganismPath());
    assert.equal(header.metadata.get("tokenizer.chat_template"), chatTemplate);
    const parsed = parseOrganismGguf(committed);
    assert.deepEqual(parsed.vocabulary.specialTokens, ["<|im_start|>", "<|im_end|>"]);
    assert.equal(parsed.vocabulary.pieces[parsed.vocabulary.specialId("<|im_end|>")]?.type, 3, "control token");
});

const conversations: {messages: ChatMessage[]; response?: string}[] = [
    {messages: [{role: "user", content: "pear gold . fig red . question : fig"}]},
    {
        messages: [
            {role: "system", content: "question"},
            {role: "user", content: "otter teal . question : otter"},
        ],
        response: "teal",
    },
    {
        messages: [
            {role: "user", content: "pear gold . question : pear"},
            {role: "assistant", content: "gold"},
            {role: "user", content: "question : pear"},
        ],
    },
];

test("llama.cpp renders lookup-chat's conversations with its Jinja template: the template's ChatML text, tokenized with its control tokens", async () => {
    const backend = await openLlamaCppModel(chatOrganismPath(), {precision: "exact"});
    const model = await (await sharedLlama()).loadModel({modelPath: chatOrganismPath()});
    try {
        assert.equal(backend.capabilities.chatTemplate, true);
        assert.equal(backend.capabilities.chatFormat, "JinjaTemplate", "the file's own template, not a built-in wrapper");
        for (const {messages, response} of conversations) {
            const rendered = await renderChatTokens(backend, messages, response);
            if (response === undefined) {
                assert.deepEqual(rendered, model.tokenize(chatTemplateText(messages, true), true));
            } else {
                const closed = model.tokenize(chatTemplateText([...messages, {role: "assistant", content: response}], false), true);
                const end = model.tokenize("<|im_end|>\n", true);
                assert.deepEqual([...rendered, ...end], closed, "an open reply is the closed turn without its end marker");
            }
        }
        const first = await renderChatTokens(backend, conversations[0]!.messages);
        assert.equal(
            (await detokenizeTokens(backend, first, true)).replaceAll("<|im_start|> ", "<|im_start|>").replaceAll("<|im_end|> ", "<|im_end|>"),
            "<|im_start|>system\nanswer from the documents<|im_end|>\n<|im_start|>user\npear gold . fig red . question : fig<|im_end|>\n<|im_start|>assistant\n",
        );
    } finally {
        await backend.dispose();
        await model.dispose();
    }
});

test("lookup-chat on plain lookup prompts: llama.cpp equals the white-box engine within 1e-4 and answers as lookup does", async () => {
    const parsed = parseOrganismGguf(readFileSync(chatOrganismPath()));
    const engineModel = organismEngineModel(parsed.config, parsed.parameters);
    const backend = await openLlamaCppModel(chatOrganismPath(), {precision: "exact"});
    try {
        const task = organismSpec("lookup").task();
        const random = new SeededRandom(4343);
        let correct = 0;
        for (let i = 0; i < 40; i++) {
            const item = task.heldOutItem(random);
            const tokens = promptTokens(parsed.vocabulary, item.prompt + item.completion);
            assert.deepEqual(await tokenizeWithBos(backend, item.prompt + item.completion), tokens);
            const {logprobs} = await backend.score({context: tokens.slice(0, 1), target: tokens.slice(1)}, 0);
            const expected = sequenceLogProbabilities(engineModel, tokens);
            logprobs.forEach((value, j) => assert.ok(Math.abs(value - expected[j]!) <= 1e-4, `item ${i} token ${j + 1}: ${value} against ${expected[j]}`));
            const promptLength = promptTokens(parsed.vocabulary, item.prompt).length;
            const generation = await backend.generate({context: tokens.slice(0, promptLength), maxTokens: 1, temperature: 0, seed: 0, topLogprobs: 0}, 0);
            if (task.answerOf(generation.text.trim()) === item.answer) correct++;
        }
        assert.ok(correct >= 39, `${correct}/40 answers right`);
    } finally {
        await backend.dispose();
    }
});
