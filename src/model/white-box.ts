/**
 * Reaching the white-box engine through a backend. {@link requireWhiteBox} returns a backend's
 * white-box capability or refuses the backend before any work, with a {@link CapabilityError} that
 * names the backend, what is needed and how to get it. {@link whiteBoxLogprobs} reads
 * teacher-forced log-probabilities from the engine as `Backend.score` returns them.
 */
import {CapabilityError} from "../errors.js";
import type {WhiteBoxModel} from "../engine/white-box-model.js";
import type {Backend, ScoreRequest, WhiteBoxCapability} from "./backend-spec.js";

const needed = "a backend that runs the model in this process: a local GGUF file whose architecture the white-box engine reads (llama, qwen2, qwen3)";

/**
 * The backend's white-box capability. `purpose` names what needs it in the error ("integrated
 * gradients"); a backend without the capability (remote servers, the scripted backend, a local
 * model the engine cannot read) is refused with the reason.
 */
export function requireWhiteBox(backend: Pick<Backend, "name" | "capabilities">, purpose = "white-box access"): WhiteBoxCapability {
    const {whiteBox, whiteBoxUnavailable} = backend.capabilities;
    if (whiteBox !== undefined) return whiteBox;
    if (whiteBoxUnavailable !== undefined) {
        throw new CapabilityError(`${purpose} needs the white-box engine, which cannot run ${backend.name}: ${whiteBoxUnavailable}`, {
            expected: needed,
            hint: "convert the model to a supported architecture and tensor type, or use another local GGUF model",
            parameter: "model",
        });
    }
    throw new CapabilityError(`${purpose} needs the white-box engine (activations and gradients), which backend ${backend.name} does not offer`, {
        expected: needed,
        received: `${backend.name}, which exposes log-probabilities at most (remote servers and the scripted backend have no insides to read)`,
        hint: "give the path of a local GGUF file of the model as the model",
        parameter: "model",
    });
}

/** log p(target[i] | context, target[0..i-1]) from the engine's float32 forward pass: what `Backend.score` returns. */
export function whiteBoxLogprobs(model: WhiteBoxModel, request: ScoreRequest): number[] {
    const tokens = [...request.context, ...request.target];
    const logits = model.run([tokens]).data;
    const vocabulary = model.config.vocabSize;
    return request.target.map((token, index) => {
        const offset = (request.context.length - 1 + index) * vocabulary;
        let largest = -Infinity;
        for (let v = 0; v < vocabulary; v++) largest = Math.max(largest, logits[offset + v]!);
        let total = 0;
        for (let v = 0; v < vocabulary; v++) total += Math.exp(logits[offset + v]! - largest);
        return logits[offset + token]! - largest - Math.log(total);
    });
}
