/** Word lists for insertion edits: one word per line, "#" comments and blank lines ignored. */
import {InputError} from "../../errors.js";

export function parseWordListFile(text: string, origin: string): string[] {
    const words: string[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) return;
        if (!/^[\p{L}][\p{L}'-]*$/u.test(line)) {
            throw new InputError(`${origin} line ${index + 1} is not a single word`, {received: JSON.stringify(line), expected: "one word per line"});
        }
        words.push(line);
    });
    if (words.length === 0) throw new InputError(`${origin} holds no words`, {expected: "one word per line"});
    return words;
}
