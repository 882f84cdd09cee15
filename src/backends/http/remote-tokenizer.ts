/**
 * Tokenization through a server (vLLM `/tokenize` + `/detokenize`, SGLang `/v1/tokenize` +
 * `/v1/detokenize`), asynchronous and batched as the backend specification wants it, with small
 * caches: a prompt is tokenized a handful of times, token texts are asked for again and again.
 * Identical texts (and token sequences) in a batch travel once. A batch of texts goes as one
 * request carrying the whole list where the server accepts a list (`glassbox serve` says so in
 * its model entry), else as one request per text, several in flight together (vLLM's /tokenize
 * takes one prompt per call); detokenize requests always carry one sequence.
 */
import {z} from "zod";
import {BackendError} from "../../errors.js";
import type {GeneratedToken, TokenAlternative, TokenId, TokenTextRequest} from "../../model/backend-spec.js";
import {tokenTextsByDecoding} from "../../model/token-texts.js";
import {postJson, type HttpEndpoint} from "./http-client.js";
import {checkTokenListsAnswer, checkTokensAnswer} from "./response-checks.js";

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
    /** Request body for detokenizing several sequences in one request; absent when the server takes one per request. */
    detokenizeListBody?: ((sequences: readonly (readonly TokenId[])[]) => unknown) | undefined;
}

/**
 * Routes of a server whose tokenize API follows vLLM's (SGLang's and glassbox serve's do): bodies
 * carry the model name, `prompt` (one text, or a list where the server accepts one) and
 * `add_special_tokens`; detokenize takes `tokens`.
 */
export function modelTokenizerRoutes(
    model: string,
    routes: Pick<TokenizerRoutes, "tokenizeUrl" | "detokenizeUrl" | "detokenizedField"> & {acceptsTextList: boolean; acceptsSequenceList: boolean},
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
        ...(routes.acceptsSequenceList ? {detokenizeListBody: (sequences: readonly (readonly TokenId[])[]) => ({model, tokens: sequences})} : {}),
    };
}

const cacheLimit = 4096;
/** Most texts in one list request, and most single-text requests in flight at once. */
const listChunk = 256;
const parallelRequests = 8;

/** A tokenize request with its own body (e.g. vLLM chat messages) and the cache key it is remembered under. */
export interface TokenizeCall {
    body: unknown;
    key: string;
}

export class RemoteTokenizer {
    private readonly tokenizeCache = new Map<string, TokenId[]>();
    private readonly detokenizeCache = new Map<string, string>();
    private readonly detokenizedSchema: z.ZodType<Record<string, string>>;
    private readonly detokenizedListSchema: z.ZodType<Record<string, string[]>>;

    constructor(
        private readonly endpoint: HttpEndpoint,
        private readonly routes: TokenizerRoutes,
    ) {
        this.detokenizedSchema = z.object({[routes.detokenizedField]: z.string()}) as unknown as z.ZodType<Record<string, string>>;
        this.detokenizedListSchema = z.object({[routes.detokenizedField]: z.array(z.string())}) as unknown as z.ZodType<Record<string, string[]>>;
    }

    /**
     * Tokens of every text: cached texts cost nothing, the rest travel as list requests of up to
     * 256 texts, or as concurrent single-text requests (8 in flight).
     */
    async tokenize(texts: readonly string[], addSpecialTokens = false): Promise<TokenId[][]> {
        const prefix = addSpecialTokens ? "1" : "0";
        const missing = [...new Set(texts.filter((text) => !this.tokenizeCache.has(`${prefix}${text}`)))];
        const fetched = new Map<string, TokenId[]>();
        const listBody = this.routes.tokenizeListBody;
        if (listBody !== undefined) {
            const chunks: string[][] = [];
            for (let start = 0; start < missing.length; start += listChunk) chunks.push(missing.slice(start, start + listChunk));
            await Promise.all(
                chunks.map(async (chunk) => {
                    const {tokens} = await postJson(this.endpoint, this.routes.tokenizeUrl, listBody(chunk, addSpecialTokens), checkTokenListsAnswer);
                    if (tokens.length !== chunk.length) {
                        throw new BackendError(`POST ${this.routes.tokenizeUrl} answered ${tokens.length} token lists for ${chunk.length} texts`, {
                            expected: `${chunk.length} token lists`,
                            received: String(tokens.length),
                        });
                    }
                    chunk.forEach((text, index) => fetched.set(text, tokens[index] as TokenId[]));
                }),
            );
        } else {
            await inParallel(missing, async (text) => {
                const {tokens} = await postJson(this.endpoint, this.routes.tokenizeUrl, this.routes.tokenizeBody(text, addSpecialTokens), checkTokensAnswer);
                fetched.set(text, tokens);
            });
        }
        for (const [text, tokens] of fetched) remember(this.tokenizeCache, `${prefix}${text}`, tokens);
        return texts.map((text) => (fetched.get(text) ?? this.tokenizeCache.get(`${prefix}${text}`) ?? []).slice());
    }

    /** Tokenize requests through the same route with bodies of their own (e.g. vLLM chat messages), several in flight. */
    async tokenizeWith(calls: readonly TokenizeCall[]): Promise<TokenId[][]> {
        const fetched = new Map<string, TokenId[]>();
        const missing = [...new Map(calls.filter((call) => !this.tokenizeCache.has(call.key)).map((call) => [call.key, call])).values()];
        await inParallel(missing, async (call) => {
            const {tokens} = await postJson(this.endpoint, this.routes.tokenizeUrl, call.body, checkTokensAnswer);
            fetched.set(call.key, tokens);
        });
        for (const [key, tokens] of fetched) remember(this.tokenizeCache, key, tokens);
        return calls.map((call) => (fetched.get(call.key) ?? this.tokenizeCache.get(call.key) ?? []).slice());
    }

    /**
     * Text of every sequence: cached and empty ones cost nothing; the rest travel as list requests of
     * up to 256 sequences where the server takes lists, else one request each, 8 in flight.
     */
    async detokenize(sequences: readonly (readonly TokenId[])[]): Promise<string[]> {
        const fetched = new Map<string, string>();
        const missing = [
            ...new Map(
                sequences.filter((tokens) => tokens.length > 0 && !this.detokenizeCache.has(tokens.join(","))).map((tokens) => [tokens.join(","), tokens]),
            ).entries(),
        ];
        const listBody = this.routes.detokenizeListBody;
        if (listBody !== undefined) {
            const chunks: Array<typeof missing> = [];
            for (let start = 0; start < missing.length; start += listChunk) chunks.push(missing.slice(start, start + listChunk));
            await inParallel(chunks, async (chunk) => {
                const answer = await postJson(
                    this.endpoint,
                    this.routes.detokenizeUrl,
                    listBody(chunk.map(([, tokens]) => tokens)),
                    this.detokenizedListSchema,
                );
                const texts = answer[this.routes.detokenizedField] ?? [];
                if (texts.length !== chunk.length) {
                    throw new BackendError(`POST ${this.routes.detokenizeUrl} answered ${texts.length} texts for ${chunk.length} token lists`, {
                        expected: `${chunk.length} texts`,
                        received: String(texts.length),
                    });
                }
                chunk.forEach(([key], index) => fetched.set(key, texts[index] ?? ""));
            });
        } else {
            await inParallel(missing, async ([key, tokens]) => {
                const answer = await postJson(this.endpoint, this.routes.detokenizeUrl, this.routes.detokenizeBody(tokens), this.detokenizedSchema);
                fetched.set(key, answer[this.routes.detokenizedField] ?? "");
            });
        }
        for (const [key, text] of fetched) remember(this.detokenizeCache, key, text);
        return sequences.map((tokens) => {
            const key = tokens.join(",");
            return tokens.length === 0 ? "" : (fetched.get(key) ?? this.detokenizeCache.get(key) ?? "");
        });
    }

    /** Token text in context (see Backend.tokenTexts), from batches of detokenize requests. */
    tokenTexts(requests: readonly TokenTextRequest[]): Promise<string[][]> {
        return tokenTextsByDecoding((sequences) => this.detokenize(sequences), requests);
    }
}

/** Runs `work` on every item, at most {@link parallelRequests} at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) await work(items[next++] as T);
    };
    await Promise.all(Array.from({length: Math.min(parallelRequests, items.length)}, worker));
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
    if (cache.size >= cacheLimit) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, value);
}

/** Generated tokens and their alternatives with their texts in context, read in one batch. */
export async function withTexts(
    tokenizer: Pick<RemoteTokenizer, "tokenTexts">,
    context: readonly TokenId[],
    chosen: ReadonlyArray<{token: TokenId; logprob: number; top: ReadonlyArray<{token: TokenId; logprob: number}>}>,
): Promise<GeneratedToken[]> {
    const row = chosen.map((item) => item.token);
    const [rowTexts = [], ...alternativeTexts] = await tokenizer.tokenTexts([
        {tokens: row, previous: context},
        ...chosen.flatMap((item, step) => item.top.map((alternative) => ({tokens: [alternative.token], previous: [...context, ...row.slice(0, step)]}))),
    ]);
    let next = 0;
    return chosen.map((item, step): GeneratedToken => ({
        token: item.token,
        text: rowTexts[step] ?? "",
        logprob: item.logprob,
        top: item.top.map((alternative): TokenAlternative => ({...alternative, text: alternativeTexts[next++]?.[0] ?? ""})),
    }));
}
