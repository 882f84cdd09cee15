import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {test} from "node:test";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {attributionMethods} from "../../src/attribution/registry.js";
import {assertClose, relativeError, sum, tableGame} from "./helpers.js";

// The value tables recorded from stories260K and the lookup organism by bench/record-model-games.ts.
interface RecordedGame {
    name: string;
    /** Set on the games of a model other than the fixture's stories260K. */
    model?: string;
    documents?: number;
    prompt: string;
    target: string;
    playerCount: number;
    units: string[];
    encoding: string;
    values: string;
}

const fixture = JSON.parse(readFileSync(new URL("../../bench/fixtures/model-games.json", import.meta.url), "utf8")) as {games: RecordedGame[]};

function tableOf(recorded: RecordedGame): Float32Array {
    const bytes = Buffer.from(recorded.values, "base64");
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

test("the recorded model games hold 2^n finite log-probabilities: stories260K with n = 10…12 units, the lookup organism with n = 10, 12, 14", () => {
    const stories = fixture.games.filter((recorded) => recorded.model === undefined);
    const organism = fixture.games.filter((recorded) => recorded.model === "lookup.gguf");
    assert.equal(stories.length, 4);
    assert.deepEqual(
        organism.map((recorded) => recorded.playerCount),
        [10, 12, 14],
    );
    assert.equal(stories.length + organism.length, fixture.games.length);
    for (const recorded of stories) assert.ok(recorded.playerCount >= 10 && recorded.playerCount <= 12, recorded.name);
    for (const recorded of fixture.games) {
        assert.equal(recorded.encoding, "float32-le-base64");
        assert.equal(recorded.units.length, recorded.playerCount);
        const table = tableOf(recorded);
        assert.equal(table.length, 2 ** recorded.playerCount);
        assert.ok(
            table.every((value) => Number.isFinite(value) && value <= 0),
            `${recorded.name}: log-probabilities`,
        );
    }
});

test("the lookup organism games play the key and value word of every document, and the target is the value after the question's key", () => {
    for (const recorded of fixture.games.filter((game) => game.model === "lookup.gguf")) {
        const [documents, question] = recorded.prompt.split(" question : ");
        const pairs = (documents ?? "").split(" . ").map((document) => document.replace(/ \.$/u, "").split(" "));
        assert.equal(pairs.length, recorded.documents, recorded.name);
        assert.deepEqual(recorded.units, pairs.flat(), recorded.name);
        assert.equal(recorded.target, ` ${pairs.find(([key]) => key === question)?.[1]}`, recorded.name);
    }
});

test("on the recorded games, kernelshap and kernelshap3 are efficient and exact at 2^n evaluations", async () => {
    for (const recorded of fixture.games) {
        const n = recorded.playerCount;
        const table = tableOf(recorded);
        const game = tableGame(n, table);
        const exact = await exactShapley(game);
        const total = (table[2 ** n - 1] as number) - (table[0] as number);
        for (const method of ["kernelshap", "kernelshap3"]) {
            const full = await attributionMethods[method]!.run(game, {budget: 2 ** n, seed: 1});
            assertClose(full.values, exact.values, 1e-6, `${recorded.name} ${method}`);
            const sampled = await attributionMethods[method]!.run(game, {budget: 128, seed: 1});
            assert.ok(Math.abs(sum(sampled.values) - total) < 1e-9, `${recorded.name} ${method} efficiency`);
            assert.ok(relativeError(sampled.values, exact.values) < 1, `${recorded.name} ${method} at 128`);
        }
    }
});
