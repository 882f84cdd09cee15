/** Token probabilities of a target after a text, on any backend that scores tokens, through the evaluator. */
import {CapabilityError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import {alignTarget} from "../protocol/index.js";
import type {Backend} from "../model/backend-spec.js";
import type {TokenProbabilityScorer} from "./probability-reward.js";

export function backendProbabilityScorer(backend: Backend): TokenProbabilityScorer {
    if (!backend.capabilities.scoring) {
        throw new CapabilityError(`${backend.name} does not score tokens, and the probability reward needs log-probabilities`, {
            expected: "a GGUF model or a server that returns prompt log-probabilities",
        });
    }
    const evaluator = new Evaluator(backend);
    return {
        async targetTokenLogprobs(context, target) {
            const aligned = await alignTarget(backend, {kind: "text", text: context}, target);
            const [result] = await evaluator.scoreMany([aligned.request]);
            return result?.logprobs ?? [];
        },
    };
}
