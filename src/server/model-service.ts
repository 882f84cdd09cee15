/**
 * What the HTTP handlers need from the model, on top of the backend: batched scoring of whole
 * prompts (every position, as vLLM's prompt logprobs) or of a suffix (SGLang's
 * logprob_start_len), generation on a rotating lane, token texts, and request checks that turn
 * into 400 answers before any work is queued.
 */
import {ContextOverflowError, InputError} from "../errors.js";
import {Evaluator} from "../evaluator/evaluator.js";
import {tokenizeWithBos} from "../model/alignment.js";
import type {GenerateRequest, Generation, ModelBackend, TokenAlternative, TokenId} from "../model/contract.js";
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

/** A backend that can also say which text one token adds after others (the llama.cpp backend can). */
export type ServedBackend = ModelBackend & {tokenText?(token: TokenId, previous?: readonly TokenId[]): string};

export class ModelService {
    readonly backend: ServedBackend;
    readonly modelName: string;
    private readonly scorer: BatchingScorer;
    private nextGenerationLane = 0;
    private generating = 0;

    constructor(backend: ServedBackend, modelName: string) {
        this.backend = backend;
        this.modelName = modelName;
        this.scorer = new BatchingScorer(new Evaluator(backend, {cache: false}));
    }

    get outstanding(): number {
        return this.scorer.outstanding + this.generating;
    }

    /**
     * Tokens of a text that can fit the context. Tokenizing runs on the event loop (about 0.7 µs
     * per byte in llama.cpp), so a text too long to fit is refused from its length, or from the
     * tokens of a prefix, never tokenized whole.
     */
    tokenizeText(text: string, addSpecialTokens: boolean): TokenId[] {
        const size = this.backend.capabilities.contextSize;
        const tooLong = (detail: string): InputError => new InputError(`the prompt does not fit the context of ${size} tokens: ${detail}`, {
            expected: `a prompt of at most ${size} tokens`, fields: {param: "prompt"},
        });
        const bytes = Buffer.byteLength(text);
        if (bytes > size * maxPromptBytesPerToken) throw tooLong(`it has ${bytes} bytes`);
        if (text.length > size * directTokenizeBytesPerToken) {
            const prefix = this.backend.tokenize(text.slice(0, size * directTokenizeBytesPerToken));
            if (prefix.length > size + 1) throw tooLong(`its first ${size * directTokenizeBytesPerToken} characters alone are ${prefix.length} tokens`);
        }
        return addSpecialTokens ? tokenizeWithBos(this.backend, text) : this.backend.tokenize(text);
    }

    tokenText(token: TokenId, previous: readonly TokenId[]): string {
        if (this.backend.tokenText !== undefined) return this.backend.tokenText(token, previous);
        const tail = previous.slice(-8);
        const before = this.backend.detokenize(tail);
        const after = this.backend.detokenize([...tail, token]);
        return after.startsWith(before) ? after.slice(before.length) : this.backend.detokenize([token]);
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
                const step = await this.backend.generate({context: tokens.slice(0, end), maxTokens: 1, temperature: 0, seed: 0, topLogprobs: topN, stopAtEog: false}, lane);
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

    checkTokens(tokens: readonly TokenId[], extra: number): void {
        const size = this.backend.capabilities.contextSize;
        if (tokens.length === 0) throw new InputError("the prompt is empty", {expected: "at least one token"});
        if (tokens.length + extra > size) {
            throw new ContextOverflowError(`${tokens.length} prompt tokens + ${extra} tokens to generate = ${tokens.length + extra} tokens do not fit the context of ${size} tokens`);
        }
        const vocabulary = this.backend.vocabulary.size;
        for (const token of tokens) {
            if (vocabulary > 0 && token >= vocabulary) throw new InputError(`token id ${token} is outside the vocabulary of ${vocabulary} tokens`);
        }
    }
}
