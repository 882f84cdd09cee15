import {test} from "node:test";
import assert from "node:assert/strict";
import {agreementReward, majorityAnswerOf} from "../../src/rewards/agreement-reward.js";
import {codeReward, extractProgram} from "../../src/rewards/code-reward.js";
import {buildRewardRouter, parseRewardConfig} from "../../src/rewards/config.js";
import {
    clippedStepRewards,
    deltaStepRewards,
    formatReward,
    overlongPenalty,
    processReward,
    targetLengthReward,
} from "../../src/rewards/format-length-rewards.js";
import {exactMatchReward, multipleChoiceReward, regexReward} from "../../src/rewards/match-rewards.js";
import {extractMathAnswer} from "../../src/rewards/math/extract.js";
import {mathReward} from "../../src/rewards/math-reward.js";
import {meanTokenProbability, probabilityReward, reasoningPrefix} from "../../src/rewards/probability-reward.js";
import {combineRewards, type RewardItem} from "../../src/rewards/types.js";
import {sandboxedCodeRunner} from "../../src/backends/verifier/code-runner.js";

const item = (completion: string, groundTruth?: string, extraInfo?: Record<string, unknown>): RewardItem => ({
    prompt: "Q: ",
    completion,
    groundTruth,
    extraInfo,
});

test("math extraction follows the configured order and says which extractor answered", () => {
    const text = "The answer is 4. Check: \\boxed{5}";
    assert.deepEqual(extractMathAnswer(text), {answer: "5", extractor: "boxed"});
    assert.deepEqual(extractMathAnswer(text, ["answer-is", "boxed"]), {answer: "4", extractor: "answer-is"});
    assert.deepEqual(extractMathAnswer("no digits", ["last-number"]), undefined);
});

test("math reward scores 1/0 and explains an unfound answer instead of throwing", async () => {
    const reward = mathReward();
    assert.equal((await reward.score(item("so \\boxed{\\frac{1}{2}}", "0.5"))).score, 1);
    assert.equal((await reward.score(item("so \\boxed{3}", "0.5"))).score, 0);
    const none = await reward.score(item("I do not know", "0.5"));
    assert.equal(none.score, 0);
    assert.equal(none.extra.reason, "no answer found in the completion");
    assert.equal((await reward.score(item("\\boxed{2}"))).extra.reason, "the item has no ground truth");
});

test("exact, regex and multiple-choice rewards", async () => {
    assert.equal((await exactMatchReward().score(item("  Paris. ", "paris"))).score, 1);
    assert.equal((await exactMatchReward({caseSensitive: true}).score(item("paris", "Paris"))).score, 0);
    assert.equal((await regexReward({pattern: "^<think>"}).score(item("<think>x</think>"))).score, 1);
    assert.equal((await regexReward({pattern: "^<think>"}).score(item("x"))).score, 0);
    const choice = multipleChoiceReward();
    assert.equal((await choice.score(item("Reasoning... The answer is (C).", "C"))).score, 1);
    assert.equal((await choice.score(item("\\boxed{B}", "(C)"))).score, 0);
    assert.equal((await choice.score(item("hmm", "C"))).extra.reason, "no option letter found in the completion");
});

test("format reward requires each tag once, in order, and an answer section", async () => {
    const reward = formatReward({tags: ["think"], answer: "boxed"});
    assert.equal((await reward.score(item("<think>a</think> so \\boxed{1}"))).score, 1);
    assert.equal((await reward.score(item("<think>a</think> so 1"))).score, 0);
    assert.equal((await reward.score(item("<think>a</think><think>b</think> \\boxed{1}"))).score, 0);
    assert.equal((await reward.score(item("\\boxed{1} <think>a"))).score, 0);
    const tagged = formatReward({tags: ["think"], answer: "answer-tag"});
    assert.equal((await tagged.score(item("<think>a</think><answer>4</answer>"))).score, 1);
});

test("length rewards: target band, linear fall-off and the soft overlong penalty", async () => {
    const words = (n: number): string => Array.from({length: n}, () => "w").join(" ");
    const target = targetLengthReward({target: 10, tolerance: 2});
    assert.equal((await target.score(item(words(12)))).score, 1);
    assert.equal((await target.score(item(words(17)))).score, 0.5);
    assert.equal((await target.score(item(words(40)))).score, 0);
    const overlong = overlongPenalty({maxLength: 20, buffer: 10});
    assert.equal((await overlong.score(item(words(10)))).score, 0);
    assert.equal((await overlong.score(item(words(15)))).score, -0.5);
    assert.equal((await overlong.score(item(words(25)))).score, -1);
});

test("clip and delta bound the return of repeated steps", async () => {
    assert.deepEqual(clippedStepRewards([0.9, 0.25, 0.5], 0.5), [0, -0.25, 0]);
    assert.deepEqual(
        deltaStepRewards([0.7, 0.2, 0.4, 0.8]).map((value) => Math.round(value * 10) / 10),
        [0.5, -0.2, -0.4, 0.8],
    );
    // Repeating a good step ten times earns no more than doing it once.
    const once = await processReward("delta").score(item("", undefined, {step_rewards: [0.9]}));
    const repeated = await processReward("delta").score(item("", undefined, {step_rewards: Array.from({length: 10}, () => 0.9)}));
    assert.ok(Math.abs(once.score - repeated.score) < 1e-12);
    const clipped = await processReward("clip", {eta: 0.5}).score(item("", undefined, {step_rewards: Array.from({length: 10}, () => 0.9)}));
    assert.equal(clipped.score, 0);
    assert.match(String((await processReward("clip").score(item(""))).extra.reason), /step_rewards/);
});

test("weighted combination adds weight × score and keeps each component's fields", async () => {
    const reward = combineRewards("mix", [
        {reward: mathReward(), weight: 1},
        {reward: formatReward(), weight: 0.5},
    ]);
    const result = await reward.score(item("<think>2+2</think> \\boxed{4}", "4"));
    assert.equal(result.score, 1.5);
    assert.equal(result.extra.math, 1);
    assert.equal(result.extra.format, 1);
    assert.equal(result.extra["math.extractor"], "boxed");
});

test("probability reward: mean token probability of the reference after the reasoning", async () => {
    assert.equal(reasoningPrefix("1 , 3 , 6 ; answer 6"), "1 , 3 , 6 ; answer");
    assert.equal(meanTokenProbability([Math.log(0.5), Math.log(1)]), 0.75);
    const contexts: string[] = [];
    const reward = probabilityReward({
        scorer: {
            async targetTokenLogprobs(context, target) {
                contexts.push(`${context}|${target}`);
                return [Math.log(0.8), Math.log(0.4)];
            },
        },
    });
    const result = await reward.score({prompt: "1 + 2 + 3 = ? :", completion: " 1 , 3 , 6 ; answer 7", groundTruth: "6"});
    assert.ok(Math.abs(result.score - 0.6) < 1e-12);
    assert.deepEqual(contexts, ["1 + 2 + 3 = ? : 1 , 3 , 6 ; answer| 6"]);
});

test("agreement reward follows the majority answer of the rephrased rollouts", async () => {
    assert.deepEqual(majorityAnswerOf(["1/2", "0.5", "3", "\\frac{1}{2}"]), {answer: "1/2", votes: 3});
    const reward = agreementReward();
    const extraInfo = {rephrased_completions: ["\\boxed{0.5}", "so \\boxed{1/2}", "\\boxed{2}"]};
    assert.equal((await reward.score(item("\\boxed{\\frac12}", undefined, extraInfo))).score, 1);
    assert.equal((await reward.score(item("\\boxed{2}", undefined, extraInfo))).score, 0);
    assert.match(String((await reward.score(item("\\boxed{2}"))).extra.reason), /rephrased/);
});

test("code reward: pass rate over stdin/stdout and assert tests, a hanging program killed at its limit", async () => {
    assert.equal(extractProgram("text\n```python\nprint(1)\n```\nmore"), "print(1)");
    const reward = codeReward({runner: sandboxedCodeRunner(), timeMs: 1500});
    const tests = JSON.stringify([{input: "2 3\n", output: "5\n"}, {input: "1 1\n", output: "2"}, {assert: "assert add(2, 2) == 5"}]);
    const program = "```python\ndef add(a, b):\n    return a + b\nif __name__ == '__main__':\n    a, b = map(int, input().split())\n    print(add(a, b))\n```";
    const result = await reward.score(item(program, tests));
    assert.equal(result.extra.passed, 2);
    assert.ok(Math.abs(result.score - 2 / 3) < 1e-12);
    const hanging = await reward.score(item("```python\nwhile True:\n    pass\n```", JSON.stringify([{input: "", output: "x"}])));
    assert.equal(hanging.score, 0);
    assert.match(String((hanging.extra.notes as string[])[0]), /timeout/);
    const network = await reward.score(
        item("```python\nimport socket\nsocket.create_connection(('1.1.1.1', 80), timeout=1)\n```", JSON.stringify([{assert: "pass"}])),
    );
    assert.equal(network.score, 0);
});

test("reward configuration: validated with the path named, routed by data source", async () => {
    assert.throws(() => parseRewardConfig({rewards: [{type: "math", weight: "x"}]}), /rewards\.0\.weight/);
    assert.throws(() => parseRewardConfig({rewards: [{type: "telepathy"}]}), /rewards\.0/);
    const config = parseRewardConfig({rewards: [{type: "math"}], dataSources: {mcq: [{type: "multiple-choice", weight: 2}]}});
    const router = buildRewardRouter(config, {});
    assert.equal((await router.forDataSource("mcq").score(item("answer: B", "B"))).score, 2);
    assert.equal((await router.forDataSource(undefined).score(item("\\boxed{4}", "4"))).score, 1);
    assert.throws(() => buildRewardRouter(parseRewardConfig({rewards: [{type: "probability"}]}), {}), /scoring model/);
});
