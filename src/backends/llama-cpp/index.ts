export {openLlamaCppModel, LlamaCppBackend, type LlamaCppOptions, type LlamaCppPrecision, type TargetReading} from "./backend.js";
export {checkModelFile, type ModelFileSummary} from "./model-file-check.js";
export {readGgufHeader, GgufFormatError, type GgufHeader, type GgufTensorInfo, type GgufValue} from "./gguf-reader.js";
