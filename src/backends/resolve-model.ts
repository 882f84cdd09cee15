/**
 * Opening what `--model` names, through the scheme table (schemes.ts), and refusing before any
 * work a backend that lacks what a command needs. The capability check, not the command, decides
 * which schemes a command can use: a command states its needs and every scheme that offers them
 * is accepted.
 */
import {CapabilityError} from "../errors.js";
import type {Backend} from "../model/backend-spec.js";
import {schemeFor, type ModelSpec, type OpenModelOptions, type SchemeOffers} from "./schemes.js";

export {
    apiKeyFor,
    modelSchemes,
    remoteSchemes,
    schemeFor,
    type ModelScheme,
    type ModelSpec,
    type OpenModelOptions,
    type RemoteModelOptions,
    type RemoteScheme,
    type SchemeOffers,
    type TransportListeners,
} from "./schemes.js";

export interface CapabilityNeeds {
    score?: boolean;
    generate?: boolean;
}

/** What `--model` names, parsed (throws an ArgumentError that names the mistake). */
export function parseModelSpec(text: string): ModelSpec {
    return schemeFor(text).parse(text.trim());
}

/**
 * Opens what `--model` names. With `needs` (and `command` for messages), a scheme that cannot
 * offer them is refused before anything is opened, and the opened backend is checked against its
 * declared capabilities (and disposed when it falls short).
 */
export async function openModel(text: string, options: OpenModelOptions & {needs?: CapabilityNeeds; command?: string} = {}): Promise<Backend> {
    const scheme = schemeFor(text);
    const spec = scheme.parse(text.trim());
    const command = options.command ?? "this command";
    if (options.needs !== undefined) requireOffers(scheme.offers(spec), options.needs, command, text.trim());
    const backend = await scheme.open(spec, options);
    if (options.needs === undefined) return backend;
    try {
        requireCapabilities(backend, options.needs, command);
    } catch (error) {
        await backend.dispose();
        throw error;
    }
    return backend;
}

function requireOffers(offers: SchemeOffers, needs: CapabilityNeeds, command: string, name: string): void {
    requireCapabilities({name, capabilities: offers}, needs, command);
}

/** Refuses, before any work, a backend that lacks what the command needs. */
export function requireCapabilities(
    backend: {readonly name: string; readonly capabilities: Pick<Backend["capabilities"], "scoring" | "generation">},
    needs: CapabilityNeeds,
    command: string,
): void {
    if (needs.score === true && !backend.capabilities.scoring) {
        throw new CapabilityError(`${command} needs a backend that scores prompt tokens; ${backend.name} only generates`, {
            hint: "use a local GGUF, a vllm: or sglang: server, or glassbox serve (docs/remote-backends.md)",
        });
    }
    if (needs.generate === true && !backend.capabilities.generation) {
        throw new CapabilityError(`${command} needs a backend that generates; ${backend.name} cannot`);
    }
}
