/**
 * Records games played by a real model, for the sample-efficiency benchmark
 * (bench/attribution.bench.ts): for each prompt, v(S) = log p(target | only the units in S kept)
 * on stories260K for all 2^n coalitions, through the project's own stack (segmentInput →
 * ModelGame → Evaluator → llama.cpp backend in exact mode, units deleted when dropped), exactly
 * the game `explain()` attributes. The values are written to bench/fixtures/model-games.json as
 * little-endian float32 in base64, indexed by bit mask (bit i set = unit i kept).
 *
 * As a check, each game is also run through `explain(..., {method: "exact"})` with a fresh
 * evaluator, and its Shapley values must match those of the recorded table.
 *
 *   node --import tsx bench/record-model-games.ts [model.gguf]
 */
import {writeFileSync} from "node:fs";
import {exactShapley} from "../src/attribution/exact-shapley.js";
import type {Coalition, Game, GameOutcome} from "../src/attribution/game.js";
import {openLlamaCppModel} from "../src/backends/llama-cpp/backend.js";
import {Evaluator} from "../src/evaluator/evaluator.js";
import {explain} from "../src/explain/explain.js";
import {ModelGame} from "../src/explain/model-game.js";
import {alignTarget} from "../src/model/alignment.js";
import {segmentInput} from "../src/units/segmented-input.js";
import type {UnitKind} from "../src/units/types.js";
import {sharedModel} from "./lib/models.js";

const modelPath = process.argv[2] ?? sharedModel("stories260K.gguf");
const fixtureFile = new URL("./fixtures/model-games.json", import.meta.url);

interface Recording {
    name: string;
    unit: UnitKind;
    prompt: string;
    target: string;
}

/** TinyStories-like prompts; the target is a continuation the model finds plausible. */
const recordings: Recording[] = [
    {name: "words-10", unit: "word", prompt: "Lily had a red ball. She threw the ball to", target: " Tom"},
    {name: "words-11", unit: "word", prompt: "Tom was sad. His dog ran away. He looked for his", target: " dog"},
    {name: "words-12", unit: "word", prompt: "Lily went to the park with her mom. She saw a big", target: " tree"},
    {
        name: "sentences-12",
        unit: "sentence",
        prompt: "Once upon a time there was a girl named Lily. She had a little cat. The cat was white. "
            + "One day the cat ran away. Lily was very sad. She looked in the garden. She looked in the house. "
            + "Her mom helped her. Then they heard a sound. It came from a tree. The cat was in the tree. Lily smiled.",
        target: " Lily was happy.",
    },
];

function coalitionFromMask(playerCount: number, mask: number): Coalition {
    const coalition = new Uint8Array(playerCount);
    for (let i = 0; i < playerCount; i++) coalition[i] = (mask >>> i) & 1;
    return coalition;
}

function encodeFloat32(values: readonly number[]): string {
    const array = Float32Array.from(values);
    return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
}

/** The recorded table as a game, with values rounded to float32 as stored. */
function tableGame(playerCount: number, table: Float32Array): Game {
    return {
        playerCount,
        evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> => coalitions.map((coalition) => {
            let mask = 0;
            coalition.forEach((kept, index) => {
                if (kept === 1) mask |= 1 << index;
            });
            return {value: table[mask] as number};
        }),
    };
}

async function main(): Promise<void> {
    const backend = await openLlamaCppModel(modelPath, {precision: "exact"});
    const games: unknown[] = [];
    try {
        for (const recording of recordings) {
            const input = {kind: "prompt" as const, prompt: recording.prompt};
            const segmented = segmentInput(input, recording.unit);
            const n = segmented.playerCount;
            const fullPrompt = segmented.render(new Uint8Array(n).fill(1));
            const aligned = alignTarget(backend, fullPrompt, recording.target);
            const game = new ModelGame({
                segmented, backend, evaluator: new Evaluator(backend), valueKind: "logprob",
                target: aligned.targetTokens.map((piece) => piece.token), targetTexts: aligned.targetTokens.map((piece) => piece.text),
            });
            const started = Date.now();
            const outcomes = await game.evaluate(Array.from({length: 2 ** n}, (_, mask) => coalitionFromMask(n, mask)));
            const values = outcomes.map((outcome) => outcome.value);
            const recordMs = Date.now() - started;
            const stored = Float32Array.from(values);
            const fromTable = (await exactShapley(tableGame(n, stored))).values;
            const viaExplain = await explain(backend, input, {unit: recording.unit, method: "exact", target: recording.target});
            const gap = Math.max(...fromTable.map((value, index) => Math.abs(value - (viaExplain.values[index] as number))));
            if (!(gap < 1e-4)) throw new Error(`${recording.name}: recorded table and explain() disagree by ${gap}`);
            games.push({
                name: recording.name,
                unit: recording.unit,
                prompt: recording.prompt,
                target: recording.target,
                targetTokens: aligned.targetTokens.map((piece) => piece.text),
                units: segmented.units.map((unit) => unit.text),
                playerCount: n,
                valueKind: "logprob",
                encoding: "float32-le-base64",
                values: encodeFloat32(values),
            });
            console.log(`${recording.name}: n = ${n}, v(N) = ${values[2 ** n - 1]?.toFixed(3)}, v(∅) = ${values[0]?.toFixed(3)}, `
                + `${2 ** n} coalitions in ${recordMs} ms; max |φ(table) − φ(explain)| = ${gap.toExponential(1)}`);
            console.log(`  units: ${segmented.units.map((unit) => JSON.stringify(unit.text)).join(" ")}`);
            console.log(`  φ: ${fromTable.map((value) => value.toFixed(3)).join(" ")}`);
        }
    } finally {
        await backend.dispose();
    }
    const fixture = {
        description: "v(S) = log p(target | kept units) on stories260K for all 2^n coalitions (bit i of the index = unit i kept); written by bench/record-model-games.ts",
        model: modelPath.split("/").at(-1),
        removal: "delete",
        games,
    };
    writeFileSync(fixtureFile, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`written ${fixtureFile.pathname}`);
}

await main();
