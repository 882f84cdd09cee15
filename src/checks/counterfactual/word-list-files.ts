/** The word lists of insertion edits, read from the files the settings name or from data/wordlists/. */
import {fileURLToPath} from "node:url";
import type {CheckSettingsContext} from "../check-definition.js";
import type {WordLists} from "./insertions.js";
import {parseWordListFile} from "./word-lists.js";

const wordListDirectory = fileURLToPath(new URL("../../../data/wordlists/", import.meta.url));

export function readWordLists(context: CheckSettingsContext, files: {adjectives: string | undefined; adverbs: string | undefined}): WordLists {
    const adjectives = files.adjectives ?? `${wordListDirectory}adjectives.txt`;
    const adverbs = files.adverbs ?? `${wordListDirectory}adverbs.txt`;
    return {
        adjectives: parseWordListFile(context.readTextFile(adjectives, "--adjectives file", "a word list, one word per line"), adjectives),
        adverbs: parseWordListFile(context.readTextFile(adverbs, "--adverbs file", "a word list, one word per line"), adverbs),
    };
}
