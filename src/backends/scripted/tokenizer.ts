/**
 * The scripted backend's tokenizer: one token per character (newline and printable ASCII), a
 * few special tokens (BOS, EOS, chat markers) and `<unk>` for everything else. Special-token
 * text in user input is plain text: "<s>" tokenizes as three characters.
 */
import type {TokenId} from "../../model/backend-spec.js";

export const scriptedSpecialTokens = ["<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"] as const;
export type ScriptedSpecialToken = (typeof scriptedSpecialTokens)[number];

export const unknownToken: TokenId = 0;
export const bosToken: TokenId = 1;
export const eosToken: TokenId = 2;
export const systemToken: TokenId = 3;
export const userToken: TokenId = 4;
export const assistantToken: TokenId = 5;
export const endOfTurnToken: TokenId = 6;

const characters = ["\n", ...Array.from({length: 95}, (_, index) => String.fromCharCode(32 + index))];
const firstCharacterToken = scriptedSpecialTokens.length;
const tokenOfCharacter = new Map(characters.map((character, index) => [character, firstCharacterToken + index]));

/** Vocabulary size: special tokens plus newline and the 95 printable ASCII characters. */
export const scriptedVocabularySize = firstCharacterToken + characters.length;

export function isSpecialToken(token: TokenId): boolean {
    return token >= 0 && token < firstCharacterToken;
}

/** End-of-generation tokens: EOS and the end-of-turn marker. */
export function isEndOfGeneration(token: TokenId): boolean {
    return token === eosToken || token === endOfTurnToken;
}

export function tokenizeCharacters(text: string): TokenId[] {
    const tokens: TokenId[] = [];
    for (const character of text) tokens.push(tokenOfCharacter.get(character) ?? unknownToken);
    return tokens;
}

export function detokenizeCharacters(tokens: readonly TokenId[], special = false): string {
    let text = "";
    for (const token of tokens) {
        if (token >= firstCharacterToken) text += characters[token - firstCharacterToken] ?? "";
        else if (token === unknownToken) text += special ? "<unk>" : "\uFFFD";
        else if (special) text += scriptedSpecialTokens[token] ?? "";
    }
    return text;
}
