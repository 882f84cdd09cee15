import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {AnswerGame} from "../../src/checks/self-explanation/answer-game.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import type {ScoreRequest} from "../../src/model/backend-spec.js";
import {
    answerProbabilityReducer,
    answerSeparator,
    contextTokens,
    contrastiveReducer,
    logOddsReducer,
    logprobReducer,
    normalizeOptionLogprobs,
    optionLogprobs,
    optionProbabilityReducer,
    probabilityReducer,
    ScoringGame,
    tokenizeText,
    type ScoreReducer,
} from "../../src/protocol/index.js";
import {segmentInput} from "../../src/units/segmented-input.js";

const close = (actual: number | undefined, expected: number, tolerance = 1e-12) =>
    assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);
const closeAll = (actual: readonly number[] | undefined, expected: readonly number[]) => {
    assert.equal(actual?.length, expected.length);
    expected.forEach((value, index) => close(actual?.[index], value));
};
const {log} = Math;

test("reducers give the known values on fixed scores", () => {
    const target = [log(0.5), log(0.25)];
    closeAll([logprobReducer([target]).value], [log(0.125)]);
    closeAll(logprobReducer([target]).components, target);
    closeAll([probabilityReducer([target]).value], [0.125]);
    closeAll(probabilityReducer([target]).components, [0.5, 0.25]);
    // log-odds: log(0.125 / 0.875) for the sequence, log(0.5/0.5) and log(0.25/0.75) per token.
    closeAll([logOddsReducer([target]).value], [log(1 / 7)]);
    closeAll(logOddsReducer([target]).components, [0, log(1 / 3)]);
    // contrastive: log p(target) − log p(foil) = log 0.5 − log 0.125 = log 4; components sum to it.
    const contrast = contrastiveReducer([[log(0.5)], [log(0.25), log(0.5)]]);
    closeAll([contrast.value], [log(4)]);
    closeAll(contrast.components, [log(0.5), -log(0.25), -log(0.5)]);
    // options with total probabilities 0.1 and 0.3 (the second over two tokens): 0.25 and 0.75.
    const options = [[log(0.1)], [log(0.6), log(0.5)]];
    closeAll([optionProbabilityReducer(1)(options).value, optionProbabilityReducer(0)(options).value], [0.75, 0.25]);
    closeAll(optionProbabilityReducer(1)(options).components, [0.25, 0.75]);
    closeAll([answerProbabilityReducer([[log(0.5), log(0.5)]]).value], [0.25]);
    closeAll(answerProbabilityReducer([[log(0.5), log(0.5)]]).components, [0.25, 0.75]);
    assert.throws(() => contrastiveReducer([target]), /needs foil log-probabilities/);
    assert.throws(() => optionProbabilityReducer(2)(options), /option 2 is not among the 2 scored options/);
});

test("the scoring game hands every coalition's scores of every target to its reducer, in the targets' order", async () => {
    const backend = new ScriptedBackend({seed: 9, capabilities: {lanes: 2}});
    const reference = new ScriptedBackend({seed: 9});
    for (const input of [
        {kind: "prompt", prompt: "One cat. Two dogs. Three birds."} as const,
        {kind: "chat", messages: [{role: "user", content: "hi there"}], playerRoles: ["user"]} as const,
    ]) {
        const segmented = segmentInput(input, input.kind === "chat" ? "word" : "sentence");
        const targets = [await tokenizeText(backend, " yes"), await tokenizeText(backend, " no!")];
        const seen: number[][][] = [];
        const recording: ScoreReducer = (scores) => {
            seen.push(scores.map((row) => [...row]));
            return {value: scores.length};
        };
        const game = new ScoringGame({segmented, backend, evaluator: new Evaluator(backend), targets, reducer: recording, componentLabels: []});
        const coalitions = Array.from({length: 2 ** segmented.playerCount}, (_, mask) =>
            Uint8Array.from({length: segmented.playerCount}, (_, player) => (mask >> player) & 1),
        );
        const outcomes = await game.evaluate(coalitions);
        assert.deepEqual(
            outcomes.map((outcome) => outcome.value),
            coalitions.map(() => 2),
        );
        for (const [index, coalition] of coalitions.entries()) {
            const context = await contextTokens(reference, segmented.render(coalition));
            const expected = [];
            for (const target of targets) expected.push((await reference.score({context, target}, 0)).logprobs);
            assert.deepEqual(seen[index], expected);
            assert.deepEqual(
                await game.requestsFor(coalition),
                targets.map((target): ScoreRequest => ({context, target})),
            );
        }
        assert.equal(game.coalitionsEvaluated, coalitions.length);
    }
});

test("the answer game at the full input is the answer's option probability that option scoring gives", async () => {
    const backend = new ScriptedBackend({seed: 4});
    const prompt = "The sky is clear. The sun is out.\nAnswer:";
    const segmented = segmentInput({kind: "prompt", prompt}, "sentence");
    const options = ["rain", "sun", "snow"];
    const full = Uint8Array.from({length: segmented.playerCount}, () => 1);
    const game = new AnswerGame({backend, evaluator: new Evaluator(backend), segmented, answer: "sun", options});
    const [outcome] = await game.evaluate([full]);
    const text = segmented.render(full);
    const logprobs = await optionLogprobs(backend, new Evaluator(backend), text, options, {separator: answerSeparator(text)});
    const probabilities = normalizeOptionLogprobs(logprobs);
    close(outcome?.value, probabilities[1] as number);
    closeAll(outcome?.components, probabilities);
    assert.deepEqual(game.componentLabels, options);

    const free = new AnswerGame({backend, evaluator: new Evaluator(backend), segmented, answer: "sun"});
    const [freeOutcome] = await free.evaluate([full]);
    const probability = Math.exp(logprobs[1] as number);
    closeAll(freeOutcome?.components, [probability, 1 - probability]);
    assert.throws(() => new AnswerGame({backend, evaluator: new Evaluator(backend), segmented, answer: "fog", options}), /not one of the options/);
});
