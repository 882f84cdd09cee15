/** glassbox/server: `glassbox serve` (vLLM- and SGLang-shaped scoring and generation), the reward service. */
export {startGlassboxServer, type GlassboxServerOptions, type RunningServer} from "./http-server.js";
export {startRewardServer, type RewardServerOptions, type RunningRewardServer} from "./reward-http-server.js";
