/**
 * Records games played by real models, for the sample-efficiency benchmark
 * (bench/attribution.bench.ts): for each prompt, v(S) = log p(target | only the units in S kept)
 * for all 2^n coalitions, through the project's own stack (segmentInput → ModelGame → Evaluator →
 * llama.cpp backend in exact mode, units deleted when dropped), exactly the game `explain()`
 * attributes. The values are written to bench/fixtures/model-games.json as little-endian float32
 * in base64, indexed by bit mask (bit i set = unit i kept).
 *
 * Two models play: stories260K (learned TinyStories behaviour) on four prompts, and the lookup
 * organism (organisms/lookup.gguf, a sparse mechanism known by construction) on three held-out
 * items with 5, 6 and 7 documents, whose players are the key and value words of every document
 * (the "." ending each document and the question stay fixed), the same word players as the
 * lookup validity benchmark. The fixture's `model` names stories260K; a game played by another
 * model names it in its own `model` field.
 *
 * As a check, each game is also run through `explain(..., {method: "exact"})` with a fresh
 * evaluator, and its Shapley values must match those of the recorded table.
 *
 *   node --import tsx bench/record-model-games.ts [stories260K.gguf]
 */
import {writeFileSync} from "node:fs";
import {exactShapley} from "../src/attribution/exact-shapley.js";
import type {Coalition, Game, GameOutcome} from "../src/attribution/game.js";
import {openLlamaCppModel} from "../src/backends/llama-cpp/backend.js";
import {Evaluator} from "../src/evaluator/evaluator.js";
import {explain} from "../src/explain/explain.js";
import {ModelGame} from "../src/explain/model-game.js";
import {alignTarget} from "../src/protocol/index.js";
import type {Backend} from "../src/model/backend-spec.js";
import {SeededRandom} from "../src/foundation/random.js";
import {organismPath} from "../src/organisms/registry.js";
import {createLookupTask} from "../src/organisms/tasks/lookup.js";
import type {LookupEvidence, TaskItem} from "../src/organisms/tasks/types.js";
import {segmentInput} from "../src/units/segmented-input.js";
import type {StructuredInput, UnitKind} from "../src/units/types.js";
import {wordSpansInput} from "../src/validity/lookup-input.js";
import {sharedModel} from "./lib/models.js";

const modelPath = process.argv[2] ?? sharedModel("stories260K.gguf");
const lookupModelPath = organismPath("lookup");
const fixtureFile = new URL("./fixtures/model-games.json", import.meta.url);
/** Seed of the stream of held-out lookup items the organism games are drawn from. */
const lookupItemSeed = 7;
/** Document counts of the organism games: 2 words per document, so n = 10, 12, 14 players. */
const lookupDocumentCounts = [5, 6, 7];

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
        prompt:
            "Once upon a time there was a girl named Lily. She had a little cat. The cat was white. " +
            "One day the cat ran away. Lily was very sad. She looked in the garden. She looked in the house. " +
            "Her mom helped her. Then they heard a sound. It came from a tree. The cat was in the tree. Lily smiled.",
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
        evaluate: async (coalitions: readonly Coalition[]): Promise<GameOutcome[]> =>
            coalitions.map((coalition) => {
                let mask = 0;
                coalition.forEach((kept, index) => {
                    if (kept === 1) mask |= 1 << index;
                });
                return {value: table[mask] as number};
            }),
    };
}

/** A game to record: the input, its unit, the target, and fields written before `unit` in the fixture. */
interface GameSpec {
    name: string;
    /** Fields written between `name` and `unit` (games of a model other than the fixture's). */
    header: Record<string, unknown>;
    input: StructuredInput & {kind: "prompt"};
    unit: UnitKind;
    target: string;
}

/** Plays all 2^n coalitions of one game, checks them against explain(), and returns its fixture entry. */
async function recordGame(backend: Backend, spec: GameSpec): Promise<Record<string, unknown>> {
    const segmented = segmentInput(spec.input, spec.unit);
    const n = segmented.playerCount;
    const fullPrompt = segmented.render(new Uint8Array(n).fill(1));
    const aligned = await alignTarget(backend, fullPrompt, spec.target);
    const game = new ModelGame({
        segmented,
        backend,
        evaluator: new Evaluator(backend),
        valueKind: "logprob",
        target: aligned.targetTokens.map((piece) => piece.token),
        targetTexts: aligned.targetTokens.map((piece) => piece.text),
    });
    const started = Date.now();
    const outcomes = await game.evaluate(Array.from({length: 2 ** n}, (_, mask) => coalitionFromMask(n, mask)));
    const values = outcomes.map((outcome) => outcome.value);
    const recordMs = Date.now() - started;
    const stored = Float32Array.from(values);
    const fromTable = (await exactShapley(tableGame(n, stored))).values;
    const viaExplain = await explain(backend, spec.input, {unit: spec.unit, method: "exact", target: spec.target});
    const gap = Math.max(...fromTable.map((value, index) => Math.abs(value - (viaExplain.values[index] as number))));
    if (!(gap < 1e-4)) throw new Error(`${spec.name}: recorded table and explain() disagree by ${gap}`);
    console.log(
        `${spec.name}: n = ${n}, v(N) = ${values[2 ** n - 1]?.toFixed(3)}, v(∅) = ${values[0]?.toFixed(3)}, ` +
            `${2 ** n} coalitions in ${recordMs} ms; max |φ(table) − φ(explain)| = ${gap.toExponential(1)}`,
    );
    console.log(`  units: ${segmented.units.map((unit) => JSON.stringify(unit.text)).join(" ")}`);
    console.log(`  φ: ${fromTable.map((value) => value.toFixed(3)).join(" ")}`);
    return {
        name: spec.name,
        ...spec.header,
        unit: spec.unit,
        prompt: spec.input.prompt,
        target: spec.target,
        targetTokens: aligned.targetTokens.map((piece) => piece.text),
        units: segmented.units.map((unit) => unit.text),
        playerCount: n,
        valueKind: "logprob",
        encoding: "float32-le-base64",
        values: encodeFloat32(values),
    };
}

/** The first held-out lookup items, in the order drawn from one seeded stream, with each of the wanted document counts. */
function lookupItems(): TaskItem[] {
    const task = createLookupTask();
    const random = new SeededRandom(lookupItemSeed);
    const found = new Map<number, TaskItem>();
    for (let draw = 0; draw < 10_000 && found.size < lookupDocumentCounts.length; draw++) {
        const item = task.heldOutItem(random);
        const count = item.documents.length;
        if (lookupDocumentCounts.includes(count) && !found.has(count)) found.set(count, item);
    }
    return lookupDocumentCounts.map((count) => {
        const item = found.get(count);
        if (item === undefined) throw new Error(`no held-out lookup item with ${count} documents`);
        return item;
    });
}

function lookupSpec(item: TaskItem): GameSpec {
    const {input, words} = wordSpansInput(item);
    const evidence = item.evidence as LookupEvidence;
    if (input.kind !== "prompt") throw new Error("lookup word input is not a prompt");
    return {
        name: `lookup-words-${words.length}`,
        header: {
            model: lookupModelPath.split("/").at(-1),
            organism: "lookup",
            players: 'key and value words of every document; each document\'s "." and the question stay fixed',
            documents: item.documents.length,
            goldDocument: evidence.documentIndex,
            itemSeed: lookupItemSeed,
        },
        input,
        unit: "span",
        target: ` ${item.answer}`,
    };
}

async function main(): Promise<void> {
    const games: unknown[] = [];
    const stories = await openLlamaCppModel(modelPath, {precision: "exact"});
    try {
        for (const recording of recordings) {
            games.push(
                await recordGame(stories, {
                    name: recording.name,
                    header: {},
                    input: {kind: "prompt", prompt: recording.prompt},
                    unit: recording.unit,
                    target: recording.target,
                }),
            );
        }
    } finally {
        await stories.dispose();
    }
    const lookup = await openLlamaCppModel(lookupModelPath, {precision: "exact"});
    try {
        for (const item of lookupItems()) games.push(await recordGame(lookup, lookupSpec(item)));
    } finally {
        await lookup.dispose();
    }
    const fixture = {
        description:
            "v(S) = log p(target | kept units) for all 2^n coalitions (bit i of the index = unit i kept), on stories260K unless a game names its own model; written by bench/record-model-games.ts",
        model: modelPath.split("/").at(-1),
        removal: "delete",
        games,
    };
    writeFileSync(fixtureFile, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`written ${fixtureFile.pathname}`);
}

await main();
