/**
 * Reading a model's self-explanation. Every parser returns what it read and what it could not
 * read; nothing is invented: a unit the model did not score gets no value here (the check scores
 * it 0 and reports it as omitted).
 */

export interface ImportanceEntry {
    word: string;
    score: number;
}

export interface ParsedImportance {
    entries: ImportanceEntry[];
    /** Lines that looked like list entries but could not be read. */
    unparsed: string[];
}

const number = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)`;
const pairPattern = new RegExp(String.raw`\(\s*["'“‘]?([^,()]*?)["'”’]?\s*,\s*(${number})\s*\)`, "g");
const rankedPattern = new RegExp(String.raw`^\s*\d+[.)]\s*["'“‘]?(.+?)["'”’]?\s*[,:\-–]\s*(${number})\s*$`);
const plainPattern = new RegExp(String.raw`^\s*[-*•]?\s*["'“‘]?([^\s,:()]+?)["'”’]?\s*[,:]\s*(${number})\s*$`);

/** "(word, 0.5)" pairs anywhere, or one "word: 0.5" / "1. word, 80" entry per line. */
export function parseImportanceList(text: string): ParsedImportance {
    const entries: ImportanceEntry[] = [];
    const unparsed: string[] = [];
    for (const match of text.matchAll(pairPattern)) {
        const word = (match[1] ?? "").trim();
        const score = Number(match[2]);
        if (word === "" || !Number.isFinite(score)) unparsed.push(match[0]);
        else entries.push({word, score});
    }
    if (entries.length > 0) return {entries, unparsed};
    for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const match = rankedPattern.exec(line) ?? plainPattern.exec(line);
        if (match !== null) entries.push({word: (match[1] ?? "").trim(), score: Number(match[2])});
        else if (/\d/.test(line) && /[,:(]/.test(line)) unparsed.push(line.trim());
    }
    return {entries, unparsed};
}

/** Top-k words: the text after "words:" (or the whole text), split on commas, semicolons and newlines. */
export function parseWordList(text: string): string[] {
    const marker = /words?\s*(?:are|is)?\s*:\s*/i.exec(text);
    const body = marker === null ? text : text.slice(marker.index + marker[0].length);
    return body
        .split(/[,;\n]/)
        .map((piece) =>
            piece
                .replace(/^\s*(?:\d+[.)]|[-*•])\s*/, "")
                .replace(/["'“”‘’[\]()]/g, "")
                .trim(),
        )
        .filter((piece) => piece !== "" && piece.split(/\s+/).length <= 3);
}

/** 1-based document labels cited as "doc k" / "document k" / "[k]". */
export function parseCitations(text: string): number[] {
    const labels: number[] = [];
    for (const match of text.matchAll(/\b(?:doc(?:ument)?)\s*#?\s*(\d+)\b|\[(\d+)\]/gi)) {
        const label = Number(match[1] ?? match[2]);
        if (!labels.includes(label)) labels.push(label);
    }
    return labels;
}

/** "(label, 0.9)" at the start of an answer: the label text and the confidence, when present. */
export function parseAnswerConfidence(text: string, options?: readonly string[]): {label: string; confidence: number | undefined; raw: string} | undefined {
    const pattern = new RegExp(String.raw`\(\s*["']?([^,()]+?)["']?\s*(?:,\s*(${number}))?\s*\)`, "g");
    const matches = [...text.matchAll(pattern)];
    // With options, the pair whose label is an option; otherwise the first pair.
    const wanted = options === undefined ? undefined : new Set(options.map((option) => option.trim().toLowerCase()));
    const match = wanted === undefined ? matches[0] : matches.find((candidate) => wanted.has((candidate[1] ?? "").trim().toLowerCase()));
    if (match === undefined) return undefined;
    return {label: (match[1] ?? "").trim(), confidence: match[2] === undefined ? undefined : Number(match[2]), raw: match[0]};
}

export function normaliseWord(word: string): string {
    return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

/**
 * Scores per unit from the entries: each entry goes to the first not-yet-scored unit whose
 * normalised text equals the entry's (so repeated words are matched in order).
 */
export function scoresForUnits(
    unitTexts: readonly string[],
    entries: readonly ImportanceEntry[],
): {scores: number[]; matched: number; unmatched: string[]; omitted: number} {
    const scores = new Array<number>(unitTexts.length).fill(0);
    const taken = new Array<boolean>(unitTexts.length).fill(false);
    const normalised = unitTexts.map(normaliseWord);
    const unmatched: string[] = [];
    let matched = 0;
    for (const entry of entries) {
        const key = normaliseWord(entry.word);
        const index = normalised.findIndex((text, position) => !taken[position] && text === key && key !== "");
        if (index < 0) {
            unmatched.push(entry.word);
            continue;
        }
        taken[index] = true;
        scores[index] = entry.score;
        matched++;
    }
    return {scores, matched, unmatched, omitted: taken.filter((value) => !value).length};
}
