/**
 * The reward service's configuration: which reward functions, with which weights and options,
 * optionally a different list per data source. Validated with zod; every problem names its path.
 *
 * {"rewards": [{"type": "math", "weight": 1}, {"type": "format", "weight": 0.2, "options": {"tags": ["think"]}}],
 *  "dataSources": {"codecontests": [{"type": "code", "weight": 1}]}}
 */
import {z} from "zod";
import {InputError} from "../errors.js";
import {agreementReward} from "./agreement-reward.js";
import {codeReward, type CodeRunner} from "./code-reward.js";
import {formatReward, overlongPenalty, processReward, targetLengthReward} from "./format-length-rewards.js";
import {mathExtractorNames} from "./math/extract.js";
import {exactMatchReward, multipleChoiceReward, regexReward} from "./match-rewards.js";
import {mathReward} from "./math-reward.js";
import {probabilityReward, type TokenProbabilityScorer} from "./probability-reward.js";
import {combineRewards, type RewardFunction} from "./types.js";

const unit = z.enum(["characters", "words"]).optional();

const rewardSpecSchema = z.discriminatedUnion("type", [
    z
        .object({
            type: z.literal("math"),
            weight: z.number().default(1),
            options: z
                .object({
                    extractors: z.array(z.enum(mathExtractorNames)).min(1).optional(),
                    relativeTolerance: z.number().positive().optional(),
                    percentAsFraction: z.boolean().optional(),
                })
                .strict()
                .default({}),
        })
        .strict(),
    z
        .object({
            type: z.literal("exact"),
            weight: z.number().default(1),
            options: z.object({caseSensitive: z.boolean().optional(), preferBoxed: z.boolean().optional()}).strict().default({}),
        })
        .strict(),
    z
        .object({
            type: z.literal("regex"),
            weight: z.number().default(1),
            options: z.object({pattern: z.string().min(1), flags: z.string().optional()}).strict(),
        })
        .strict(),
    z
        .object({
            type: z.literal("multiple-choice"),
            weight: z.number().default(1),
            options: z
                .object({letters: z.string().min(2).optional()})
                .strict()
                .default({}),
        })
        .strict(),
    z
        .object({
            type: z.literal("code"),
            weight: z.number().default(1),
            options: z
                .object({
                    language: z.enum(["python", "javascript"]).optional(),
                    timeMs: z.number().int().positive().max(600_000).optional(),
                    memoryMb: z.number().int().min(16).max(65_536).optional(),
                })
                .strict()
                .default({}),
        })
        .strict(),
    z
        .object({
            type: z.literal("format"),
            weight: z.number().default(1),
            options: z
                .object({
                    tags: z.array(z.string().regex(/^[\w-]+$/)).optional(),
                    answer: z.enum(["boxed", "answer-tag", "text", "none"]).optional(),
                })
                .strict()
                .default({}),
        })
        .strict(),
    z
        .object({
            type: z.literal("length"),
            weight: z.number().default(1),
            options: z.object({target: z.number().positive(), tolerance: z.number().min(0).optional(), unit}).strict(),
        })
        .strict(),
    z
        .object({
            type: z.literal("overlong"),
            weight: z.number().default(1),
            options: z.object({maxLength: z.number().positive(), buffer: z.number().positive(), unit}).strict(),
        })
        .strict(),
    z.object({type: z.literal("process-clip"), weight: z.number().default(1), options: z.object({eta: z.number().optional()}).strict().default({})}).strict(),
    z.object({type: z.literal("process-delta"), weight: z.number().default(1), options: z.object({}).strict().default({})}).strict(),
    z
        .object({
            type: z.literal("probability"),
            weight: z.number().default(1),
            options: z
                .object({
                    answerPrefix: z.string().optional(),
                    answerMarker: z.string().optional(),
                    debias: z.boolean().optional(),
                })
                .strict()
                .default({}),
        })
        .strict(),
    z.object({type: z.literal("agreement"), weight: z.number().default(1), options: z.object({}).strict().default({})}).strict(),
]);

export const rewardConfigSchema = z
    .object({
        rewards: z.array(rewardSpecSchema).min(1),
        dataSources: z.record(z.string(), z.array(rewardSpecSchema).min(1)).optional(),
    })
    .strict();

export type RewardConfig = z.infer<typeof rewardConfigSchema>;
export type RewardSpec = z.infer<typeof rewardSpecSchema>;

/** Default configuration: the math-answer reward alone. */
export const defaultRewardConfig: RewardConfig = {rewards: [{type: "math", weight: 1, options: {}}]};

export function parseRewardConfig(value: unknown, source = "the reward configuration"): RewardConfig {
    const parsed = rewardConfigSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
    throw new InputError(`${source} is invalid at ${path}: ${issue?.message ?? "unknown problem"}`, {
        expected:
            "{rewards: [{type, weight?, options?}], dataSources?: {name: [...]}}; types: math, exact, regex, multiple-choice, code, format, length, overlong, process-clip, process-delta, probability, agreement",
        hint: "see docs/rl.md",
    });
}

/** What some rewards need from outside the pure core. */
export interface RewardDependencies {
    codeRunner?: CodeRunner;
    probabilityScorer?: TokenProbabilityScorer;
}

function buildOne(spec: RewardSpec, dependencies: RewardDependencies): RewardFunction {
    switch (spec.type) {
        case "math":
            return mathReward(spec.options);
        case "exact":
            return exactMatchReward(spec.options);
        case "regex":
            return regexReward(spec.options);
        case "multiple-choice":
            return multipleChoiceReward(spec.options);
        case "format":
            return formatReward(spec.options);
        case "length":
            return targetLengthReward(spec.options);
        case "overlong":
            return overlongPenalty(spec.options);
        case "process-clip":
            return processReward("clip", spec.options);
        case "process-delta":
            return processReward("delta");
        case "agreement":
            return agreementReward();
        case "code":
            if (dependencies.codeRunner === undefined)
                throw new InputError("the code reward needs a code runner", {hint: "glassbox reward serve provides one"});
            return codeReward({runner: dependencies.codeRunner, ...spec.options});
        case "probability": {
            if (dependencies.probabilityScorer === undefined) {
                throw new InputError("the probability reward needs a scoring model", {
                    hint: "pass --model PATH.gguf (or a remote scoring backend) to glassbox reward serve",
                });
            }
            const {answerMarker, ...rest} = spec.options;
            return probabilityReward({
                scorer: dependencies.probabilityScorer,
                ...rest,
                ...(answerMarker === undefined ? {} : {answerMarker: new RegExp(answerMarker, "gi")}),
            });
        }
    }
}

function buildList(specs: readonly RewardSpec[], dependencies: RewardDependencies, name: string): RewardFunction {
    if (specs.length === 1 && specs[0]?.weight === 1) return buildOne(specs[0], dependencies);
    return combineRewards(
        name,
        specs.map((spec) => ({reward: buildOne(spec, dependencies), weight: spec.weight})),
    );
}

export interface RewardRouter {
    /** The reward for an item's data source (the default list when the source has none of its own). */
    forDataSource(dataSource: string | undefined): RewardFunction;
    /** Whether any configured reward needs a scoring model. */
    readonly needsScorer: boolean;
}

export function buildRewardRouter(config: RewardConfig, dependencies: RewardDependencies): RewardRouter {
    const fallback = buildList(config.rewards, dependencies, "reward");
    const bySource = new Map(Object.entries(config.dataSources ?? {}).map(([source, specs]) => [source, buildList(specs, dependencies, source)]));
    const all = [...config.rewards, ...Object.values(config.dataSources ?? {}).flat()];
    return {
        forDataSource: (dataSource) => (dataSource === undefined ? fallback : (bySource.get(dataSource) ?? fallback)),
        needsScorer: all.some((spec) => spec.type === "probability"),
    };
}
