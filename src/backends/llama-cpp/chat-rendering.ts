/**
 * Chat rendering for GGUF models. A file with `tokenizer.chat_template` is rendered by that Jinja
 * template itself; only a template node-llama-cpp's Jinja engine cannot run falls back to the
 * wrapper it resolves for the model. (Its "equivalent" built-in wrappers are not always
 * equivalent: for a ChatML template with a default system message, the ChatML wrapper leaves that
 * message out.) A file
 * without one (stories260K, llama-2-tiny-random) uses node-llama-cpp's GeneralChatWrapper
 * ("### Human" / "### Assistant" sections) rather than a template guessed from the model's name:
 * the model never saw any template, so the plainest one is the least surprising.
 */
import {GeneralChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel} from "node-llama-cpp";
import type {ChatMessage, TokenId} from "../../model/backend-spec.js";

export function chooseChatWrapper(model: LlamaModel, hasChatTemplate: boolean): ChatWrapper {
    if (!hasChatTemplate) return new GeneralChatWrapper();
    return resolveChatWrapper(model, {type: "jinjaTemplate", fallbackToOtherWrappersOnJinjaError: true});
}

/**
 * Messages as chat history. Consecutive messages with the same role stay separate items; a final
 * assistant turn (given or open) is a model item whose text is not closed by an end marker.
 */
export function toChatHistory(messages: readonly ChatMessage[], assistantResponse: string | undefined): ChatHistoryItem[] {
    const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
        if (message.role === "system") return {type: "system", text: message.content};
        if (message.role === "user") return {type: "user", text: message.content};
        return {type: "model", response: [message.content]};
    });
    const last = messages.at(-1);
    if (assistantResponse !== undefined) {
        if (last?.role === "assistant") {
            throw new RangeError("renderChat: the messages already end with an assistant turn; pass the reply as assistantResponse only after a user turn");
        }
        history.push({type: "model", response: assistantResponse === "" ? [] : [assistantResponse]});
    } else if (last?.role !== "assistant") {
        history.push({type: "model", response: []});
    }
    return history;
}

export function renderChatTokens(model: LlamaModel, wrapper: ChatWrapper, messages: readonly ChatMessage[], assistantResponse?: string): TokenId[] {
    const {contextText} = wrapper.generateContextState({chatHistory: toChatHistory(messages, assistantResponse)});
    return contextText.tokenize(model.tokenizer);
}
