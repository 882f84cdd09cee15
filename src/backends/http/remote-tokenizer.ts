/**
 * Tokenization through a server (vLLM `/tokenize` + `/detokenize`, SGLang `/v1/tokenize` +
 * `/v1/detokenize`), synchronously as the model contract wants it, with small caches: a prompt
 * is tokenized a handful of times, token texts are asked for again and again.
 */
import {z} from "zod";
import type {TokenId} from "../../model/contract.js";
import type {HttpEndpoint} from "./http-client.js";
import {postJsonSync} from "./sync-http.js";

export interface TokenizerRoutes {
    /** Full URL of the tokenize endpoint. */
    tokenizeUrl: string;
    detokenizeUrl: string;
    /** Request body for tokenizing `text` (special tokens added or not). */
    tokenizeBody(text: string, addSpecialTokens: boolean): unknown;
    detokenizeBody(tokens: readonly TokenId[]): unknown;
    /** Name of the text field in the detokenize answer ("prompt" for vLLM, "text" for SGLang). */
    detokenizedField: string;
}

const tokensSchema = z.object({tokens: z.array(z.number().int())});
const cacheLimit = 4096;

export class RemoteTokenizer {
    private readonly tokenizeCache = new Map<string, TokenId[]>();
    private readonly detokenizeCache = new Map<string, string>();
    private readonly detokenizedSchema: z.ZodType<Record<string, string>>;

    constructor(private readonly endpoint: HttpEndpoint, private readonly routes: TokenizerRoutes) {
        this.detokenizedSchema = z.object({[routes.detokenizedField]: z.string()}) as unknown as z.ZodType<Record<string, string>>;
    }

    tokenize(text: string, addSpecialTokens = false): TokenId[] {
        const key = `${addSpecialTokens ? 1 : 0}${text}`;
        const cached = this.tokenizeCache.get(key);
        if (cached !== undefined) return cached.slice();
        const {tokens} = postJsonSync(this.endpoint, this.routes.tokenizeUrl, this.routes.tokenizeBody(text, addSpecialTokens), tokensSchema);
        remember(this.tokenizeCache, key, tokens);
        return tokens.slice();
    }

    /** Any tokenize request through the same route (e.g. vLLM chat messages). */
    tokenizeWith(body: unknown, key: string): TokenId[] {
        const cached = this.tokenizeCache.get(key);
        if (cached !== undefined) return cached.slice();
        const {tokens} = postJsonSync(this.endpoint, this.routes.tokenizeUrl, body, tokensSchema);
        remember(this.tokenizeCache, key, tokens);
        return tokens.slice();
    }

    detokenize(tokens: readonly TokenId[]): string {
        if (tokens.length === 0) return "";
        const key = tokens.join(",");
        const cached = this.detokenizeCache.get(key);
        if (cached !== undefined) return cached;
        const answer = postJsonSync(this.endpoint, this.routes.detokenizeUrl, this.routes.detokenizeBody(tokens), this.detokenizedSchema);
        const text = answer[this.routes.detokenizedField] ?? "";
        remember(this.detokenizeCache, key, text);
        return text;
    }

    /** The text `token` adds after `previous` (a leading space survives SentencePiece decoding). */
    pieceText(token: TokenId, previous: readonly TokenId[]): string {
        const tail = previous.slice(-4);
        const before = this.detokenize(tail);
        const after = this.detokenize([...tail, token]);
        return after.startsWith(before) ? after.slice(before.length) : this.detokenize([token]);
    }
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
    if (cache.size >= cacheLimit) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, value);
}

/** Defines `text` on an object as a lazily computed, cached, enumerable property. */
export function withLazyText<T extends object>(target: T, compute: () => string): T & {text: string} {
    let value: string | undefined;
    Object.defineProperty(target, "text", {
        enumerable: true,
        configurable: true,
        get: () => (value ??= compute()),
        set: (next: string) => {
            value = next;
        },
    });
    return target as T & {text: string};
}
