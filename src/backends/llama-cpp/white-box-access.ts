/**
 * The llama.cpp backend's white-box capability: for a GGUF file whose architecture, tensors and
 * tensor types the engine reads (planned from the header llama.cpp's file check already read, no
 * weights touched), the engine's model of the same file, loaded on first use and shared after.
 * Token ids come from the backend's tokenizer; the engine's vocabulary must have its size. On the
 * CPU the model rounds activations as llama.cpp does, so that both give the same log-probabilities.
 * Otherwise the capability is absent and `whiteBoxUnavailable` says why in one line.
 */
import {BackendError, ModelFileError} from "../../errors.js";
import {planModel, type WhiteBoxModel} from "../../engine/index.js";
import type {BackendCapabilities} from "../../model/backend-spec.js";
import {loadWhiteBoxModel} from "../engine/load-white-box-model.js";
import type {GgufHeader} from "./gguf-reader.js";

export interface WhiteBoxSource {
    path: string;
    header: GgufHeader;
    /** Size of the vocabulary the backend's tokenizer uses. */
    vocabularySize: number | undefined;
    /**
     * Round activations as llama.cpp's CPU path does before products with F16, BF16 and quantised
     * matrices (kernels/activation-rounding.ts), so that the engine's log-probabilities are the
     * backend's: true when llama.cpp runs on the CPU.
     */
    matchLlamaCpp: boolean;
}

/** `{whiteBox}` when the engine can run the file, else `{whiteBoxUnavailable}`; `isOpen` is false once the backend is disposed. */
export function whiteBoxAccess(source: WhiteBoxSource, isOpen: () => boolean): Pick<BackendCapabilities, "whiteBox" | "whiteBoxUnavailable"> {
    let architecture: string;
    try {
        const {config} = planModel(source.header.metadata, source.header.tensors);
        if (source.vocabularySize !== undefined && config.vocabSize !== source.vocabularySize) {
            return {
                whiteBoxUnavailable: `the engine reads ${config.vocabSize} token embeddings, the tokenizer has ${source.vocabularySize} tokens`,
            };
        }
        architecture = config.architecture;
    } catch (error) {
        if (error instanceof ModelFileError) return {whiteBoxUnavailable: error.summary};
        throw error;
    }
    let loading: Promise<WhiteBoxModel> | undefined;
    return {
        whiteBox: {
            architecture,
            loadModel(): Promise<WhiteBoxModel> {
                if (!isOpen()) return Promise.reject(new BackendError("the model was already closed", {hint: "open the model again"}));
                loading ??= new Promise<WhiteBoxModel>((resolve) => resolve(loadWhiteBoxModel(source.path, {matchLlamaCpp: source.matchLlamaCpp})));
                // A failed load (memory) is not kept: a later call tries again.
                loading.catch(() => {
                    loading = undefined;
                });
                return loading;
            },
        },
    };
}
