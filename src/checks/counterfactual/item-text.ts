/**
 * The texts of an item a check may edit (the prompt, each document, each player message), and
 * the post-hoc explanation prompt after an answer. The prompt of an item is protocol/item-prompt.ts.
 */
import type {PromptInput} from "../../model/backend-spec.js";
import type {StructuredInput} from "../../units/types.js";
import {answerSeparator} from "../../protocol/index.js";

export type EditableSource = {kind: "prompt"} | {kind: "document"; index: number} | {kind: "message"; index: number};

export function editableTexts(input: StructuredInput): {source: EditableSource; text: string}[] {
    switch (input.kind) {
        case "prompt":
            return [{source: {kind: "prompt"}, text: input.prompt}];
        case "documents":
            return input.documents.map((document, index) => ({source: {kind: "document", index}, text: document.text}));
        case "chat":
            return input.messages.flatMap((message, index) =>
                input.playerRoles.includes(message.role) ? [{source: {kind: "message", index} as EditableSource, text: message.content}] : [],
            );
    }
}

export function withEditedText(input: StructuredInput, source: EditableSource, text: string): StructuredInput {
    if (input.kind === "prompt" && source.kind === "prompt") return {kind: "prompt", prompt: text};
    if (input.kind === "documents" && source.kind === "document") {
        return {...input, documents: input.documents.map((document, index) => (index === source.index ? {...document, text} : document))};
    }
    if (input.kind === "chat" && source.kind === "message") {
        return {...input, messages: input.messages.map((message, index) => (index === source.index ? {...message, content: text} : message))};
    }
    throw new Error(`source ${source.kind} does not belong to a ${input.kind} input`);
}

/** Appends a turn to a prompt: text prompts get `text` on a new line; chat prompts get the answer and a user turn. */
export function followUp(prompt: PromptInput, answer: string, request: string): PromptInput {
    if (prompt.kind === "text") return {kind: "text", text: `${prompt.text}${answerSeparator(prompt)}${answer}\n${request}`};
    return {kind: "chat", messages: [...prompt.messages, {role: "assistant", content: answer}, {role: "user", content: request}]};
}

/** The post-hoc explanation request (the CC-SHAP port of Atanasova et al.: "Why did you choose …? Explanation: Because"). */
export function explanationPrompt(prompt: PromptInput, answer: string): PromptInput {
    return followUp(prompt, answer, `Why did you choose "${answer}"? Explain in at most two sentences. Explanation: Because`);
}
