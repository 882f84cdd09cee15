import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend, scriptedVocabularySize, type LogitsFunction} from "../../src/backends/scripted/index.js";
import {modelCompleter} from "../../src/protocol/index.js";
import {CapabilityError} from "../../src/errors.js";

/** A model that repeats the last token of its context, greedily. */
const echoLast: LogitsFunction = (context) => {
    const logits = new Float64Array(scriptedVocabularySize);
    logits[context.at(-1)!] = 10;
    return logits;
};

test("model completer: one greedy continuation per prompt, in prompt order, over two lanes", async () => {
    const backend = new ScriptedBackend({logits: echoLast, capabilities: {lanes: 2}});
    const completer = modelCompleter(backend);
    const outputs = await completer.complete(["ab", "cd", "ef", "g"], 3);
    assert.deepEqual(outputs, ["bbb", "ddd", "fff", "ggg"]);
    assert.equal(completer.generations, 4);
});

test("model completer: the token cap is lowered to the room the context leaves", async () => {
    const backend = new ScriptedBackend({logits: echoLast, capabilities: {contextSize: 8}});
    // BOS + 5 characters leave 2 tokens of the 8.
    assert.deepEqual(await modelCompleter(backend).complete(["hello"], 10), ["oo"]);
    await assert.rejects(modelCompleter(backend).complete(["toolong!"], 1), /leaves no room to generate/);
});

test("model completer: a backend that does not generate is refused", () => {
    const backend = new ScriptedBackend({capabilities: {generation: false}});
    assert.throws(() => modelCompleter(backend), CapabilityError);
});
