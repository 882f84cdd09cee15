/**
 * glassbox/engine: the white-box engine (src/engine: forward and backward passes, hook points,
 * rules, objectives, integrated gradients, dequantisation) and its loader from GGUF files. Loads
 * no node-llama-cpp; token ids come from any backend's tokenizer (`requireWhiteBox` in the core
 * hands out the model a llama.cpp backend runs).
 */
export * from "../../engine/index.js";
export {loadWhiteBoxModel, readWhiteBoxPlan, type WhiteBoxLoadOptions} from "./load-white-box-model.js";
