/**
 * A score cache that survives the process: an append-only JSON Lines file. Re-running an
 * explanation, or resuming a dataset run, then costs no repeated model calls. The file starts
 * with a header line; every later line is one result {b: backend id, h: hash, c: context,
 * t: target, l: logprobs (null = -Infinity)}. A torn last line (a run killed mid-write) is
 * skipped. Hits are checked against the exact tokens, so a hash collision cannot return a wrong
 * score. Results are kept in memory too (answers are small: one number per target token).
 */
import {appendFileSync, existsSync, readFileSync, writeFileSync} from "node:fs";
import {dirname} from "node:path";
import {InputError} from "../errors.js";
import type {ScoreResult, TokenId} from "../model/backend-spec.js";
import type {ScoreCache, ScoreCacheEntry, ScoreCacheKey} from "../evaluator/score-cache.js";
import {makeFolder} from "./output-paths.js";

const header = JSON.stringify({glassboxScoreCache: 1});

interface StoredLine {
    b: string;
    h: string;
    c: TokenId[];
    t: TokenId[];
    l: Array<number | null>;
}

export class FileScoreCache implements ScoreCache {
    readonly path: string;
    private entries: Map<string, StoredLine> | undefined;
    /** Lines skipped while loading (torn or foreign). */
    skippedLines = 0;

    constructor(path: string) {
        this.path = path;
    }

    get size(): number {
        return this.load().size;
    }

    lookup(keys: readonly ScoreCacheKey[]): Array<ScoreResult | undefined> {
        const entries = this.load();
        return keys.map((key) => {
            const stored = entries.get(`${key.backendId}\u0000${key.hash}`);
            if (stored === undefined || !sameTokens(stored.c, key.context) || !sameTokens(stored.t, key.target)) return undefined;
            return {logprobs: stored.l.map((value) => value ?? Number.NEGATIVE_INFINITY)};
        });
    }

    store(newEntries: readonly ScoreCacheEntry[]): void {
        const entries = this.load();
        const lines: string[] = [];
        for (const {key, result} of newEntries) {
            const line: StoredLine = {
                b: key.backendId,
                h: key.hash,
                c: Array.from(key.context),
                t: Array.from(key.target),
                l: result.logprobs.map((value) => (Number.isFinite(value) ? value : null)),
            };
            const mapKey = `${line.b}\u0000${line.h}`;
            if (entries.has(mapKey)) continue;
            entries.set(mapKey, line);
            lines.push(JSON.stringify(line));
        }
        if (lines.length > 0) this.writeFile(() => appendFileSync(this.path, `${lines.join("\n")}\n`));
    }

    private writeFile(write: () => void): void {
        try {
            write();
        } catch (error) {
            const code = (error as {code?: string}).code ?? "error";
            throw new InputError(`cannot write the score cache ${this.path} (${code})`, {hint: "pass a writable file with --cache", cause: error});
        }
    }

    private load(): Map<string, StoredLine> {
        if (this.entries !== undefined) return this.entries;
        const entries = new Map<string, StoredLine>();
        if (!existsSync(this.path)) {
            this.writeFile(() => {
                makeFolder(dirname(this.path));
                writeFileSync(this.path, `${header}\n`);
            });
            this.entries = entries;
            return entries;
        }
        let text: string;
        try {
            text = readFileSync(this.path, "utf8");
        } catch (error) {
            const code = (error as {code?: string}).code ?? "error";
            throw new InputError(`score cache ${this.path} ${code === "EISDIR" ? "is a directory" : `cannot be read (${code})`}`, {
                expected: "a score cache file (JSON Lines)",
                hint: "pass a file path with --cache, e.g. scores.jsonl",
                cause: error,
            });
        }
        const lines = text.split("\n");
        if (lines[0] !== header) {
            throw new InputError(`${this.path} is not a glassbox score cache`, {
                expected: `a file starting with ${header}`,
                received: JSON.stringify((lines[0] ?? "").slice(0, 60)),
                hint: "pass a new file name, or delete the file",
            });
        }
        for (const line of lines.slice(1)) {
            if (line.trim() === "") continue;
            const parsed = parseLine(line);
            if (parsed === undefined) {
                this.skippedLines++;
                continue;
            }
            entries.set(`${parsed.b}\u0000${parsed.h}`, parsed);
        }
        // A torn last line would glue onto the next append: end the file with a newline.
        if (!text.endsWith("\n")) this.writeFile(() => appendFileSync(this.path, "\n"));
        this.entries = entries;
        return entries;
    }
}

function parseLine(line: string): StoredLine | undefined {
    try {
        const value = JSON.parse(line) as Partial<StoredLine>;
        if (typeof value.b !== "string" || typeof value.h !== "string" || !Array.isArray(value.c) || !Array.isArray(value.t) || !Array.isArray(value.l))
            return undefined;
        if (value.l.length !== value.t.length) return undefined;
        return value as StoredLine;
    } catch {
        return undefined;
    }
}

function sameTokens(stored: readonly TokenId[], tokens: ArrayLike<TokenId>): boolean {
    if (stored.length !== tokens.length) return false;
    for (let index = 0; index < stored.length; index++) if (stored[index] !== tokens[index]) return false;
    return true;
}
