/**
 * What the HTTP handlers need from the model, on top of the backend: batched scoring of whole
 * prompts (every position, as vLLM's prompt logprobs) or of a suffix (SGLang's
 * logprob_start_len), generation on a rotating lane, tokens and token texts through the protocol
 * layer, and request checks that turn into 400 answers before any work is queued.
 */
import {Evaluator} from "../evaluator/evaluator.js";
import type {Backend, ChatRenderRequest, GenerateRequest, Generation, TokenId} from "../model/backend-spec.js";
import {checkTokenWindow, windowLimits} from "../model/token-window.js";
import {detokenizeTokens, tokenizeManyWithBos, tokenTextsAfter} from "../protocol/index.js";
import {BatchingScorer} from "./batching-scorer.js";

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

    /** Tokens of each text, with BOS first where `addSpecialTokens` and the model wants one. */
    tokenizeTexts(texts: readonly string[], addSpecialTokens: boolean): Promise<TokenId[][]> {
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
