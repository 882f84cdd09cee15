import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {analyzePrompt} from "../../src/rollouts/prompt-analysis.js";
import {checkpointOrder, parseRollouts} from "../../src/rollouts/rollout-records.js";
import {difficultyOf, summarizeRollouts} from "../../src/rollouts/rollout-summary.js";
import {runCli} from "../helpers/run-cli.js";

/** Three prompts at two checkpoints: p1 gets solved, p2 is lost (shrinkage), p3 is found (expansion). */
function rolloutLines(): string[] {
    const lines: string[] = [];
    const add = (id: string, gold: string, checkpoint: number, answers: string[]): void => {
        for (const answer of answers) {
            lines.push(
                JSON.stringify({
                    prompt_id: id,
                    prompt: `question ${id}`,
                    completion: `some steps \\boxed{${answer}}`,
                    ground_truth: gold,
                    checkpoint,
                    token_entropies: checkpoint === 0 ? [1.0, 0.5] : [0.2, 0.2],
                    token_logprobs: checkpoint === 0 ? [Math.log(0.05), Math.log(0.9)] : [Math.log(0.9), Math.log(0.9)],
                    ...(checkpoint === 0 ? {format_reward: 1} : {}),
                }),
            );
        }
    };
    add("p1", "4", 0, ["4", "5", "5", "5"]);
    add("p2", "7", 0, ["7", "7", "1", "2"]);
    add("p3", "1", 0, ["2", "2", "3", "3"]);
    add("p1", "4", 1, ["4", "4", "4", "4"]);
    add("p2", "7", 1, ["1", "1", "1", "1"]);
    add("p3", "1", 1, ["1", "1", "0", "0"]);
    return lines;
}

test("rollout summary: difficulty bins, pass@k, support, hacking signals and entropy change", () => {
    const parsed = parseRollouts([...rolloutLines(), "{not json", JSON.stringify({prompt: "x", completion: "y"})].join("\n"), 0.5);
    assert.deepEqual(
        parsed.malformed.map((entry) => entry.line),
        [25, 26],
    );
    const checkpoints = checkpointOrder(parsed.rollouts);
    assert.deepEqual(checkpoints, ["0", "1"]);
    const thresholds = {forkingEntropy: 0.672, lowProbability: 0.1};
    const verdicts = ["p1", "p2", "p3"].map((id) =>
        analyzePrompt(
            id,
            parsed.rollouts.filter((rollout) => rollout.promptId === id),
            thresholds,
        ),
    );
    const summary = summarizeRollouts(verdicts, checkpoints, parsed.malformed.length);
    const [first, second] = summary.checkpoints;
    assert.ok(first !== undefined && second !== undefined);
    assert.deepEqual(first.difficulty, {unsolved: 1, hard: 1, medium: 1, easy: 0, solved: 0});
    assert.deepEqual(second.difficulty, {unsolved: 1, hard: 0, medium: 1, easy: 0, solved: 1});
    assert.equal(first.passAtK[0]?.passAtK, 0.25);
    assert.equal(second.passAtK[0]?.passAtK, 0.5);
    assert.deepEqual(
        first.passAtK.map((point) => point.k),
        [1, 2, 4],
    );
    assert.equal(first.hacking.formattedRollouts, 12);
    assert.equal(first.hacking.formattedButWrongShare, 0.75);
    assert.equal(first.tokens.meanEntropy, 0.75);
    assert.equal(first.tokens.forkingShare, 0.5);
    assert.equal(first.tokens.lowProbabilityShare, 0.5);
    assert.deepEqual(
        first.tokens.profile.filter((value) => value !== null),
        [1, 0.5],
    );
    const [comparison] = summary.comparisons;
    assert.ok(comparison !== undefined);
    assert.equal(comparison.support.preservation, 1);
    assert.equal(comparison.support.shrinkage, 1);
    assert.equal(comparison.support.expansion, 1);
    assert.equal(comparison.support.srr, 0.5);
    assert.equal(comparison.passAt1Change, 0.25);
    assert.ok(Math.abs((comparison.meanEntropyChange ?? 0) + 0.55) < 1e-12);
    assert.equal(comparison.forkingShareChange, -0.5);
    assert.deepEqual(comparison.binMoves, {"hard→solved": 1, "medium→unsolved": 1, "unsolved→medium": 1});
    assert.equal(summary.malformedLines, 2);
});

test("difficulty bins: boundaries", () => {
    assert.deepEqual([0, 0.1, 0.3, 0.31, 0.69, 0.7, 0.99, 1].map(difficultyOf), ["unsolved", "hard", "hard", "medium", "medium", "easy", "easy", "solved"]);
});

test("glassbox analyze rollouts: report, stored run, resumed on a second run, bad lines named", async () => {
    const directory = mkdtempSync(join(tmpdir(), "glassbox-rollouts-"));
    const dataset = join(directory, "rollouts.jsonl");
    writeFileSync(dataset, [...rolloutLines(), "{broken"].join("\n"));
    const db = join(directory, "runs.db");
    const first = await runCli(["analyze", "rollouts", "--dataset", dataset, "--db", db]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /checkpoint 0: 3 prompts, 12 rollouts, success 25\.0 %/);
    assert.match(first.stdout, /0 → 1 \(3 shared prompts\):/);
    assert.match(first.stdout, /preserved 1, expanded 1, shrunk 1/);
    assert.match(first.stdout, /skipped line 25: not valid JSON/);
    const second = await runCli(["analyze", "rollouts", "--dataset", dataset, "--db", db, "--json"]);
    assert.equal(second.code, 0, second.stderr);
    const json = JSON.parse(second.stdout) as {run: number; summary: {checkpoints: {successRate: number}[]}};
    assert.deepEqual(
        json.summary.checkpoints.map((checkpoint) => checkpoint.successRate),
        [0.25, 0.5],
    );
    const third = await runCli(["analyze", "rollouts", "--dataset", dataset, "--db", db]);
    assert.match(third.stdout, /3 items resumed from an earlier attempt/);
    const missing = await runCli(["analyze", "rollouts", "--dataset", join(directory, "none.jsonl"), "--db", db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the rollout file/);
});
