/** `glassbox score`: log-probability of a fixed target text after a prompt, token by token. */
import {InputError} from "../../errors.js";
import {Evaluator} from "../../evaluator/evaluator.js";
import {alignTarget} from "../../protocol/index.js";
import {glassboxVersion, resultSchemaVersion} from "../../foundation/version.js";
import {defineCommand} from "../command.js";
import {modelOptionSpecs, readPromptInput} from "../input-files.js";
import {formatLogprob, formatProbability, formatTable, jsonLogprob, modelJson, openModelFromOptions, promptJson, quoteToken} from "./model-support.js";

export const scoreCommand = defineCommand({
    name: "score",
    summary: "Log-probability of a target text after a prompt, per token (teacher forcing).",
    usage: "score --model PATH.gguf (--prompt TEXT | --messages FILE.json) --target TEXT [--json]",
    options: {
        ...modelOptionSpecs,
        target: {kind: "string", valueName: "TEXT", required: true, description: "The text whose probability is measured."},
    },
    details: [
        "The prompt and target are tokenized together, as the model reads them. When the tokenizer merges",
        "the end of the prompt with the start of the target (e.g. a prompt ending in a space), the merged",
        "token is scored too and the output says which text was scored (see docs/schema-score-generate.md).",
        "",
        "examples:",
        '  glassbox score --model stories260K.gguf --prompt "Once upon a time" --target " there was a girl"',
        '  glassbox score --model m.gguf --messages chat.json --target "Paris." --json',
    ].join("\n"),
    async run({options, io}) {
        const prompt = readPromptInput(options, "score");
        const target = options.target;
        if (target.trim() === "") {
            throw new InputError(target === "" ? "the target is empty" : "the target is only whitespace", {
                expected: "a target text with at least one visible character",
                received: JSON.stringify(target),
                hint: "pass the text to score with --target",
            });
        }
        const {path, backend} = await openModelFromOptions(options, "score", io);
        try {
            const aligned = await alignTarget(backend, prompt, target);
            const evaluator = new Evaluator(backend, {cache: false});
            const [result] = await evaluator.scoreMany([aligned.request]);
            const logprobs = result?.logprobs ?? [];
            const total = logprobs.reduce((sum, value) => sum + value, 0);
            const tokens = aligned.targetTokens.map((piece, index) => ({
                index,
                token: piece.token,
                text: piece.text,
                logprob: logprobs[index] ?? Number.NaN,
            }));
            if (options.json) {
                const json = {
                    schemaVersion: resultSchemaVersion,
                    kind: "score",
                    glassboxVersion,
                    model: modelJson(path, backend),
                    prompt: promptJson(prompt),
                    contextTokenCount: aligned.contextTokenCount,
                    target: {
                        text: aligned.targetText,
                        scoredText: aligned.scoredText,
                        scoredTextStartsEarlierBy: aligned.scoredTextStartsEarlierBy,
                        note: aligned.note ?? null,
                    },
                    tokens: tokens.map((token) => ({...token, logprob: jsonLogprob(token.logprob)})),
                    totalLogprob: jsonLogprob(total),
                    meanLogprob: jsonLogprob(total / Math.max(1, tokens.length)),
                };
                io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
                return 0;
            }
            const lines = [
                `model   ${backend.name} (${backend.capabilities.precision}, context ${backend.capabilities.contextSize} tokens)`,
                `context ${aligned.contextTokenCount} tokens`,
                `target  ${quoteToken(aligned.targetText)}`,
            ];
            if (aligned.note !== undefined) lines.push(`scored  ${quoteToken(aligned.scoredText)}`, `note    ${aligned.note}`);
            lines.push(
                "",
                formatTable(
                    ["#", "token", "id", "logprob", "prob"],
                    tokens.map((token) => [
                        String(token.index + 1),
                        quoteToken(token.text),
                        String(token.token),
                        formatLogprob(token.logprob),
                        formatProbability(token.logprob),
                    ]),
                    new Set([0, 2, 3, 4]),
                ),
                "",
            );
            lines.push(
                `total logprob ${formatLogprob(total)} over ${tokens.length} token${tokens.length === 1 ? "" : "s"} (probability ${formatProbability(total)})`,
            );
            io.stdout.write(`${lines.join("\n")}\n`);
            return 0;
        } finally {
            await backend.dispose();
        }
    },
});
