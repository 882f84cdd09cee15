export {ScriptedBackend, type ScriptedBackendOptions, type ScriptedCallInfo, type ScriptedLaneStats} from "./scripted-backend.js";
export {defaultLogitsFunction, logSoftmax, type LogitsFunction} from "./language-model.js";
export * from "./tokenizer.js";
