import assert from "node:assert/strict";
import {test} from "node:test";
import {respondingLogits} from "../../src/backends/scripted/explainers.js";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {counterfactualItem} from "../../src/checks/counterfactual/check.js";
import {datasetItem} from "../../src/datasets/item.js";
import {laneScheduler} from "../../src/evaluator/lanes.js";

/** Answers "positive" when the text before the cue says "superb", and explains by naming the words it saw. */
function classifier(options: {lanes: number; latency: boolean}): ScriptedBackend {
    return new ScriptedBackend({
        id: "superb-classifier",
        logits: respondingLogits((prompt, cue) => {
            if (cue === "Answer:") return /superb/.test(prompt) ? " positive" : " negative";
            return /superb/.test(prompt) ? " it says superb." : " of the tone.";
        }),
        capabilities: {lanes: options.lanes, contextSize: 4096},
        ...(options.latency ? {latencyMs: ({call}: {call: number}) => call % 3, generationLatencyMs: 1} : {}),
    });
}

const items = Array.from({length: 8}, (_, index) =>
    datasetItem({
        id: `item-${index}`,
        prompt: `Review ${index}: the film had a plot and they watched it to the end of the night.\nAnswer:`,
        options: ["negative", "positive"],
    }),
);
const settings = {wordLists: {adjectives: ["superb", "long"], adverbs: ["gladly"]}, edits: 4, seed: 2};

test("items evaluated concurrently on 4 lanes never overlap a lane and give the sequential verdicts", async () => {
    const sequentialBackend = classifier({lanes: 1, latency: false});
    const sequential = [];
    for (const item of items) sequential.push(await counterfactualItem(sequentialBackend, item, settings));

    const backend = classifier({lanes: 4, latency: true});
    const concurrent = await Promise.all(items.map((item) => counterfactualItem(backend, item, settings)));
    assert.deepEqual(concurrent, sequential);
    // Answers were scored over the options and explanations generated, both spread over every lane
    // (the scripted backend throws when a busy lane is called).
    assert.ok(
        sequential.some((evaluation) => JSON.stringify(evaluation.verdict).includes('"flipped":true')),
        "some edit flips the answer",
    );
    assert.deepEqual([...new Set(backend.scoreLog.map((entry) => entry.lane))].sort(), [0, 1, 2, 3]);
    assert.ok(backend.generateLog.length > 0);
    assert.equal(laneScheduler(backend).maxBusyLanes, 4);
});
