/**
 * What the HTTP handlers need from the model, on top of the backend: batched scoring of whole
 * prompts (every position, as vLLM's prompt logprobs) or of a suffix (SGLang's
 * logprob_start_len), generation on a rotating lane, tokens and token texts through the protocol
 * layer, and request checks that turn into 400 answers before any work is queued.
 */
import {InputError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import type {Backend, ChatRenderRequest, GenerateRequest, Generation, TokenAlternative, TokenId} from "../model/backend-spec.js";
import {checkTokenWindow, windowLimits} from "../model/token-window.js";
import {detokenizeTokens, tokenizeManyWithBos, tokenTextsAfter} from "../protocol/index.js";
import {BatchingScorer} from "./batching-scorer.js";

/**
 * No vocabulary has tokens longer than this many bytes, so a text longer than context × this
 * cannot fit the context: it is refused without tokenizing it.
 */
export const maxPromptBytesPerToken = 256;
/** vLLM's default max_logprobs: the most prompt_logprobs alternatives per position. */
const maxPromptLogprobs = 20;
/** Texts up to context × this many bytes are tokenized at once; longer ones are first tried on a prefix. */
const directTokenizeBytesPerToken = 16;

export class ModelService {
    readonly backend: Backend;
    readonly modelName: string;
    private readonly scorer: BatchingScorer;
    private nextGenerationLane = 0;
    private generating = 0;

    constructor(backend: Backend, modelName: string) {
        this.backend = backend;
        this.modelName = modelName;
        this.scorer = new BatchingScorer(new Evaluator(backend, {cache: false}));
    }

    get outstanding(): number {
        return this.scorer.outstanding + this.generating;
    }

    /**
     * Tokens of each text, with BOS first where `addSpecialTokens` and the model wants one. A text
     * too long to fit the context is refused from its length, or from the tokens of a prefix, never
     * tokenized whole (tokenizing in process runs on the event loop, about 0.7 µs per byte).
     */
    async tokenizeTexts(texts: readonly string[], addSpecialTokens: boolean): Promise<TokenId[][]> {
        const size = this.backend.capabilities.contextSize;
        const tooLong = (detail: string): InputError =>
            new InputError(`the prompt does not fit the context of ${size} tokens: ${detail}`, {
                expected: `a prompt of at most ${size} tokens`,
                fields: {param: "prompt"},
            });
        const prefixLength = size * directTokenizeBytesPerToken;
        for (const text of texts) {
            const bytes = Buffer.byteLength(text);
            if (bytes > size * maxPromptBytesPerToken) throw tooLong(`it has ${bytes} bytes`);
        }
        const long = texts.filter((text) => text.length > prefixLength);
        if (long.length > 0) {
            const prefixes = await this.backend.tokenize(long.map((text) => text.slice(0, prefixLength)));
            for (const prefix of prefixes) {
                if (prefix.length > size + 1) throw tooLong(`its first ${prefixLength} characters alone are ${prefix.length} tokens`);
            }
        }
        return addSpecialTokens ? tokenizeManyWithBos(this.backend, texts) : this.backend.tokenize(texts);
    }

    async tokenizeText(text: string, addSpecialTokens: boolean): Promise<TokenId[]> {
        const [tokens] = await this.tokenizeTexts([text], addSpecialTokens);
        return tokens ?? [];
    }

    /** What each of `tokens` adds to the text after `previous` (see Backend.tokenTexts). */
    tokenTexts(tokens: readonly TokenId[], previous: readonly TokenId[] = []): Promise<string[]> {
        return tokenTextsAfter(this.backend, tokens, previous);
    }

    detokenize(tokens: readonly TokenId[]): Promise<string> {
        return detokenizeTokens(this.backend, tokens);
    }

    async renderChat(request: ChatRenderRequest): Promise<TokenId[]> {
        const [tokens] = await this.backend.renderChat([request]);
        return tokens ?? [];
    }

    /**
     * Logprob of every token of `tokens` from position `start` on (≥ 1; position 0 has none):
     * result[i] = log p(tokens[start + i] | tokens[0 .. start + i)).
     */
    async scoreFrom(tokens: readonly TokenId[], start: number): Promise<number[]> {
        this.checkTokens(tokens, 0);
        if (start >= tokens.length) return [];
        const first = Math.max(1, start);
        return this.scorer.score({context: tokens.slice(0, first), target: tokens.slice(first)});
    }

    /** The most alternatives per position `prompt_logprobs` may ask for (vLLM's default max_logprobs, 20, or fewer). */
    get maxPromptLogprobs(): number {
        return Math.min(maxPromptLogprobs, this.backend.capabilities.maxTopLogprobs);
    }

    /**
     * The `topN` most likely tokens at every prompt position after the first (vLLM's
     * prompt_logprobs: N): result[i − 1] holds the alternatives for tokens[i], best first. One lane
     * evaluates the prefixes in order, so each position costs one token of evaluation.
     */
    async promptAlternatives(tokens: readonly TokenId[], topN: number): Promise<TokenAlternative[][]> {
        this.checkTokens(tokens, 0);
        const lane = this.nextGenerationLane;
        this.nextGenerationLane = (lane + 1) % Math.max(1, this.backend.capabilities.lanes);
        this.generating++;
        try {
            const result: TokenAlternative[][] = [];
            for (let end = 1; end < tokens.length; end++) {
                const step = await this.backend.generate(
                    {context: tokens.slice(0, end), maxTokens: 1, temperature: 0, seed: 0, topLogprobs: topN, stopAtEog: false},
                    lane,
                );
                result.push(step.tokens[0]?.top.slice(0, topN) ?? []);
            }
            return result;
        } finally {
            this.generating--;
        }
    }

    async generate(request: GenerateRequest): Promise<Generation> {
        this.checkTokens(request.context, request.maxTokens);
        const lane = this.nextGenerationLane;
        this.nextGenerationLane = (lane + 1) % Math.max(1, this.backend.capabilities.lanes);
        this.generating++;
        try {
            return await this.backend.generate(request, lane);
        } finally {
            this.generating--;
        }
    }

    /** A prompt of `tokens` followed by `extra` generated tokens fits the window, and its ids the vocabulary. */
    checkTokens(tokens: readonly TokenId[], extra: number): void {
        checkTokenWindow(tokens, extra, "tokens to generate", {...windowLimits(this.backend, "shorten the prompt or lower max_tokens"), contextName: "prompt"});
    }
}
