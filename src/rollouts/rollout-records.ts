/**
 * Rollout files for `glassbox analyze rollouts`: JSON lines, one rollout each, as RL trainers dump
 * them. A rollout belongs to a prompt (`prompt_id`, else the prompt text) and optionally to a
 * checkpoint; it is correct when `correct` says so, else when its `reward` reaches the success
 * threshold, else when its completion's answer matches `ground_truth` (the math reward). A line
 * that cannot be read is reported with its number and reason; the others are still used.
 */
import {z} from "zod";
import {createHash} from "node:crypto";
import {scoreMathAnswer} from "../rewards/math-reward.js";
import {extractMathAnswer} from "../rewards/math/extract.js";
import {normalizeAnswer} from "../rewards/math/normalize.js";

const finiteNumber = z.number().finite();

export const rolloutSchema = z
    .object({
        prompt_id: z.union([z.string().min(1), z.number()]).optional(),
        prompt: z.string(),
        completion: z.string(),
        reward: finiteNumber.optional(),
        correct: z.boolean().optional(),
        ground_truth: z.union([z.string(), z.number()]).optional(),
        checkpoint: z.union([z.string().min(1), z.number()]).optional(),
        token_logprobs: z.array(z.number().max(0)).optional(),
        token_entropies: z.array(z.number().min(0)).optional(),
        truncated: z.boolean().optional(),
        format_reward: finiteNumber.optional(),
    })
    .passthrough();

export interface Rollout {
    line: number;
    promptId: string;
    prompt: string;
    completion: string;
    checkpoint: string;
    reward: number;
    correct: boolean;
    /** Normalised extracted answer; undefined when none could be extracted. */
    answer: string | undefined;
    length: number;
    lengthUnit: "tokens" | "words";
    truncated: boolean;
    formatReward: number | undefined;
    tokenLogprobs: number[] | undefined;
    tokenEntropies: number[] | undefined;
}

export interface RolloutParseResult {
    rollouts: Rollout[];
    malformed: {line: number; reason: string}[];
}

export const defaultCheckpoint = "default";

export function parseRollouts(text: string, successThreshold: number): RolloutParseResult {
    const rollouts: Rollout[] = [];
    const malformed: {line: number; reason: string}[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = index + 1;
        if (raw.trim() === "") return;
        let json: unknown;
        try {
            json = JSON.parse(raw);
        } catch (error) {
            malformed.push({line, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})`});
            return;
        }
        const parsed = rolloutSchema.safeParse(json);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            malformed.push({line, reason: `${issue?.path.map(String).join(".") || "(line)"}: ${issue?.message ?? "invalid"}`});
            return;
        }
        const value = parsed.data;
        const groundTruth = value.ground_truth === undefined ? undefined : String(value.ground_truth);
        let correct = value.correct;
        if (correct === undefined && value.reward !== undefined) correct = value.reward >= successThreshold;
        if (correct === undefined && groundTruth !== undefined) correct = scoreMathAnswer(value.completion, groundTruth).score === 1;
        if (correct === undefined) {
            malformed.push({line, reason: 'needs "correct", "reward" or "ground_truth" to tell whether the rollout succeeded'});
            return;
        }
        const extracted = extractMathAnswer(value.completion);
        const tokens = value.token_logprobs?.length ?? value.token_entropies?.length;
        rollouts.push({
            line,
            promptId:
                value.prompt_id === undefined ? `prompt:${createHash("sha256").update(value.prompt).digest("hex").slice(0, 12)}` : String(value.prompt_id),
            prompt: value.prompt,
            completion: value.completion,
            checkpoint: value.checkpoint === undefined ? defaultCheckpoint : String(value.checkpoint),
            reward: value.reward ?? (correct ? 1 : 0),
            correct,
            answer: extracted === undefined ? undefined : normalizeAnswer(extracted.answer),
            length: tokens ?? value.completion.split(/\s+/).filter((word) => word !== "").length,
            lengthUnit: tokens === undefined ? "words" : "tokens",
            truncated: value.truncated ?? false,
            formatReward: value.format_reward,
            tokenLogprobs: value.token_logprobs,
            tokenEntropies: value.token_entropies,
        });
    });
    return {rollouts, malformed};
}

/** Checkpoints in the order they first appear (numeric labels sorted numerically when all are numbers). */
export function checkpointOrder(rollouts: readonly Rollout[]): string[] {
    const labels = [...new Set(rollouts.map((rollout) => rollout.checkpoint))];
    return labels.every((label) => /^-?\d+(?:\.\d+)?$/.test(label)) ? labels.sort((a, b) => Number(a) - Number(b)) : labels;
}
