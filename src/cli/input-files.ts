/**
 * User inputs for model commands: the prompt (--prompt TEXT or --messages FILE.json) and the
 * flags shared by `score` and `generate`. Files are validated with zod; every problem is one
 * InputError/ArgumentError line naming the file, the message index and the field.
 */
import {z} from "zod";
import {ArgumentError, InputError} from "../errors.js";
import type {ChatMessage, PromptInput} from "../model/backend-spec.js";
import type {OptionSpecs, ParsedOptions} from "./command.js";
import {readTextFile} from "./text-files.js";

export const chatRoles = ["system", "user", "assistant"] as const;

/** Strict like the --input file's messages: a misspelt field is refused, not silently dropped. */
const messageSchema = z.strictObject({
    role: z.enum(chatRoles),
    content: z.string(),
});
const messagesFileSchema = z.union([z.array(messageSchema).min(1), z.strictObject({messages: z.array(messageSchema).min(1)})]);

/** Flags every model command takes. */
export const modelOptionSpecs = {
    "model": {
        kind: "string",
        valueName: "PATH.gguf",
        required: true,
        description: "GGUF model file, or a server: vllm:URL#MODEL, sglang:URL, openai:URL#MODEL (docs/remote-backends.md).",
    },
    "prompt": {kind: "string", valueName: "TEXT", description: "Prompt text (BOS is prepended when the model wants one)."},
    "messages": {
        kind: "string",
        valueName: "FILE.json",
        description: 'Chat messages: a JSON array of {"role": "system"|"user"|"assistant", "content": TEXT}.',
    },
    "context-size": {
        kind: "integer",
        valueName: "N",
        min: 8,
        description: "Context window in tokens, at most the model's trained context. Default: the model's, at most 2048.",
    },
    "allow-long-context": {kind: "boolean", description: "Accept a --context-size beyond the model's trained context."},
    "threads": {kind: "integer", valueName: "N", min: 1, description: "CPU threads. Default: 1 for models under 64 MiB, else all cores."},
    "fast": {kind: "boolean", description: "Fast mode: flash attention and F16 KV cache (numbers differ slightly from exact mode)."},
    "json": {kind: "boolean", description: "Print the versioned JSON result instead of a table."},
} as const satisfies OptionSpecs;

/** The --model value (or the value of another model flag), refused when blank. */
export function requireModelPath(model: string | undefined, command: string, flag = "model"): string {
    if (model === undefined || model.trim() === "") {
        throw new ArgumentError(`glassbox ${command} needs --${flag} PATH.gguf`, {
            ...(model === undefined ? {} : {received: JSON.stringify(model)}),
            hint: `see glassbox ${command} --help`,
        });
    }
    return model;
}

/** Exactly one of --prompt and --messages, read and validated. */
export function readPromptInput(options: {prompt: string | undefined; messages: string | undefined}, command: string): PromptInput {
    const {prompt, messages} = options;
    if (prompt !== undefined && messages !== undefined) {
        throw new ArgumentError(`glassbox ${command} takes --prompt or --messages, not both`, {hint: `see glassbox ${command} --help`});
    }
    if (prompt !== undefined) return {kind: "text", text: prompt};
    if (messages !== undefined) return {kind: "chat", messages: readMessagesFile(messages)};
    throw new ArgumentError(`glassbox ${command} needs --prompt TEXT or --messages FILE.json`, {hint: `see glassbox ${command} --help`});
}

/** Read a chat messages file: a JSON array of messages, or an object with a "messages" array. */
export function readMessagesFile(path: string): ChatMessage[] {
    const text = readTextFile(path, "--messages file", 'a JSON array of {"role", "content"} objects');
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
        throw new InputError(`--messages file ${path} is not valid JSON (${reason})`, {
            expected: 'a JSON array of {"role", "content"} objects',
            cause: error,
        });
    }
    const parsed = messagesFileSchema.safeParse(data);
    if (parsed.success) return Array.isArray(parsed.data) ? parsed.data : parsed.data.messages;
    throw describeMessagesProblem(path, data);
}

/** One precise line for the first problem in a messages file. */
function describeMessagesProblem(path: string, data: unknown): InputError {
    const list = Array.isArray(data) ? data : (data as {messages?: unknown} | null)?.messages;
    const expected = 'a JSON array of {"role": "system"|"user"|"assistant", "content": TEXT} objects';
    if (!Array.isArray(list)) {
        return new InputError(`--messages file ${path} does not hold a list of messages`, {expected, received: describeJson(data)});
    }
    if (list.length === 0) return new InputError(`--messages file ${path} has no messages`, {expected: "at least one message"});
    for (const [index, item] of list.entries()) {
        const result = messageSchema.safeParse(item);
        if (result.success) continue;
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
            return new InputError(`--messages file ${path}: message ${index} is not an object`, {expected, received: describeJson(item)});
        }
        const record = item as Record<string, unknown>;
        if (!("role" in record))
            return new InputError(`--messages file ${path}: message ${index} has no "role"`, {expected: `a role: ${chatRoles.join(", ")}`});
        if (typeof record.role !== "string" || !(chatRoles as readonly string[]).includes(record.role)) {
            return new InputError(`--messages file ${path}: message ${index} has unknown role ${describeJson(record.role)}`, {
                expected: `one of ${chatRoles.join(", ")}`,
            });
        }
        if (typeof record.content !== "string") {
            return new InputError(`--messages file ${path}: message ${index} (role ${record.role}) has no text "content"`, {
                expected: "a string content",
                received: describeJson(record.content),
            });
        }
        const unknown = Object.keys(record).find((key) => key !== "role" && key !== "content");
        if (unknown !== undefined) {
            return new InputError(`--messages file ${path}: message ${index} has an unknown field ${JSON.stringify(unknown)}`, {
                expected: 'only "role" and "content"',
            });
        }
    }
    if (!Array.isArray(data) && data !== null && typeof data === "object") {
        const unknown = Object.keys(data).find((key) => key !== "messages");
        if (unknown !== undefined)
            return new InputError(`--messages file ${path} has an unknown field ${JSON.stringify(unknown)}`, {expected: 'only "messages"'});
    }
    return new InputError(`--messages file ${path} is not a valid messages list`, {expected});
}

function describeJson(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
