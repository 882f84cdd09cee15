/**
 * Token text in context, the one implementation behind every backend's {@link Backend.tokenTexts}:
 * what each token adds to the text, read after the tokens before it, computed from a batched
 * detokenizer. A token's text is decode(window + token) minus decode(window), where the window is
 * the last {@link contextWindowTokens} tokens before it (so a SentencePiece word start keeps its
 * leading space); with nothing before it, it is the token decoded alone. A token that ends inside
 * a UTF-8 character adds "" and the token that completes the character carries all of it, so a row
 * joins to the text the sequence decodes to; a character left incomplete at the end of a row reads
 * as "\uFFFD". All decodes of a call travel in at most two batches (identical sequences once).
 */
import type {TokenId, TokenTextRequest} from "./backend-spec.js";

/** Tokens before a token that its text is read after. */
export const contextWindowTokens = 8;
/** Most tokens one UTF-8 character may be split over (byte tokens). */
const maxCharacterTokens = 4;

/** Batched detokenization without special tokens: one text per sequence. */
export type BatchDetokenizer = (sequences: readonly (readonly TokenId[])[]) => Promise<string[]>;

const replacement = "\uFFFD";

export async function tokenTextsByDecoding(detokenize: BatchDetokenizer, requests: readonly TokenTextRequest[]): Promise<string[][]> {
    const batch = new DecodeBatch();
    // Round 1: every token read after its window.
    const singles = requests.map((request) =>
        request.tokens.map((_, index) => batch.difference(windowBefore(request, index), request.tokens.slice(index, index + 1), false)),
    );
    await batch.run(detokenize);
    // Round 2: the token alone where the window's text is not a prefix, and a token read as an
    // incomplete character together with up to three following tokens.
    for (const row of singles) for (const single of row) batch.addFallback(single);
    const groups = requests.map((request, row) =>
        request.tokens.map((_, index) => {
            const single = singles[row]?.[index];
            if (single === undefined || !batch.windowFits(single) || !batch.read(single).endsWith(replacement) || index === request.tokens.length - 1)
                return undefined;
            const last = Math.min(request.tokens.length, index + maxCharacterTokens);
            return Array.from({length: last - index - 1}, (_, extra) =>
                batch.difference(windowBefore(request, index), request.tokens.slice(index, index + extra + 2), true),
            );
        }),
    );
    await batch.run(detokenize);
    return requests.map((request, row) => {
        const texts: string[] = [];
        let index = 0;
        while (index < request.tokens.length) {
            const extended = groups[row]?.[index];
            const completed = extended?.findIndex((handle) => !batch.read(handle).endsWith(replacement)) ?? -1;
            if (extended !== undefined && completed >= 0) {
                // Tokens index … index + completed end inside the character; the next one completes it.
                for (let step = 0; step <= completed; step++) texts.push("");
                texts.push(batch.read(extended[completed]));
                index += completed + 2;
                continue;
            }
            texts.push(batch.read(singles[row]?.[index]));
            index++;
        }
        return texts;
    });
}

function windowBefore(request: TokenTextRequest, index: number): TokenId[] {
    const before = [...(request.previous ?? []).slice(-contextWindowTokens), ...request.tokens.slice(0, index)];
    return before.slice(-contextWindowTokens);
}

interface Difference {
    /** Index of decode(window + tokens), and of decode(window) when there is a window. */
    whole: number;
    window: number | undefined;
    /** Tokens read, and the index of their decode alone: the fallback when the window's text is not a prefix. */
    tokens: readonly TokenId[];
    alone: number | undefined;
}

/** Decodes gathered across a round, deduplicated, then sent as one batch. */
class DecodeBatch {
    private readonly keys = new Map<string, number>();
    private readonly sequences: TokenId[][] = [];
    private texts: string[] = [];
    private done = 0;

    difference(window: readonly TokenId[], tokens: readonly TokenId[], withFallback: boolean): Difference {
        return {
            whole: this.add([...window, ...tokens]),
            window: window.length === 0 ? undefined : this.add(window),
            tokens,
            alone: withFallback ? this.add(tokens) : undefined,
        };
    }

    /** Whether the window's text (decoded already) is a prefix of the whole text. */
    windowFits(difference: Difference): boolean {
        if (difference.window === undefined) return true;
        return (this.texts[difference.whole] ?? "").startsWith(this.texts[difference.window] ?? "");
    }

    /** Adds the decode of the tokens alone when the window does not fit (decoded with the next run). */
    addFallback(difference: Difference): void {
        if (difference.alone === undefined && !this.windowFits(difference)) difference.alone = this.add(difference.tokens);
    }

    async run(detokenize: BatchDetokenizer): Promise<void> {
        const pending = this.sequences.slice(this.done);
        this.done = this.sequences.length;
        if (pending.length > 0) this.texts = [...this.texts, ...(await detokenize(pending))];
    }

    read(difference: Difference | undefined): string {
        if (difference === undefined) return "";
        const whole = this.texts[difference.whole] ?? "";
        if (difference.window === undefined) return whole;
        const window = this.texts[difference.window] ?? "";
        if (whole.startsWith(window)) return whole.slice(window.length);
        return difference.alone === undefined ? "" : (this.texts[difference.alone] ?? "");
    }

    private add(sequence: readonly TokenId[]): number {
        const key = sequence.join(",");
        const known = this.keys.get(key);
        if (known !== undefined) return known;
        this.sequences.push([...sequence]);
        this.keys.set(key, this.sequences.length - 1);
        return this.sequences.length - 1;
    }
}
