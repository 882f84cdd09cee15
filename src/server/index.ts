/**
 * glassbox/server: `glassbox serve` (vLLM- and SGLang-shaped scoring and generation), the reward service, its configuration and the rollout
 * records it reads (their declarations use zod's types, which the core keeps out of its own). */
export {startGlassboxServer, type GlassboxServerOptions, type RunningServer} from "./http-server.js";
export {startRewardServer, type RewardServerOptions, type RunningRewardServer} from "./reward-http-server.js";
export {buildRewardRouter, parseRewardConfig, type RewardConfig, type RewardRouter} from "../rewards/config.js";
export {parseRollouts, type Rollout} from "../rollouts/rollout-records.js";
export {analyzePrompt, type PromptVerdict} from "../rollouts/prompt-analysis.js";
export {summarizeRollouts, type RolloutSummary} from "../rollouts/rollout-summary.js";
