import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {test} from "node:test";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {attributionMethods} from "../../src/attribution/registry.js";
import {assertClose, relativeError, sum, tableGame} from "./helpers.js";

// The value tables recorded from stories260K by bench/record-model-games.ts.
interface RecordedGame {
    name: string;
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

test("the recorded model games hold 2^n finite log-probabilities for n = 10…12 units", () => {
    assert.equal(fixture.games.length, 4);
    for (const recorded of fixture.games) {
        assert.equal(recorded.encoding, "float32-le-base64");
        assert.ok(recorded.playerCount >= 10 && recorded.playerCount <= 12, recorded.name);
        assert.equal(recorded.units.length, recorded.playerCount);
        const table = tableOf(recorded);
        assert.equal(table.length, 2 ** recorded.playerCount);
        assert.ok(table.every((value) => Number.isFinite(value) && value <= 0), `${recorded.name}: log-probabilities`);
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
