/**
 * glassbox/backends: opening models by name (a GGUF path, vllm:, sglang:, openai:, scripted:),
 * the remote and scripted backends, transport, and the sandboxed verifiers. node-llama-cpp is
 * loaded only when a GGUF model is opened (its entry point is glassbox/llama-cpp).
 */
export {scriptVerifier, verifierFromSpec} from "./verifier/script-verifier.js";
export {openModel, parseModelSpec, requireCapabilities, type ModelSpec, type RemoteModelOptions} from "./resolve-model.js";
export {openVllmModel, VllmBackend, type VllmOptions} from "./vllm/vllm-backend.js";
export {openSglangModel, SglangBackend, type SglangOptions} from "./sglang/sglang-backend.js";
export {openOpenAiCompatibleModel, OpenAiCompatibleBackend, type OpenAiCompatibleOptions} from "./openai-compatible/openai-backend.js";
export {ReplicatedBackend, type ReplicatedBackendOptions, type ReplicaRetryPolicy, type ReplicaStats} from "./transport/replicas.js";
export {scriptedExplainer, scriptedExplainerNames} from "./scripted/explainers.js";
export {openScriptedModel, scriptedModelNames} from "./scripted/models.js";
export {sandboxedCodeRunner} from "./verifier/code-runner.js";
