/** `glassbox analyze rollouts`: diagnostics of an RL run's rollouts, stored in the run store. */
import {readFileSync} from "node:fs";
import {runDataset, type DatasetRunResult, type ItemEvaluation} from "../../checks/run-dataset.js";
import {InputError} from "../../errors.js";
import {analyzePrompt, type PromptVerdict} from "../../rollouts/prompt-analysis.js";
import {checkpointOrder, parseRollouts, type Rollout} from "../../rollouts/rollout-records.js";
import {summarizeRollouts, type CheckpointComparison, type CheckpointSummary, type RolloutSummary} from "../../rollouts/rollout-summary.js";
import {canonicalJson, sha256Hex} from "../../foundation/canonical-json.js";
import {glassboxVersion} from "../../foundation/version.js";
import {defineCommand} from "../command.js";
import {exitCodeFor, formatRate, runFooter} from "./check-support.js";
import {openRunStore} from "./runs.js";

function readRolloutFile(path: string): string {
    try {
        return readFileSync(path, "utf8");
    } catch (error) {
        throw new InputError(`cannot read the rollout file ${path}`, {
            received: (error as {code?: string}).code ?? String(error),
            hint: "pass --dataset FILE.jsonl",
        });
    }
}

const percent = (value: number | null): string => (value === null ? "n/a" : `${(value * 100).toFixed(1)} %`);
const signed = (value: number | null, digits = 3): string => (value === null ? "n/a" : `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`);

function checkpointLines(summary: CheckpointSummary): string[] {
    const bins = Object.entries(summary.difficulty)
        .map(([bin, count]) => `${bin} ${count}`)
        .join(", ");
    const passAtK = summary.passAtK.map((point) => `@${point.k} ${point.passAtK.toFixed(3)}`).join("  ");
    const quartiles = summary.length.rewardByQuartile.map((bin) => `≤${bin.upTo}: ${bin.meanReward.toFixed(3)}`).join(", ");
    const profile = summary.tokens.profile.map((value) => (value === null ? "·" : value.toFixed(2))).join(" ");
    return [
        `checkpoint ${summary.checkpoint}: ${summary.prompts} prompts, ${summary.rollouts} rollouts, success ${percent(summary.successRate)}, mean reward ${summary.meanReward.toFixed(3)}`,
        `  difficulty: ${bins}`,
        `  pass@k: ${passAtK}`,
        `  length (${summary.length.unit}): mean ${summary.length.mean.toFixed(1)}, right ${formatRate(summary.length.meanCorrect, 1)}, wrong ${formatRate(summary.length.meanWrong, 1)}, r(reward, length) ${formatRate(summary.length.rewardPearson)}`,
        `  reward by length quartile: ${quartiles}`,
        `  truncated: ${percent(summary.truncationRate)} (their mean reward ${formatRate(summary.truncatedMeanReward)})`,
        `  hacking signals: formatted but wrong ${percent(summary.hacking.formattedButWrongShare)} of ${summary.hacking.formattedRollouts} formatted, no extractable answer ${percent(summary.hacking.noAnswerShare)}, rewarded without an answer ${summary.hacking.rewardedWithoutAnswer}`,
        summary.tokens.source === "none"
            ? "  tokens: no token_entropies or token_logprobs given"
            : `  tokens (${summary.tokens.source}, ${summary.tokens.tokens}): mean ${formatRate(summary.tokens.meanEntropy)} nats, forking ${percent(summary.tokens.forkingShare)}, low-probability ${percent(summary.tokens.lowProbabilityShare)}; profile by position: ${profile}`,
    ];
}

function comparisonLines(comparison: CheckpointComparison): string[] {
    const moves = Object.entries(comparison.binMoves)
        .map(([move, count]) => `${move} ${count}`)
        .join(", ");
    return [
        `${comparison.from} → ${comparison.to} (${comparison.prompts} shared prompts):`,
        `  support: preserved ${comparison.support.preservation}, expanded ${comparison.support.expansion}, shrunk ${comparison.support.shrinkage}, out of support ${comparison.support.outOfSupport}; SRR ${formatRate(comparison.support.srr)}, NDR ${formatRate(comparison.support.ndr)}, NSCR ${formatRate(comparison.support.nscr)}`,
        `  pass@1 ${signed(comparison.passAt1Change)}${comparison.passAtK === null ? "" : `, pass@${comparison.passAtK.k} ${comparison.passAtK.from.toFixed(3)} → ${comparison.passAtK.to.toFixed(3)}`}`,
        `  entropy ${signed(comparison.meanEntropyChange)} nats, forking share ${signed(comparison.forkingShareChange)}, low-probability share ${signed(comparison.lowProbabilityShareChange)}`,
        `  difficulty moves: ${moves === "" ? "none" : moves}`,
    ];
}

export const analyzeRolloutsCommand = defineCommand({
    name: "analyze rollouts",
    summary: "Diagnose an RL run's rollouts: difficulty bins, pass@k and support between checkpoints, length, reward hacking, entropy.",
    usage: "analyze rollouts --dataset ROLLOUTS.jsonl [--success-threshold R] [--forking-entropy H] [--low-probability P] [--db PATH] [--fresh] [--json]",
    options: {
        "dataset": {kind: "string", valueName: "FILE.jsonl", required: true, description: "Rollouts, one JSON object per line (fields in docs/rl.md)."},
        "success-threshold": {kind: "number", valueName: "R", default: 0.5, description: 'A rollout without "correct" succeeds when its reward reaches R.'},
        "forking-entropy": {kind: "number", valueName: "H", min: 0, default: 0.672, description: "Entropy (nats) above which a token counts as forking."},
        "low-probability": {
            kind: "number",
            valueName: "P",
            min: 0,
            max: 1,
            default: 0.1,
            description: "Sampled-token probability below which a token counts as low-probability.",
        },
        "db": {kind: "string", valueName: "PATH", description: "Run store file. Default: $XDG_DATA_HOME/glassbox/runs.db or ~/.local/share/glassbox/runs.db."},
        "fresh": {kind: "boolean", description: "Start a new run instead of resuming the stored one."},
        "json": {kind: "boolean", description: "Print the summary as JSON."},
    },
    details: [
        "Each line: {prompt_id?, prompt, completion, reward? | correct? | ground_truth?, checkpoint?, token_logprobs?,",
        "token_entropies?, truncated?, format_reward?}. Checkpoints are compared in order (numeric labels sorted).",
        "",
        "examples:",
        "  glassbox analyze rollouts --dataset rollouts.jsonl",
    ].join("\n"),
    async run({options, io}) {
        const settings = {
            successThreshold: options["success-threshold"],
            forkingEntropy: options["forking-entropy"],
            lowProbability: options["low-probability"],
        };
        const parsed = parseRollouts(readRolloutFile(options.dataset), settings.successThreshold);
        if (parsed.rollouts.length === 0) {
            throw new InputError(`${options.dataset} has no usable rollouts`, {
                received: `${parsed.malformed.length} unreadable lines${parsed.malformed[0] === undefined ? "" : `, first: line ${parsed.malformed[0].line}: ${parsed.malformed[0].reason}`}`,
            });
        }
        const byPrompt = new Map<string, Rollout[]>();
        for (const rollout of parsed.rollouts) byPrompt.set(rollout.promptId, [...(byPrompt.get(rollout.promptId) ?? []), rollout]);
        const items = [...byPrompt.entries()].map(([id, rollouts]) => ({
            id,
            rollouts,
            hash: sha256Hex(canonicalJson(rollouts.map(({line: _line, ...rest}) => rest))),
        }));
        const checkpoints = checkpointOrder(parsed.rollouts);
        const store = openRunStore(options);
        const controller = new AbortController();
        const onInterrupt = (): void => controller.abort();
        process.once("SIGINT", onInterrupt);
        let result: DatasetRunResult<RolloutSummary>;
        try {
            result = await runDataset({
                store,
                spec: {
                    command: "analyze rollouts",
                    model: {name: "rollouts", id: "rollouts"},
                    dataset: options.dataset,
                    options: settings,
                    seed: 0,
                    versions: {glassbox: glassboxVersion, node: process.versions.node},
                },
                items,
                malformed: parsed.malformed,
                ...(options.fresh ? {fresh: true} : {}),
                signal: controller.signal,
                evaluate: async (item): Promise<ItemEvaluation<PromptVerdict>> => ({status: "ok", verdict: analyzePrompt(item.id, item.rollouts, settings)}),
                onProgress: (progress) => io.progress(`analyze rollouts: ${progress.done}/${progress.total} prompts`),
                summarize: (records, malformed) =>
                    summarizeRollouts(
                        records.flatMap((record) => (record.status === "ok" ? [record.verdict] : [])),
                        checkpoints,
                        malformed.length,
                    ),
            });
            io.progressDone();
        } finally {
            process.removeListener("SIGINT", onInterrupt);
            store.close();
        }
        const summary = result.summary;
        const outcome = {result, interrupted: controller.signal.aborted, db: store.path};
        if (options.json) {
            io.stdout.write(`${JSON.stringify({run: result.run.id, summary}, null, 2)}\n`);
        } else {
            const lines = [...summary.checkpoints.flatMap(checkpointLines), ...summary.comparisons.flatMap(comparisonLines), ...runFooter(outcome)];
            io.stdout.write(`${lines.join("\n")}\n`);
        }
        return exitCodeFor(outcome);
    },
});
