import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {ModelGame} from "../../src/explain/model-game.js";
import {tokenOffsets, tokenOffsetsFor} from "../../src/explain/prompt-tokens.js";
import {contextTokens} from "../../src/protocol/index.js";
import {log1mexp, logOdds, outcomeFor} from "../../src/explain/value-kinds.js";
import {segmentInput} from "../../src/units/segmented-input.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {renderChatTokens, tokenizeText, tokenTextsAfter} from "../../src/protocol/index.js";

const close = (actual: number, expected: number, tolerance = 1e-12) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

async function directLogprobs(backend: ScriptedBackend, request: ScoreRequest): Promise<number[]> {
    return (await backend.score(request, 0)).logprobs;
}

test("the log-probability game equals hand-computed sums of per-token scores, for every coalition", async () => {
    const backend = new ScriptedBackend({seed: 7});
    const segmented = segmentInput({kind: "prompt", prompt: "the cat sat"}, "word");
    const target = await tokenizeText(backend, " down");
    const game = new ModelGame({
        segmented,
        backend,
        evaluator: new Evaluator(backend),
        target,
        targetTexts: await tokenTextsAfter(backend, target),
        valueKind: "logprob",
    });
    const coalitions = Array.from({length: 8}, (_, mask) => Uint8Array.from([mask & 1, (mask >> 1) & 1, (mask >> 2) & 1]));
    const outcomes = await game.evaluate(coalitions);
    const texts = ["", "the", "cat", "the cat", "sat", "the sat", "cat sat", "the cat sat"];
    for (let mask = 0; mask < 8; mask += 1) {
        const context = [1, ...(await tokenizeText(backend, texts[mask] as string))];
        const logprobs = await directLogprobs(backend, {context, target});
        const outcome = outcomes[mask];
        assert.ok(outcome !== undefined);
        close(
            outcome.value,
            logprobs.reduce((a, b) => a + b, 0),
        );
        assert.deepEqual(outcome.components, logprobs);
    }
    assert.equal(game.coalitionsEvaluated, 8);
    assert.deepEqual(game.componentLabels, [" ", "d", "o", "w", "n"]);
});

test("one batch of coalitions is one scoreMany call; contrastive sends target and foil together", async () => {
    const backend = new ScriptedBackend({seed: 3});
    const segmented = segmentInput({kind: "prompt", prompt: "a b c"}, "word");
    const calls: number[] = [];
    const evaluator = new Evaluator(backend);
    const counting = {
        get stats() {
            return evaluator.stats;
        },
        scoreMany: (requests: readonly ScoreRequest[]) => {
            calls.push(requests.length);
            return evaluator.scoreMany(requests);
        },
    };
    const target = await tokenizeText(backend, " yes");
    const foil = await tokenizeText(backend, " no");
    const game = new ModelGame({
        segmented,
        backend,
        evaluator: counting,
        target,
        targetTexts: await tokenTextsAfter(backend, target),
        foil,
        foilTexts: await tokenTextsAfter(backend, foil),
        valueKind: "contrastive",
    });
    const outcomes = await game.evaluate([Uint8Array.from([1, 1, 1]), Uint8Array.from([0, 1, 0])]);
    assert.deepEqual(calls, [4]);
    const context = [1, ...(await tokenizeText(backend, "b"))];
    const yes = await directLogprobs(backend, {context, target});
    const no = await directLogprobs(backend, {context, target: foil});
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    close(outcomes[1]?.value ?? Number.NaN, sum(yes) - sum(no));
    close(sum(outcomes[1]?.components ?? []), sum(yes) - sum(no), 1e-12);
    assert.deepEqual(game.componentLabels, [" ", "y", "e", "s", "foil: ", "foil:n", "foil:o"]);
});

test("value kinds: probability and ContextCite log-odds", async () => {
    const logprobs = [Math.log(0.5), Math.log(0.25)];
    const prob = outcomeFor("prob", logprobs);
    close(prob.value, 0.125);
    assert.deepEqual(
        prob.components?.map((value) => Number(value.toFixed(12))),
        [0.5, 0.25],
    );
    const odds = outcomeFor("logodds", logprobs);
    close(odds.value, Math.log(0.125) - Math.log(0.875));
    close(odds.components?.[0] ?? Number.NaN, 0); // p = 0.5 → log-odds 0
    close(odds.components?.[1] ?? Number.NaN, Math.log(0.25 / 0.75));
    // Per-token log σ(ℓ) recovers log p, so Σ log σ(ℓ_t) is the sequence log-probability.
    const sigmoidLog = (l: number) => -Math.log1p(Math.exp(-l));
    close(
        (odds.components ?? []).map(sigmoidLog).reduce((a, b) => a + b, 0),
        Math.log(0.125),
        1e-12,
    );
    assert.ok(Number.isFinite(logOdds(0)));
    close(log1mexp(Math.log(0.25)), Math.log(0.75));
    close(log1mexp(-1e-10), Math.log(1e-10), 1e-6);
});

test("chat coalitions render with the template; token offsets of the scripted tokenizer are characters", async () => {
    const backend = new ScriptedBackend();
    const chat = segmentInput(
        {
            kind: "chat",
            playerRoles: ["user"],
            messages: [
                {role: "system", content: "S"},
                {role: "user", content: "hi yo"},
            ],
        },
        "word",
    );
    assert.deepEqual(
        await contextTokens(backend, chat.render(Uint8Array.from([0, 1]))),
        await renderChatTokens(
            backend,
            [
                {role: "system", content: "S"},
                {role: "user", content: "yo"},
            ],
            "",
        ),
    );
    assert.deepEqual(await tokenOffsets(backend, "ab c"), [
        {start: 0, end: 1},
        {start: 1, end: 2},
        {start: 2, end: 3},
        {start: 3, end: 4},
    ]);
    const offsets = await tokenOffsetsFor(backend, ["ab c"]);
    const tokens = segmentInput({kind: "prompt", prompt: "ab c"}, "token", {tokenOffsets: (text) => offsets.get(text) ?? []});
    assert.deepEqual(
        tokens.units.map((unit) => unit.text),
        ["a", "b", " ", "c"],
    );
});
