/**
 * `lookup-chat`: the `lookup` organism with a ChatML-style Jinja chat template in its GGUF
 * (`tokenizer.chat_template`), so that chat rendering through llama.cpp's template path can be
 * tested end to end. Derived, not retrained: the vocabulary gains the control tokens
 * `<|im_start|>` and `<|im_end|>` and the words of the role names and default system message;
 * every piece `lookup` already had keeps its embedding and output rows, and each new piece gets
 * the rows of `<unk>` (a token the organism never predicts), so plain lookup prompts give the same
 * answers. Pure: scripts/make-chat-organism.ts reads lookup.gguf and writes the file.
 */
import {fileURLToPath} from "node:url";
import type {GgufModel} from "./gguf-writer.js";
import type {ParsedOrganism} from "./gguf-parse.js";
import {tensorLayout, type ModelConfig} from "./parameters.js";
import {unknownId, WordVocabulary} from "./vocabulary.js";

export const chatOrganismName = "lookup-chat";
export const chatSpecialTokens = ["<|im_start|>", "<|im_end|>"] as const;
/** The system message the template inserts when a conversation has none. */
export const chatDefaultSystemMessage = "answer from the documents";

/**
 * ChatML with a default system message (as Qwen2.5's template has): each message is
 * `<|im_start|>ROLE\nCONTENT<|im_end|>\n`, and the generation prompt is `<|im_start|>assistant\n`.
 */
export const chatTemplate = [
    "{%- if messages[0]['role'] != 'system' -%}",
    `{{- '<|im_start|>system\\n${chatDefaultSystemMessage}<|im_end|>\\n' -}}`,
    "{%- endif -%}",
    "{%- for message in messages -%}",
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' -}}",
    "{%- endfor -%}",
    "{%- if add_generation_prompt -%}",
    "{{- '<|im_start|>assistant\\n' -}}",
    "{%- endif -%}",
].join("");

/** The text the template renders for `messages` (the reference the tests tokenize). */
export function chatTemplateText(messages: readonly {role: string; content: string}[], addGenerationPrompt: boolean): string {
    let text = messages[0]?.role === "system" ? "" : `<|im_start|>system\n${chatDefaultSystemMessage}<|im_end|>\n`;
    for (const message of messages) text += `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`;
    return addGenerationPrompt ? `${text}<|im_start|>assistant\n` : text;
}

/** Absolute path of organisms/lookup-chat.gguf. */
export function chatOrganismPath(): string {
    return fileURLToPath(new URL(`../../organisms/${chatOrganismName}.gguf`, import.meta.url));
}

/** lookup-chat from the parsed lookup organism. */
export function chatOrganism(base: ParsedOrganism): GgufModel {
    const extraWords = ["system", "user", "assistant", ...chatDefaultSystemMessage.split(" ")].filter((word) => !base.vocabulary.words.includes(word));
    const vocabulary = new WordVocabulary([...base.vocabulary.words, ...extraWords], chatSpecialTokens);
    const config: ModelConfig = {...base.config, vocabSize: vocabulary.size};
    const oldIds = new Map(base.vocabulary.pieces.map((piece, id) => [piece.text, id]));
    const oldLayout = new Map(tensorLayout(base.config).map((spec) => [spec.name, spec]));
    const layout = tensorLayout(config);
    const parameters = new Float32Array(layout.reduce((total, spec) => total + spec.size, 0));
    for (const spec of layout) {
        const old = oldLayout.get(spec.name)!;
        if (spec.name !== "token_embd.weight" && spec.name !== "output.weight") {
            parameters.set(base.parameters.subarray(old.offset, old.offset + old.size), spec.offset);
            continue;
        }
        const dim = config.dim;
        vocabulary.pieces.forEach((piece, id) => {
            const source = oldIds.get(piece.text) ?? unknownId;
            parameters.set(base.parameters.subarray(old.offset + source * dim, old.offset + (source + 1) * dim), spec.offset + id * dim);
        });
    }
    return {
        name: `glassbox organism ${chatOrganismName}`,
        description: `glassbox model organism "${chatOrganismName}": the lookup organism with a ChatML chat template (not trained on chat)`,
        config,
        vocabulary,
        parameters,
    };
}
