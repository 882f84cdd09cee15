/**
 * Replicas of a remote model that can tokenize: the evaluator's {@link ReplicatedBackend} plus
 * the contract's optional non-blocking {@link ModelBackend.tokenizeMany}, asked of one replica at
 * a time in order; a transient failure (the replica is down) moves the batch to the next one.
 */
import {ReplicatedBackend, type ReplicatedBackendOptions} from "../../evaluator/replicas.js";
import {isTransientError} from "../../evaluator/retry.js";
import type {ModelBackend, TokenId} from "../../model/contract.js";

export class TokenizingReplicas extends ReplicatedBackend {
    private readonly members: readonly ModelBackend[];

    constructor(backends: readonly ModelBackend[], options: ReplicatedBackendOptions = {}) {
        super(backends, options);
        this.members = backends;
    }

    async tokenizeMany(texts: readonly string[]): Promise<TokenId[][]> {
        let lastError: unknown;
        for (const backend of this.members) {
            try {
                return backend.tokenizeMany === undefined ? texts.map((text) => backend.tokenize(text)) : await backend.tokenizeMany(texts);
            } catch (error) {
                if (!isTransientError(error)) throw error;
                lastError = error;
            }
        }
        throw lastError;
    }
}
