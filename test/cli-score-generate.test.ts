import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, test} from "node:test";
import {resultSchemaVersion} from "../src/foundation/version.js";
import {runCli, type CliResult} from "./helpers/run-cli.js";
import {sharedModel} from "./helpers/models.js";

const model = sharedModel("stories260K.gguf");
const directory = mkdtempSync(join(tmpdir(), "glassbox-cli-"));
after(() => rmSync(directory, {recursive: true, force: true}));

function file(name: string, content: string | Buffer): string {
    const path = join(directory, name);
    writeFileSync(path, content);
    return path;
}

/** A usage or input error: exit code, exactly one line on stderr, no stack trace, nothing on stdout. */
function assertOneLineError(result: CliResult, code: number, pattern: RegExp): void {
    assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
    assert.match(lines[0] ?? "", pattern);
    assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/, "no stack trace");
    assert.equal(result.stdout, "");
}

test("score --json: versioned result, one logprob per target token, total = sum", async () => {
    const result = await runCli(["score", "--model", model, "--prompt", "Once upon a time, there was a little", "--target", " girl named Lily.", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
        schemaVersion: number;
        kind: string;
        contextTokenCount: number;
        target: {text: string; scoredText: string; scoredTextStartsEarlierBy: number; note: string | null};
        tokens: {index: number; token: number; text: string; logprob: number}[];
        totalLogprob: number;
        meanLogprob: number;
        model: {precision: string; contextSize: number; vocabularySize: number};
    };
    assert.equal(json.schemaVersion, resultSchemaVersion);
    assert.equal(json.kind, "score");
    assert.equal(json.model.precision, "exact");
    assert.equal(json.model.vocabularySize, 512);
    assert.equal(json.contextTokenCount, 10);
    assert.deepEqual(json.target, {text: " girl named Lily.", scoredText: " girl named Lily.", scoredTextStartsEarlierBy: 0, note: null});
    assert.equal(json.tokens.map((token) => token.text).join(""), " girl named Lily.");
    for (const token of json.tokens) assert.ok(token.logprob <= 0);
    const sum = json.tokens.reduce((total, token) => total + token.logprob, 0);
    assert.equal(json.totalLogprob, sum);
    assert.equal(json.meanLogprob, sum / json.tokens.length);
});

test("score reports a merged boundary instead of scoring a different text silently", async () => {
    const result = await runCli(["score", "--model", model, "--prompt", "Once upon a ", "--target", "time", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {target: {scoredText: string; scoredTextStartsEarlierBy: number; note: string}};
    assert.equal(json.target.scoredText, " time");
    assert.equal(json.target.scoredTextStartsEarlierBy, 1);
    assert.match(json.target.note, /last 1 character of the prompt/);
    const text = await runCli(["score", "--model", model, "--prompt", "Once upon a ", "--target", "time"]);
    assert.match(text.stdout, /^scored  " time"$/m);
    assert.match(text.stdout, /^total logprob -\d+\.\d{4} over 1 token/m);
});

test("score with --messages renders the chat and scores the assistant reply", async () => {
    const messages = file(
        "chat.json",
        JSON.stringify([
            {role: "system", content: "Tell stories."},
            {role: "user", content: "Who is Lily?"},
        ]),
    );
    const result = await runCli(["score", "--model", model, "--messages", messages, "--target", "Lily is a girl.", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {prompt: {kind: string}; target: {scoredText: string}; tokens: {text: string}[]};
    assert.equal(json.prompt.kind, "chat");
    assert.equal(json.target.scoredText, "Lily is a girl.");
    assert.equal(json.tokens.map((token) => token.text).join(""), "Lily is a girl.");
});

test("generate --json: greedy continuation with top alternatives; same seed, same sample", async () => {
    const args = ["generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "6", "--top-logprobs", "3", "--json"];
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
        schemaVersion: number;
        kind: string;
        text: string;
        finishReason: string;
        tokens: {token: number; text: string; logprob: number; top: {token: number; logprob: number}[]}[];
        settings: {maxTokens: number; temperature: number};
    };
    assert.equal(json.schemaVersion, resultSchemaVersion);
    assert.equal(json.kind, "generate");
    assert.equal(json.finishReason, "length");
    assert.equal(json.tokens.length, 6);
    assert.equal(json.tokens.map((token) => token.text).join(""), json.text);
    for (const token of json.tokens) {
        assert.equal(token.top.length, 3);
        assert.equal(token.top[0]?.token, token.token);
        assert.equal(token.top[0]?.logprob, token.logprob);
    }
    const sampled = [...args.slice(0, -1), "--temperature", "1.2", "--seed", "42", "--json"];
    const first = await runCli(sampled);
    const second = await runCli(sampled);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as {text: string}).text, (JSON.parse(second.stdout) as {text: string}).text);
});

test("generate text output shows the continuation and a token table", async () => {
    const result = await runCli(["generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "3"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^#\s+token\s+id\s+logprob\s+prob$/m);
    assert.match(result.stdout, /3 tokens, stopped by --max-tokens/);
});

test("a missing model file: one line, exit 1", async () => {
    const result = await runCli(["score", "--model", join(directory, "absent.gguf"), "--prompt", "a", "--target", "b"]);
    assertOneLineError(result, 1, /^glassbox: model file .*absent\.gguf does not exist/);
});

test("a file that is not GGUF: one line naming its first bytes", async () => {
    const path = file("text.gguf", "hello world\n");
    const result = await runCli(["generate", "--model", path, "--prompt", "a"]);
    assertOneLineError(result, 1, /text\.gguf is not a GGUF file: first bytes were 68 65 6c 6c/);
});

test("a truncated GGUF: one line, no crash", async () => {
    const path = file("truncated.gguf", readFileSync(model).subarray(0, 600_000));
    const result = await runCli(["score", "--model", path, "--prompt", "a", "--target", "b"]);
    assert.equal(result.signal, null);
    assertOneLineError(result, 1, /truncated\.gguf is truncated or malformed/);
});

test("an empty or whitespace-only target: one line, exit 2", async () => {
    assertOneLineError(await runCli(["score", "--model", model, "--prompt", "a", "--target", ""]), 2, /the target is empty/);
    assertOneLineError(await runCli(["score", "--model", model, "--prompt", "a", "--target", "  \n "]), 2, /the target is only whitespace/);
});

test("prompt + target longer than the context names both sizes", async () => {
    const prompt = "Once upon a time ".repeat(40);
    const result = await runCli(["score", "--model", model, "--prompt", prompt, "--target", " there", "--context-size", "64"]);
    assertOneLineError(result, 1, /162 context tokens \+ 1 target tokens = 163 tokens do not fit the context of 64 tokens/);
    const generate = await runCli(["generate", "--model", model, "--prompt", "Once upon a time", "--context-size", "16", "--max-tokens", "64"]);
    assertOneLineError(generate, 1, /5 context tokens \+ 64 tokens to generate = 69 tokens do not fit the context of 16 tokens/);
});

test("--messages that is not JSON, or has an unknown role: one line naming the problem", async () => {
    const broken = file("broken.json", "{not json");
    assertOneLineError(await runCli(["score", "--model", model, "--messages", broken, "--target", "b"]), 2, /broken\.json is not valid JSON/);
    const roles = file(
        "roles.json",
        JSON.stringify([
            {role: "user", content: "hi"},
            {role: "bot", content: "x"},
        ]),
    );
    assertOneLineError(
        await runCli(["score", "--model", model, "--messages", roles, "--target", "b"]),
        2,
        /message 1 has unknown role "bot"; expected one of system, user, assistant/,
    );
    const noContent = file("no-content.json", JSON.stringify({messages: [{role: "user"}]}));
    assertOneLineError(await runCli(["generate", "--model", model, "--messages", noContent]), 2, /message 0 \(role user\) has no text "content"/);
    const assistantLast = file(
        "assistant-last.json",
        JSON.stringify([
            {role: "user", content: "hi"},
            {role: "assistant", content: "yo"},
        ]),
    );
    assertOneLineError(await runCli(["score", "--model", model, "--messages", assistantLast, "--target", "b"]), 2, /message 1 is an assistant message/);
});

test("an unknown flag and a non-numeric --max-tokens: one line, exit 2", async () => {
    assertOneLineError(await runCli(["score", "--model", model, "--prompt", "a", "--target", "b", "--bogus"]), 2, /glassbox score has no flag --bogus/);
    assertOneLineError(
        await runCli(["generate", "--model", model, "--prompt", "a", "--max-tokens", "ten"]),
        2,
        /--max-tokens needs an integer; expected an integer ≥ 1; received "ten"/,
    );
    assertOneLineError(
        await runCli(["generate", "--model", model, "--prompt", "a", "--top-logprobs", "600"]),
        2,
        /--top-logprobs asks for more alternatives than this model reports; expected an integer from 0 to 512/,
    );
});

test("both or neither of --prompt and --messages, and a missing --model: one line, exit 2", async () => {
    const messages = file("ok.json", JSON.stringify([{role: "user", content: "hi"}]));
    assertOneLineError(
        await runCli(["score", "--model", model, "--prompt", "a", "--messages", messages, "--target", "b"]),
        2,
        /takes --prompt or --messages, not both/,
    );
    assertOneLineError(await runCli(["generate", "--model", model]), 2, /needs --prompt TEXT or --messages FILE\.json/);
    assertOneLineError(await runCli(["generate", "--prompt", "a"]), 2, /needs --model PATH\.gguf/);
});

test("--debug adds the stack trace", async () => {
    const result = await runCli(["score", "--model", join(directory, "absent.gguf"), "--prompt", "a", "--target", "b", "--debug"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\bat .+:\d+:\d+/);
});
