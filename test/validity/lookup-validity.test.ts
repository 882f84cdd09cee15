/**
 * The lookup benchmark's bookkeeping on a rule model whose evidence is exact: a character-level
 * scripted model that answers "question : KEY" with the value of the document "KEY VALUE ." and
 * is uniform when no document holds the key. Every method must then put the gold document first.
 */
import assert from "node:assert/strict";
import {test} from "node:test";
import {detokenizeCharacters, ScriptedBackend, scriptedVocabularySize, tokenizeCharacters, type LogitsFunction} from "../../src/backends/scripted/index.js";
import {createLookupTask} from "../../src/organisms/tasks/lookup.js";
import {runLookupValidity} from "../../src/validity/lookup-validity.js";
import {documentWords, rankOf} from "../../src/validity/lookup-input.js";
import {SeededRandom} from "../../src/foundation/random.js";
import {replaceSection} from "../../src/validity/markdown.js";

const lookupRule: LogitsFunction = (context) => {
    const logits = new Float64Array(scriptedVocabularySize);
    const text = detokenizeCharacters(context);
    const at = text.lastIndexOf("question : ");
    if (at < 0) return logits;
    const [key = "", ...rest] = text.slice(at + "question : ".length).split(/(?= )/u);
    const written = rest.join("");
    const value = new RegExp(`(?:^| )${key} (\\S+) \\.`, "u").exec(text.slice(0, at))?.[1];
    if (value === undefined) return logits;
    const answer = ` ${value}`;
    if (written.length < answer.length && answer.startsWith(written)) logits[tokenizeCharacters(answer[written.length]!)[0]!] = 12;
    return logits;
};

test("lookup validity: on a rule model every method ranks the gold document first", async () => {
    const backend = new ScriptedBackend({logits: lookupRule, id: "lookup-rule"});
    const result = await runLookupValidity(backend, createLookupTask(), {
        items: 6,
        wordItems: 2,
        itemSeed: 5,
        methods: ["loo", "exact", "kernelshap"],
        budgets: [16, 64],
        wordMethods: ["loo", "kernelshap"],
    });
    assert.equal(result.accuracy, 1);
    assert.deepEqual(
        result.documents.map((cell) => [cell.method, cell.budget]),
        [
            ["loo", undefined],
            ["exact", undefined],
            ["kernelshap", 16],
            ["kernelshap", 64],
        ],
    );
    for (const cell of result.documents) {
        assert.ok(cell.items > 0, `${cell.method} ${cell.budget} ran`);
        assert.equal(cell.top1, cell.items, `${cell.method} at ${cell.budget}`);
        assert.equal(cell.meanRank, 1);
    }
    // Leave-one-out: the key and the value of the gold document are each necessary, so both top the ranking.
    const loo = result.words.find((cell) => cell.method === "loo")!;
    assert.equal(loo.items, 2);
    assert.equal(loo.goldWordsTop2, 2);
});

test("document words skip the full stops and keep their document", () => {
    const item = createLookupTask().heldOutItem(new SeededRandom(3));
    const words = documentWords(item);
    assert.equal(words.length, 2 * item.documents.length);
    for (const word of words) assert.equal(item.prompt.slice(word.start, word.end), word.text);
    assert.deepEqual(
        words.slice(0, 2).map((word) => word.document),
        [0, 0],
    );
});

test("rank counts ties against the ranked entry", () => {
    assert.equal(rankOf([3, 1, 2], 0), 1);
    assert.equal(rankOf([3, 3, 2], 0), 2);
    assert.equal(rankOf([1, 2, 3], 0), 3);
});

test("a benchmark section is replaced in place, other sections kept", () => {
    const before = "# B\n\n## One\n\nold\n\n## Two\n\nkeep\n";
    assert.equal(replaceSection(before, "One", "new"), "# B\n\n## One\n\nnew\n\n## Two\n\nkeep\n");
    assert.equal(replaceSection("# B\n", "Three", "x"), "# B\n\n## Three\n\nx\n");
});
