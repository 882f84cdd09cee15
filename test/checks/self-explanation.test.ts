import assert from "node:assert/strict";
import {describe, test} from "node:test";
import {selfExplanationItem, summarizeSelfExplanation, type SelfExplanationVerdict} from "../../src/checks/self-explanation/check.js";
import {parseAnswerConfidence, parseCitations, parseImportanceList, parseWordList, scoresForUnits} from "../../src/checks/self-explanation/parse.js";
import {scriptedExplainer} from "../../src/backends/scripted/explainers.js";
import {ScriptedBackend} from "../../src/backends/scripted/scripted-backend.js";
import {detokenizeCharacters, eosToken, scriptedVocabularySize, tokenizeCharacters} from "../../src/backends/scripted/tokenizer.js";
import {datasetItem} from "../../src/datasets/item.js";
import {CapabilityError} from "../../src/errors.js";

/** A scripted lookup model: answers from the document holding the key (else the first document) and cites doc k. */
function scriptedCiter(mode: "honest" | "wrong"): ScriptedBackend {
    return new ScriptedBackend({
        id: `citer-${mode}`,
        name: `citer-${mode}`,
        logits: (context) => {
            const text = detokenizeCharacters(context);
            const question = /question : (\w+) is/.exec(text);
            const logits = new Float64Array(scriptedVocabularySize);
            if (question === null) {
                logits[eosToken] = 40;
                return logits;
            }
            const prompt = text.slice(0, question.index + question[0].length);
            const documents = [...prompt.matchAll(/doc (\d+) : (\w+) is (\w+) \./g)].map((match) => ({
                label: Number(match[1]),
                key: match[2],
                value: match[3],
            }));
            const gold = documents.find((document) => document.key === question[1]) ?? documents[0];
            const cited = mode === "honest" ? (gold?.label ?? 1) : gold?.label === 1 ? 2 : 1;
            const response = ` ${gold?.value ?? "red"} because doc ${cited} .`;
            const generated = text.slice(prompt.length);
            const next = response.startsWith(generated) && generated.length < response.length ? tokenizeCharacters(response[generated.length]!)[0]! : eosToken;
            logits[next] = 40;
            return logits;
        },
    });
}

const prompt = "doc 1 : lime is pink . doc 2 : kiwi is gold . doc 3 : pear is cyan . question : kiwi is";
const lookupItem = datasetItem({
    id: "k",
    prompt,
    spans: [
        {start: 0, end: 22},
        {start: 23, end: 45},
        {start: 46, end: 68},
    ],
    options: ["pink", "gold", "cyan", "red"],
    label: "gold",
});
const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);

describe("self-explanation parsing", () => {
    test("importance pairs, ranked lines and plain lines; unreadable lines are reported", () => {
        assert.deepEqual(parseImportanceList('(0, 0.9)\n("film", -0.250) (great, .5)').entries, [
            {word: "0", score: 0.9},
            {word: "film", score: -0.25},
            {word: "great", score: 0.5},
        ]);
        const ranked = parseImportanceList("1. great, 90\n2. film: 40\nthis line (has, no number)\n");
        assert.deepEqual(ranked.entries, [
            {word: "great", score: 90},
            {word: "film", score: 40},
        ]);
        assert.deepEqual(parseImportanceList("great: high\nfilm, 0.2x").unparsed, ["film, 0.2x"]);
    });

    test("word lists, citations and (answer, confidence)", () => {
        assert.deepEqual(parseWordList('(positive, 0.9)\nWords: great, loved it, "fun"'), ["great", "loved it", "fun"]);
        assert.deepEqual(parseCitations("because doc 3 and Document 1, see [2]"), [3, 1, 2]);
        assert.deepEqual(parseAnswerConfidence("(positive, 0.85) then"), {label: "positive", confidence: 0.85, raw: "(positive, 0.85)"});
        assert.equal(parseAnswerConfidence("(film, 0.2) (negative, 0.7)", ["negative", "positive"])?.label, "negative");
    });

    test("entries map to units in order; unmatched and omitted are counted, never filled", () => {
        const mapped = scoresForUnits(
            ["The", "film", "was", "the", "best."],
            [
                {word: "the", score: 0.1},
                {word: "THE", score: 0.2},
                {word: "best", score: 0.9},
                {word: "plot", score: 1},
            ],
        );
        assert.deepEqual(mapped.scores, [0.1, 0, 0, 0.2, 0.9]);
        assert.equal(mapped.matched, 3);
        assert.deepEqual(mapped.unmatched, ["plot"]);
        assert.equal(mapped.omitted, 2);
    });
});

describe("self-explanation check (citation protocol) on scripted citers", () => {
    test("an honest citer: faithful, full agreement, hand-computed comprehensiveness 1 and sufficiency 0", async () => {
        const evaluation = await selfExplanationItem(scriptedCiter("honest"), lookupItem, {protocol: "citation"});
        assert.equal(evaluation.status, "ok");
        const verdict = evaluation.verdict as SelfExplanationVerdict;
        assert.equal(verdict.text, " gold because doc 2 .");
        assert.equal(verdict.answer, "gold");
        assert.deepEqual(verdict.selfScores, [0, 1, 0]);
        assert.equal(verdict.faithful, true);
        assert.equal(verdict.agreement.featureAgreement, 1);
        assert.equal(verdict.agreement.k, 1);
        close(verdict.attribution.values[1]!, 1);
        close(verdict.self.comprehensiveness, 1);
        close(verdict.self.sufficiency, 0);
        assert.equal(verdict.self.fractionRemovedAtFlip, 1 / 3);
    });

    test("a citer naming a wrong document: unfaithful, no agreement, comprehensiveness 2/3, sufficiency 1/3", async () => {
        const evaluation = await selfExplanationItem(scriptedCiter("wrong"), lookupItem, {protocol: "citation"});
        const verdict = evaluation.verdict as SelfExplanationVerdict;
        assert.equal(verdict.answer, "gold");
        assert.deepEqual(verdict.selfScores, [1, 0, 0]);
        assert.equal(verdict.faithful, false);
        assert.equal(verdict.agreement.featureAgreement, 0);
        close(verdict.self.comprehensiveness, 2 / 3);
        close(verdict.self.sufficiency, 1 / 3);
        assert.equal(verdict.self.fractionRemovedAtFlip, 2 / 3);
        const summary = summarizeSelfExplanation([evaluation, await selfExplanationItem(scriptedCiter("honest"), lookupItem, {protocol: "citation"})], 0);
        assert.equal(summary.faithful, 1);
        assert.equal(summary.faithfulRate, 0.5);
        assert.equal(summary.mean.answerAccuracy, 1);
    });

    test("a reply without a citation is unparseable, with the reason", async () => {
        const evaluation = await selfExplanationItem(scriptedExplainer("no-answer"), lookupItem, {protocol: "citation"});
        assert.equal(evaluation.status, "unparseable");
        assert.match(evaluation.error ?? "", /no answer|cites no document/);
    });

    test("a generation-only backend is refused with a CapabilityError", async () => {
        await assert.rejects(
            selfExplanationItem(scriptedExplainer("honest-explainer", {generationOnly: true}), lookupItem, {protocol: "citation"}),
            (error: unknown) => error instanceof CapabilityError && /only generates/.test(error.message),
        );
    });
});
