/**
 * A word-level vocabulary laid out as a SentencePiece ("llama") tokenizer so that llama.cpp
 * reproduces it: control tokens, the 256 byte-fallback pieces (llama.cpp requires them), every
 * single character, and every "▁"-prefixed prefix of each word with scores that grow with length,
 * so that llama.cpp's merge loop turns each known word into exactly one token. Text is words
 * separated by single spaces; each word maps to the piece "▁word".
 */
import {InputError} from "../errors.js";

export const unknownId = 0;
export const bosId = 1;
export const eosId = 2;

/** SentencePiece token types as stored in GGUF `tokenizer.ggml.token_type`. */
export const tokenType = {normal: 1, unknown: 2, control: 3, byte: 6} as const;

const spaceMark = "\u2581";

export interface VocabularyPiece {
    text: string;
    score: number;
    type: number;
}

export class WordVocabulary {
    readonly words: readonly string[];
    readonly pieces: readonly VocabularyPiece[];
    private readonly idByWord: Map<string, number>;
    private readonly wordById: Map<number, string>;

    /** Control tokens appended after every other piece (chat markup such as `<|im_start|>`). */
    readonly specialTokens: readonly string[];

    constructor(words: readonly string[], specialTokens: readonly string[] = []) {
        const unique = [...new Set(words)];
        if (unique.length !== words.length) throw new InputError("vocabulary words must be distinct", {received: words.join(" ")});
        for (const word of unique) {
            if (word.length === 0 || /\s/.test(word) || word.includes(spaceMark)) {
                throw new InputError("a vocabulary word must be non-empty without spaces", {received: JSON.stringify(word)});
            }
        }
        this.words = unique;
        const pieces: VocabularyPiece[] = [
            {text: "<unk>", score: 0, type: tokenType.unknown},
            {text: "<s>", score: 0, type: tokenType.control},
            {text: "</s>", score: 0, type: tokenType.control},
        ];
        for (let byte = 0; byte < 256; byte++) {
            pieces.push({text: `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`, score: 0, type: tokenType.byte});
        }
        const seen = new Set<string>();
        const characters = [...new Set([spaceMark, ...unique.flatMap((word) => [...word])])].sort();
        for (const character of characters) {
            seen.add(character);
            pieces.push({text: character, score: -1000, type: tokenType.normal});
        }
        const idByWord = new Map<string, number>();
        const wordById = new Map<number, string>();
        for (const word of unique) {
            const characters = [...(spaceMark + word)];
            for (let length = 2; length <= characters.length; length++) {
                const prefix = characters.slice(0, length).join("");
                if (!seen.has(prefix)) {
                    seen.add(prefix);
                    pieces.push({text: prefix, score: length, type: tokenType.normal});
                }
            }
        }
        pieces.forEach((piece, id) => {
            if (piece.type === tokenType.normal && piece.text.startsWith(spaceMark)) {
                const word = piece.text.slice(spaceMark.length);
                if (unique.includes(word)) {
                    idByWord.set(word, id);
                    wordById.set(id, word);
                }
            }
        });
        for (const token of specialTokens) {
            if (token.length === 0 || /\s/.test(token) || pieces.some((piece) => piece.text === token)) {
                throw new InputError("a special token must be non-empty, without spaces and not already a piece", {received: JSON.stringify(token)});
            }
            pieces.push({text: token, score: 0, type: tokenType.control});
        }
        this.specialTokens = [...specialTokens];
        this.pieces = pieces;
        this.idByWord = idByWord;
        this.wordById = wordById;
    }

    get size(): number {
        return this.pieces.length;
    }

    id(word: string): number {
        const id = this.idByWord.get(word);
        if (id === undefined) throw new InputError(`"${word}" is not in this organism's vocabulary`, {expected: `one of: ${this.words.join(" ")}`});
        return id;
    }

    word(id: number): string {
        const word = this.wordById.get(id);
        if (word === undefined) throw new InputError(`token ${id} is not a word of this organism's vocabulary`);
        return word;
    }

    /** The id of a special token. */
    specialId(token: string): number {
        const index = this.specialTokens.indexOf(token);
        if (index < 0)
            throw new InputError(`"${token}" is not a special token of this vocabulary`, {expected: this.specialTokens.join(" ") || "no special tokens"});
        return this.pieces.length - this.specialTokens.length + index;
    }

    isWord(id: number): boolean {
        return this.wordById.has(id);
    }

    /** Token ids of text (words separated by spaces), without BOS. */
    encode(text: string): number[] {
        const trimmed = text.trim();
        if (trimmed.length === 0) return [];
        return trimmed.split(/ +/).map((word) => this.id(word));
    }

    decode(ids: readonly number[]): string {
        return ids.map((id) => this.word(id)).join(" ");
    }
}
