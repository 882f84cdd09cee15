/** `glassbox generate`: a continuation with the raw log-probability of every generated token. */
import {ArgumentError} from "../../errors.js";
import {promptTokens} from "../../protocol/index.js";
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import {defineCommand} from "../command.js";
import {modelOptionSpecs, readPromptInput} from "../input-files.js";
import {formatLogprob, formatProbability, formatTable, jsonLogprob, modelJson, openModelFromOptions, promptJson, quoteToken} from "./model-support.js";

export const generateCommand = defineCommand({
    name: "generate",
    summary: "Generate a continuation, with each token's log-probability and top alternatives.",
    usage: "generate --model PATH.gguf (--prompt TEXT | --messages FILE.json) [--max-tokens N] [--temperature T] [--seed S] [--top-logprobs K] [--json]",
    options: {
        ...modelOptionSpecs,
        "max-tokens": {kind: "integer", valueName: "N", min: 1, default: 64, description: "Most tokens to generate."},
        "temperature": {kind: "number", valueName: "T", min: 0, default: 0, description: "Sampling temperature; 0 is greedy."},
        "seed": {kind: "integer", valueName: "S", min: 0, default: 0, description: "Seed for sampling (same seed, same text)."},
        "top-logprobs": {kind: "integer", valueName: "K", min: 0, default: 0, description: "Alternatives to report per token."},
        "ignore-eog": {kind: "boolean", description: "Keep generating past end-of-generation tokens."},
    },
    details: [
        "Reported log-probabilities are always the model's raw ones (temperature 1, no truncation),",
        "whatever --temperature is; temperature only changes which token is drawn.",
        "",
        "examples:",
        '  glassbox generate --model stories260K.gguf --prompt "Once upon a time" --max-tokens 20',
        "  glassbox generate --model m.gguf --messages chat.json --temperature 0.8 --seed 7 --top-logprobs 5 --json",
    ].join("\n"),
    async run({options, io}) {
        const prompt = readPromptInput(options, "generate");
        const maxTokens = options["max-tokens"];
        const temperature = options.temperature;
        const seed = options.seed;
        const topLogprobs = options["top-logprobs"];
        const stopAtEog = !options["ignore-eog"];
        const {path, backend} = await openModelFromOptions(options, "generate", io);
        try {
            if (topLogprobs > backend.capabilities.maxTopLogprobs) {
                throw new ArgumentError("--top-logprobs asks for more alternatives than this model reports", {
                    expected: `an integer from 0 to ${backend.capabilities.maxTopLogprobs}`,
                    received: String(topLogprobs),
                });
            }
            const context = await promptTokens(backend, prompt);
            io.progress(`generating up to ${maxTokens} tokens`);
            const generation = await backend.generate({context, maxTokens, temperature, seed, topLogprobs, stopAtEog}, 0);
            io.progressDone();
            const total = generation.tokens.reduce((sum, token) => sum + token.logprob, 0);
            if (options.json) {
                const json = {
                    schemaVersion: resultSchemaVersion,
                    kind: "generate",
                    glassboxVersion,
                    model: modelJson(path, backend),
                    prompt: promptJson(prompt),
                    contextTokenCount: context.length,
                    settings: {maxTokens, temperature, seed, topLogprobs, stopAtEog},
                    text: generation.text,
                    finishReason: generation.finishReason,
                    tokens: generation.tokens.map((token, index) => ({
                        index,
                        token: token.token,
                        text: token.text,
                        logprob: jsonLogprob(token.logprob),
                        top: token.top.map((alternative) => ({...alternative, logprob: jsonLogprob(alternative.logprob)})),
                    })),
                    totalLogprob: jsonLogprob(total),
                };
                io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
                return 0;
            }
            const header = ["#", "token", "id", "logprob", "prob"];
            if (topLogprobs > 0) header.push("top alternatives");
            const rows = generation.tokens.map((token, index) => {
                const row = [String(index + 1), quoteToken(token.text), String(token.token), formatLogprob(token.logprob), formatProbability(token.logprob)];
                if (topLogprobs > 0) row.push(token.top.map((item) => `${quoteToken(item.text)} ${formatLogprob(item.logprob)}`).join(", "));
                return row;
            });
            const lines = [
                `model   ${backend.name} (${backend.capabilities.precision}, context ${backend.capabilities.contextSize} tokens)`,
                `context ${context.length} tokens; ${temperature === 0 ? "greedy" : `temperature ${temperature}, seed ${seed}`}`,
                "",
                generation.text,
                "",
                formatTable(header, rows, new Set([0, 2, 3, 4])),
                "",
                `${generation.tokens.length} token${generation.tokens.length === 1 ? "" : "s"}, stopped by ${generation.finishReason === "eog" ? "end of generation" : "--max-tokens"}; total logprob ${formatLogprob(total)}`,
            ];
            io.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        } finally {
            await backend.dispose();
        }
    },
});
