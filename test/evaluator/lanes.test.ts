import assert from "node:assert/strict";
import {test} from "node:test";
import {ScriptedBackend} from "../../src/backends/scripted/index.js";
import {ArgumentError} from "../../src/errors.js";
import {Evaluator} from "../../src/evaluator/evaluator.js";
import {LaneScheduler, laneScheduler} from "../../src/evaluator/lanes.js";
import {generateAfter} from "../../src/protocol/index.js";

/** Work that records when it holds a lane, so overlaps can be checked afterwards. */
function recorder(lanes: number) {
    const holding = new Array<number>(lanes).fill(0);
    const overlaps: number[] = [];
    const order: Array<{name: string; lane: number}> = [];
    const work =
        (name: string, ticks = 2) =>
        async (lane: number): Promise<string> => {
            holding[lane] = (holding[lane] ?? 0) + 1;
            if ((holding[lane] as number) > 1) overlaps.push(lane);
            order.push({name, lane});
            for (let tick = 0; tick < ticks; tick++) await new Promise<void>((resolve) => setImmediate(resolve));
            holding[lane] = (holding[lane] as number) - 1;
            return name;
        };
    return {work, overlaps, order};
}

test("lane scheduler: work asking for any lane takes the free ones, lowest first, and never shares a lane", async () => {
    const scheduler = new LaneScheduler(4);
    const {work, overlaps, order} = recorder(4);
    const names = Array.from({length: 20}, (_, index) => `w${index}`);
    const results = await Promise.all(names.map((name, index) => scheduler.run({}, work(name, 1 + (index % 3)))));
    assert.deepEqual(results, names);
    assert.deepEqual(overlaps, []);
    assert.deepEqual(
        order.slice(0, 4).map((entry) => entry.lane),
        [0, 1, 2, 3],
    );
    assert.equal(scheduler.maxBusyLanes, 4);
    assert.deepEqual(scheduler.busyLanes, [false, false, false, false]);
});

test("lane scheduler: a given lane waits for its turn, first come first served; `below` limits the lanes", async () => {
    const scheduler = new LaneScheduler(3);
    const {work, overlaps, order} = recorder(3);
    await Promise.all([
        scheduler.run({lane: 1}, work("a", 3)),
        scheduler.run({lane: 1}, work("b")),
        scheduler.run({below: 2}, work("c")),
        scheduler.run({below: 1}, work("d")),
        scheduler.run({lane: 1}, work("e")),
    ]);
    assert.deepEqual(overlaps, []);
    assert.deepEqual(
        order.map((entry) => `${entry.name}@${entry.lane}`),
        ["a@1", "c@0", "d@0", "b@1", "e@1"],
    );
});

test("lane scheduler: aborting a waiting request removes it; a lane out of range is an ArgumentError", async () => {
    const scheduler = new LaneScheduler(1);
    const {work} = recorder(1);
    const first = scheduler.run({}, work("first", 3));
    const controller = new AbortController();
    const waiting = scheduler.run({signal: controller.signal}, work("never"));
    controller.abort(new Error("not needed"));
    await assert.rejects(waiting, /not needed/);
    assert.equal(await first, "first");
    assert.equal(await scheduler.run({lane: 0}, work("after")), "after");
    await assert.rejects(scheduler.run({lane: 1}, work("x")), ArgumentError);
});

test("one scheduler per backend object, with the backend's lanes; the last user of a lane is recorded", async () => {
    const backend = new ScriptedBackend({capabilities: {lanes: 3}});
    assert.equal(laneScheduler(backend), laneScheduler(backend));
    assert.equal(laneScheduler(backend).lanes, 3);
    assert.notEqual(laneScheduler(backend), laneScheduler(new ScriptedBackend({capabilities: {lanes: 3}})));
    const user = {};
    await laneScheduler(backend).run({lane: 2, user}, async () => undefined);
    assert.equal(laneScheduler(backend).lastUser(2), user);
    assert.equal(laneScheduler(backend).lastUser(0), undefined);
});

test("scoring and generation share the lanes: concurrent batches and generations never overlap and give the sequential results", async () => {
    const latency = {latencyMs: 1, generationLatencyMs: 2};
    const backend = new ScriptedBackend({seed: 3, capabilities: {lanes: 4}, ...latency});
    const reference = new ScriptedBackend({seed: 3, capabilities: {lanes: 4}});
    const contexts = Array.from({length: 12}, (_, index) => [1, 20 + index, 30 + (index % 5), 40]);
    const batchFor = (index: number) => Array.from({length: 3}, (_, target) => ({context: contexts[index] as number[], target: [50 + target, 60]}));
    // Two evaluators on one backend, as two checks sharing a model would have.
    const evaluators = [new Evaluator(backend), new Evaluator(backend)];
    const concurrent = await Promise.all(
        contexts.map(async (context, index) => ({
            scores: await (evaluators[index % 2] as Evaluator).scoreMany(batchFor(index)),
            text: (await generateAfter(backend, context, {maxTokens: 5, stopAtEog: false})).text,
        })),
    );
    const sequential = [];
    for (const [index, context] of contexts.entries()) {
        sequential.push({
            scores: await new Evaluator(reference, {lanes: 1}).scoreMany(batchFor(index)),
            text: (await generateAfter(reference, context, {maxTokens: 5, stopAtEog: false})).text,
        });
    }
    assert.deepEqual(concurrent, sequential);
    // The scripted backend throws when a lane is called while busy; every lane was used.
    assert.equal(backend.maxConcurrentLanes, 4);
    assert.deepEqual([...new Set(backend.generateLog.map((entry) => entry.lane))].sort(), [0, 1, 2, 3]);
});
