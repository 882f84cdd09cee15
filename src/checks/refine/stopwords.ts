/** A short English stopword list: words left out of "important words" feedback (as SR-NLE does for attention feedback). */
export const stopwords: ReadonlySet<string> = new Set([
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "into", "about",
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "it", "its", "this", "that",
    "these", "those", "i", "you", "he", "she", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "our", "their",
    "not", "no", "so", "than", "then", "there", "here", "what", "which", "who", "whom", "when", "where", "why", "how", "all",
    "any", "both", "each", "few", "more", "most", "other", "some", "such", "only", "own", "same", "too", "very", "can", "will",
    "just", "should", "now", "answer", "question",
]);

export function isContentWord(word: string): boolean {
    const normalised = word.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, "");
    return normalised !== "" && !stopwords.has(normalised) && /\p{L}/u.test(normalised);
}

/** A word without leading and trailing punctuation ("day." → "day"). */
export function bareWord(text: string): string {
    return text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}
