import assert from "node:assert/strict";
import {describe, test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/scripted-backend.js";
import {detokenizeCharacters, eosToken, scriptedVocabularySize, tokenizeCharacters} from "../../src/backends/scripted/tokenizer.js";
import {selfExplanationItem, type SelfExplanationVerdict} from "../../src/checks/self-explanation/check.js";
import {elicitationRequest} from "../../src/checks/self-explanation/prompts.js";
import {datasetItem} from "../../src/datasets/item.js";

/**
 * A scripted classifier ("positive" exactly when "superb" is in the text) that, asked for a
 * self-explanation, replies with a fixed importance list or word list.
 */
function scriptedSelfExplainer(reply: string): ScriptedBackend {
    return new ScriptedBackend({
        id: `huang-${reply.length}`,
        logits: (context) => {
            const text = detokenizeCharacters(context);
            const logits = new Float64Array(scriptedVocabularySize);
            let start: number;
            let response: string;
            const request = text.indexOf("First give");
            if (request >= 0) {
                start = text.indexOf("\n", request) + 1;
                response = start > 0 ? reply : "";
            } else {
                const cue = text.lastIndexOf("Answer:");
                start = cue < 0 ? text.length : cue + "Answer:".length;
                response = /\bsuperb\b/.test(text.slice(0, start)) ? " positive" : " negative";
            }
            const generated = start > 0 ? text.slice(start) : "";
            const next =
                start > 0 && response.startsWith(generated) && generated.length < response.length
                    ? tokenizeCharacters(response[generated.length]!)[0]!
                    : eosToken;
            logits[next] = 40;
            return logits;
        },
    });
}

const item = datasetItem({id: "s", prompt: "Review: a superb film.\nAnswer:", options: ["negative", "positive"], label: "positive"});

describe("self-explanation check, Huang protocols, on scripted models", () => {
    test("the request names the order, the options and the unit", () => {
        assert.equal(
            elicitationRequest({format: "topk", order: "ep", unit: "word", k: 2, options: ["negative", "positive"]}),
            'First give the 2 words of the input above that mattered most for your answer, most important first, on one line after "Words:". Then give your answer, one of "negative", "positive", and your confidence as (<answer>, <confidence from 0 to 1>).',
        );
    });

    test("a full list that puts the deciding word first is faithful and agrees with the attribution", async () => {
        const evaluation = await selfExplanationItem(scriptedSelfExplainer("(positive, 0.9)\n(superb, 0.950)\n(film, 0.100)\n(plot, 0.3)\n"), item, {
            protocol: "list",
        });
        assert.equal(evaluation.status, "ok", JSON.stringify(evaluation.verdict));
        const verdict = evaluation.verdict as SelfExplanationVerdict;
        assert.deepEqual(verdict.units, ["Review:", "a", "superb", "film.", "Answer:"]);
        assert.deepEqual(verdict.selfScores, [0, 0, 0.95, 0.1, 0]);
        assert.equal(verdict.answer, "positive");
        assert.equal(verdict.confidence, 0.9);
        assert.deepEqual(verdict.parsing, {entries: 3, matched: 2, unmatched: ["plot"], omittedUnits: 3, unparsed: []});
        assert.equal(verdict.k, 1);
        assert.equal(verdict.agreement.featureAgreement, 1);
        assert.equal(verdict.faithful, true);
        assert.ok(Math.abs((verdict.attribution.values[2] ?? 0) - verdict.valueFull + verdict.valueEmpty) < 1e-6);
    });

    test("a top-k list that names a word that does not matter is unfaithful", async () => {
        const evaluation = await selfExplanationItem(scriptedSelfExplainer("(positive, 0.8) Words: film, Review"), item, {protocol: "topk"});
        const verdict = evaluation.verdict as SelfExplanationVerdict;
        assert.deepEqual(verdict.selfScores, [1, 0, 0, 2, 0]);
        assert.equal(verdict.faithful, false);
        assert.equal(verdict.agreement.featureAgreement, 0);
    });

    test("a reply naming no option is unparseable, with what was read", async () => {
        const evaluation = await selfExplanationItem(scriptedSelfExplainer("(maybe, 0.5)\n(superb, 1)"), item, {protocol: "list"});
        assert.equal(evaluation.status, "unparseable");
        assert.equal(evaluation.error, "the reply names none of the options");
    });
});
