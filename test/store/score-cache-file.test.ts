/** The file-backed score cache: survives the process, exact-token hits only, torn lines skipped; explain --cache. */
import assert from "node:assert/strict";
import {appendFileSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {FileScoreCache} from "../../src/store/score-cache-file.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {runCli} from "../helpers/run-cli.js";
import {sharedModel} from "../helpers/models.js";
import {scratchFolder} from "../helpers/scratch.js";

const requests: ScoreRequest[] = Array.from({length: 12}, (_, index) => ({context: [1, 60 + index, 70], target: [80, 81 + (index % 3)]}));

describe("FileScoreCache", () => {
    test("a second evaluator over the same file makes no backend calls and returns identical numbers", async () => {
        const path = join(scratchFolder("cache"), "scores.jsonl");
        const first = new ScriptedBackend({capabilities: {lanes: 2}});
        const firstResults = await new Evaluator(first, {cache: new FileScoreCache(path)}).scoreMany(requests);
        assert.equal(first.scoreLog.length, requests.length);

        const second = new ScriptedBackend({capabilities: {lanes: 2}});
        const evaluator = new Evaluator(second, {cache: new FileScoreCache(path)});
        const secondResults = await evaluator.scoreMany(requests);
        assert.equal(second.scoreLog.length, 0);
        assert.equal(evaluator.stats.cacheHits, requests.length);
        assert.deepEqual(secondResults, firstResults);

        // Another backend id (another model) shares nothing.
        const other = new ScriptedBackend({seed: 2});
        await new Evaluator(other, {cache: new FileScoreCache(path)}).scoreMany(requests.slice(0, 3));
        assert.equal(other.scoreLog.length, 3);
    });

    test("a torn last line (a run killed mid-write) is skipped and the file stays appendable; -Infinity survives", async () => {
        const path = join(scratchFolder("cache"), "scores.jsonl");
        const cache = new FileScoreCache(path);
        const key = {backendId: "b", hash: "h1", context: [1, 2], target: [3]};
        cache.store([{key, result: {logprobs: [Number.NEGATIVE_INFINITY]}}]);
        appendFileSync(path, '{"b":"b","h":"h2","c":[1');
        const reopened = new FileScoreCache(path);
        assert.deepEqual(reopened.lookup([key, {...key, hash: "h2"}]), [{logprobs: [Number.NEGATIVE_INFINITY]}, undefined]);
        assert.equal(reopened.skippedLines, 1);
        reopened.store([{key: {...key, hash: "h3"}, result: {logprobs: [-0.5]}}]);
        assert.deepEqual(new FileScoreCache(path).lookup([{...key, hash: "h3"}]), [{logprobs: [-0.5]}]);
        // Same hash, other tokens: a miss, never a wrong answer.
        assert.deepEqual(new FileScoreCache(path).lookup([{...key, target: [4]}]), [undefined]);
    });

    test("a file that is not a score cache is refused", () => {
        const path = join(scratchFolder("cache"), "notes.txt");
        writeFileSync(path, "hello\n");
        assert.throws(() => new FileScoreCache(path).lookup([]), /is not a glassbox score cache/);
        assert.equal(readFileSync(path, "utf8"), "hello\n");
    });

    test("glassbox explain --cache: the re-run makes no model calls and gives the same attribution", async () => {
        const directory = scratchFolder("cache");
        const args = [
            "explain",
            "--model",
            sharedModel("stories260K.gguf"),
            "--prompt",
            "Lily had a red ball. She lost it. She was sad.",
            "--target",
            " She cried",
            "--unit",
            "sentence",
            "--json",
            "--cache",
            join(directory, "scores.jsonl"),
        ];
        const first = await runCli(args);
        assert.equal(first.code, 0, first.stderr);
        const second = await runCli(args);
        assert.equal(second.code, 0, second.stderr);
        const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)] as Array<{evaluator: {backendCalls: number; cacheHits: number}; values: number[]}>;
        assert.ok((a?.evaluator.backendCalls ?? 0) > 0);
        assert.equal(b?.evaluator.backendCalls, 0);
        assert.equal(b?.evaluator.cacheHits, a?.evaluator.backendCalls);
        assert.deepEqual(b?.values, a?.values);
    });
});
