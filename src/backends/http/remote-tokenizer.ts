/**
 * Tokenization through a server (vLLM `/tokenize` + `/detokenize`, SGLang `/v1/tokenize` +
 * `/v1/detokenize`), synchronously as the model contract wants it, with small caches: a prompt
 * is tokenized a handful of times, token texts are asked for again and again.
 *
 * {@link RemoteTokenizer.tokenizeMany} is the non-blocking path for a batch of texts (the
 * coalition prompts of an explanation): one request carrying the whole list where the server
 * accepts a list (`glassbox serve` says so in its model entry), else one request per text, all in
 * flight together (vLLM's /tokenize takes one prompt per call).
 */
import {z} from "zod";
import {BackendError} from "../../errors.js";
import type {TokenId} from "../../model/contract.js";
import {postJson, type HttpEndpoint} from "./http-client.js";
import {checkTokenListsAnswer, checkTokensAnswer} from "./response-checks.js";
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
    /** Request body for tokenizing several texts in one request; absent when the server takes one text per request. */
    tokenizeListBody?: ((texts: readonly string[], addSpecialTokens: boolean) => unknown) | undefined;
}

/**
 * Routes of a server whose tokenize API follows vLLM's (SGLang's and glassbox serve's do): bodies
 * carry the model name, `prompt` (one text, or a list where the server accepts one) and
 * `add_special_tokens`; detokenize takes `tokens`.
 */
export function modelTokenizerRoutes(
    model: string,
    routes: Pick<TokenizerRoutes, "tokenizeUrl" | "detokenizeUrl" | "detokenizedField"> & {acceptsTextList: boolean},
): TokenizerRoutes {
    return {
        tokenizeUrl: routes.tokenizeUrl,
        detokenizeUrl: routes.detokenizeUrl,
        detokenizedField: routes.detokenizedField,
        tokenizeBody: (text, addSpecialTokens) => ({model, prompt: text, add_special_tokens: addSpecialTokens}),
        detokenizeBody: (tokens) => ({model, tokens}),
        ...(routes.acceptsTextList
            ? {tokenizeListBody: (texts: readonly string[], addSpecialTokens: boolean) => ({model, prompt: texts, add_special_tokens: addSpecialTokens})}
            : {}),
    };
}

const cacheLimit = 4096;
/** Most texts in one list request, and most single-text requests in flight at once. */
const listChunk = 256;
const parallelRequests = 8;

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
        const {tokens} = postJsonSync(this.endpoint, this.routes.tokenizeUrl, this.routes.tokenizeBody(text, addSpecialTokens), checkTokensAnswer);
        remember(this.tokenizeCache, key, tokens);
        return tokens.slice();
    }

    /**
     * Tokens of every text (no blocking): cached texts cost nothing, the rest travel as list
     * requests of up to 256 texts, or as concurrent single-text requests (8 in flight).
     */
    async tokenizeMany(texts: readonly string[], addSpecialTokens = false): Promise<TokenId[][]> {
        const prefix = addSpecialTokens ? "1" : "0";
        const missing = [...new Set(texts.filter((text) => !this.tokenizeCache.has(`${prefix}${text}`)))];
        const fetched = new Map<string, TokenId[]>();
        const listBody = this.routes.tokenizeListBody;
        if (listBody !== undefined) {
            const chunks: string[][] = [];
            for (let start = 0; start < missing.length; start += listChunk) chunks.push(missing.slice(start, start + listChunk));
            await Promise.all(chunks.map(async (chunk) => {
                const {tokens} = await postJson(this.endpoint, this.routes.tokenizeUrl, listBody(chunk, addSpecialTokens), checkTokenListsAnswer);
                if (tokens.length !== chunk.length) {
                    throw new BackendError(`POST ${this.routes.tokenizeUrl} answered ${tokens.length} token lists for ${chunk.length} texts`, {
                        expected: `${chunk.length} token lists`, received: String(tokens.length),
                    });
                }
                chunk.forEach((text, index) => fetched.set(text, tokens[index] as TokenId[]));
            }));
        } else {
            let next = 0;
            const worker = async (): Promise<void> => {
                while (next < missing.length) {
                    const text = missing[next++] as string;
                    const {tokens} = await postJson(this.endpoint, this.routes.tokenizeUrl, this.routes.tokenizeBody(text, addSpecialTokens), checkTokensAnswer);
                    fetched.set(text, tokens);
                }
            };
            await Promise.all(Array.from({length: Math.min(parallelRequests, missing.length)}, worker));
        }
        return texts.map((text) => {
            const key = `${prefix}${text}`;
            let tokens = fetched.get(text);
            if (tokens !== undefined) remember(this.tokenizeCache, key, tokens);
            else tokens = this.tokenizeCache.get(key) ?? this.tokenize(text, addSpecialTokens);
            return tokens.slice();
        });
    }

    /** Any tokenize request through the same route (e.g. vLLM chat messages). */
    tokenizeWith(body: unknown, key: string): TokenId[] {
        const cached = this.tokenizeCache.get(key);
        if (cached !== undefined) return cached.slice();
        const {tokens} = postJsonSync(this.endpoint, this.routes.tokenizeUrl, body, checkTokensAnswer);
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
