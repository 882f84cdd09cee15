/**
 * Surrogate rewards that need no ground truth: format (required tags and an answer section) and
 * length (closeness to a target, a soft penalty for overlong outputs), and the two process-reward
 * refinements of Gao et al. 2024 ("On Designing Effective RL Reward at Training Time for LLM
 * Reasoning"): Clip, r̃ₖ = min(rₖ − η, 0), and Delta, r̃ₖ = rₖ − rₖ₊₁ (the last step keeps rₖ).
 * Both bound the return of any trajectory, so repeating good-looking steps earns nothing.
 */
import {ArgumentError} from "../errors.js";
import {lastBoxed} from "./math/extract.js";
import {unscored, type RewardFunction, type RewardItem} from "./types.js";

export interface FormatOptions {
    /** Tags that must each appear once, opened and closed, in this order (default ["think"]). */
    tags?: readonly string[];
    /** What the text after the last tag must contain: a `\boxed{}`, an `<answer>` tag, any non-empty text, or nothing. */
    answer?: "boxed" | "answer-tag" | "text" | "none";
}

export function formatReward(options: FormatOptions = {}): RewardFunction {
    const tags = options.tags ?? ["think"];
    const answer = options.answer ?? "boxed";
    return {
        name: "format",
        score(item) {
            const text = item.completion;
            const problems: string[] = [];
            let cursor = 0;
            for (const tag of tags) {
                const open = `<${tag}>`;
                const close = `</${tag}>`;
                const opens = text.split(open).length - 1;
                const closes = text.split(close).length - 1;
                const start = text.indexOf(open, cursor);
                const end = start < 0 ? -1 : text.indexOf(close, start + open.length);
                if (opens !== 1 || closes !== 1 || start < 0 || end < 0) {
                    problems.push(`${open}…${close} must appear exactly once, in order`);
                    continue;
                }
                cursor = end + close.length;
            }
            const rest = text.slice(cursor);
            if (answer === "boxed" && lastBoxed(rest) === undefined) problems.push("no \\boxed{} answer after the tags");
            if (answer === "answer-tag" && !/<answer>[\s\S]*\S[\s\S]*<\/answer>/.test(rest)) problems.push("no <answer>…</answer> after the tags");
            if (answer === "text" && rest.trim() === "") problems.push("no text after the tags");
            return problems.length === 0 ? {score: 1, extra: {}} : {score: 0, extra: {reason: problems.join("; ")}};
        },
    };
}

export type LengthUnit = "characters" | "words";

export function completionLength(text: string, unit: LengthUnit): number {
    return unit === "characters" ? text.length : text.split(/\s+/).filter((word) => word !== "").length;
}

export interface TargetLengthOptions {
    target: number;
    /** Lengths within this distance of the target score 1 (default 0). */
    tolerance?: number;
    unit?: LengthUnit;
}

/** 1 within the tolerance band, falling linearly to 0 at a distance of `target` beyond it. */
export function targetLengthReward(options: TargetLengthOptions): RewardFunction {
    if (!(options.target > 0)) throw new ArgumentError("the length reward needs a positive target", {received: String(options.target)});
    const tolerance = options.tolerance ?? 0;
    const unit = options.unit ?? "words";
    return {
        name: "length",
        score(item) {
            const length = completionLength(item.completion, unit);
            const excess = Math.max(0, Math.abs(length - options.target) - tolerance);
            return {score: Math.max(0, 1 - excess / options.target), extra: {length, unit}};
        },
    };
}

export interface OverlongOptions {
    maxLength: number;
    /** Width of the band before maxLength where the penalty grows from 0 to −1. */
    buffer: number;
    unit?: LengthUnit;
}

/** 0 up to maxLength − buffer, then linearly down to −1 at maxLength, −1 beyond. */
export function overlongPenalty(options: OverlongOptions): RewardFunction {
    if (!(options.buffer > 0) || !(options.maxLength > options.buffer)) {
        throw new ArgumentError("the overlong penalty needs 0 < buffer < maxLength", {received: `buffer ${options.buffer}, maxLength ${options.maxLength}`});
    }
    const unit = options.unit ?? "words";
    return {
        name: "overlong",
        score(item) {
            const length = completionLength(item.completion, unit);
            const start = options.maxLength - options.buffer;
            const score = length <= start ? 0 : length >= options.maxLength ? -1 : (start - length) / options.buffer;
            return {score, extra: {length, unit}};
        },
    };
}

/** Step rewards passed by the trainer in extra_info.step_rewards (a process reward model's outputs). */
export function stepRewardsOf(item: RewardItem): number[] | undefined {
    const value = item.extraInfo?.step_rewards ?? item.extraInfo?.stepRewards;
    return Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === "number" && Number.isFinite(entry))
        ? (value as number[])
        : undefined;
}

export function clippedStepRewards(stepRewards: readonly number[], eta: number): number[] {
    return stepRewards.map((reward) => Math.min(reward - eta, 0));
}

export function deltaStepRewards(stepRewards: readonly number[]): number[] {
    return stepRewards.map((reward, index) => (index + 1 < stepRewards.length ? reward - (stepRewards[index + 1] ?? 0) : reward));
}

/** Σ of the clipped (or delta) step rewards; the per-step values go to extra.steps for token-level credit. */
export function processReward(variant: "clip" | "delta", options: {eta?: number} = {}): RewardFunction {
    const eta = options.eta ?? 0;
    return {
        name: variant === "clip" ? "process-clip" : "process-delta",
        score(item) {
            const steps = stepRewardsOf(item);
            if (steps === undefined) return unscored("extra_info.step_rewards must be a non-empty list of numbers");
            const shaped = variant === "clip" ? clippedStepRewards(steps, eta) : deltaStepRewards(steps);
            return {score: shaped.reduce((sum, value) => sum + value, 0), extra: {steps: shaped}};
        },
    };
}
