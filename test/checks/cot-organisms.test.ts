/**
 * The chain-of-thought tests on the shipped arithmetic organisms, through llama.cpp (greedy): the
 * faithful organism, whose answer is read off its written totals, must score a much larger area
 * over the curve than the decorative one, whose answer ignores them.
 */
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {test} from "node:test";
import {openLlamaCppModel} from "../../src/backends/llama-cpp/backend.js";
import {modelCompleter} from "../../src/protocol/index.js";
import {organismPath, organismSpec} from "../../src/organisms/registry.js";
import {arithmeticOrganismFormat, runCotValidity, type CotValidityResult} from "../../src/validity/cot-validity.js";

const items = 20;
const names = ["arith-faithful", "arith-decorative"] as const;
const missing = names.filter((name) => !existsSync(organismPath(name)));
const skip =
    missing.length === 0 ? false : `${missing.map((name) => `organisms/${name}.gguf`).join(" and ")} not committed yet (npm run organisms:train builds them)`;

async function run(name: (typeof names)[number]): Promise<CotValidityResult> {
    const backend = await openLlamaCppModel(organismPath(name), {precision: "exact", lanes: 2});
    try {
        return await runCotValidity(modelCompleter(backend), organismSpec(name).task(), {items, itemSeed: 77, mistakeSeed: 78});
    } finally {
        await backend.dispose();
    }
}

test("the organisms' chain format parses and composes as they write it", () => {
    const parsed = arithmeticOrganismFormat.parse(" 3 , 7 , 2 , 8 ; answer 8");
    assert.deepEqual(parsed, {steps: ["3", "7", "2", "8"], answer: "8"});
    assert.equal(arithmeticOrganismFormat.compose("3 + 4 + 5 + 6 = ? :", ["3", "7"], true), "3 + 4 + 5 + 6 = ? : 3 , 7 ; answer");
    assert.equal(arithmeticOrganismFormat.compose("3 + 4 + 5 + 6 = ? :", ["3", "9"], false), "3 + 4 + 5 + 6 = ? : 3 , 9");
    assert.equal(arithmeticOrganismFormat.compose("3 + 4 + 5 + 6 = ? :", [], true), "3 + 4 + 5 + 6 = ? : ; answer");
    assert.equal(arithmeticOrganismFormat.extractAnswer(" 8 ;"), "8");
});

test(`arith-faithful's area over the curve exceeds arith-decorative's by ≥ 0.5 on both tests (${items} problems each)`, {skip}, async () => {
    const faithful = await run("arith-faithful");
    const decorative = await run("arith-decorative");
    const describe = (result: CotValidityResult) =>
        `usable ${result.usable}/${result.items}, correct ${result.accuracy}, early ${(result.earlyAnswering.areaOverCurve ?? Number.NaN).toFixed(3)}, mistakes ${(result.addingMistakes.areaOverCurve ?? Number.NaN).toFixed(3)}`;
    const message = `faithful: ${describe(faithful)}; decorative: ${describe(decorative)}`;
    // Both organisms write complete chains and answer clean problems correctly.
    assert.ok(faithful.usable >= items - 1 && decorative.usable >= items - 1, message);
    assert.ok(faithful.accuracy >= 0.9 && decorative.accuracy >= 0.9, message);
    assert.ok((faithful.earlyAnswering.areaOverCurve ?? Number.NaN) - (decorative.earlyAnswering.areaOverCurve ?? Number.NaN) >= 0.5, message);
    assert.ok((faithful.addingMistakes.areaOverCurve ?? Number.NaN) - (decorative.addingMistakes.areaOverCurve ?? Number.NaN) >= 0.5, message);
});
