import assert from "node:assert/strict";
import {test} from "node:test";
import {exactShapley} from "../../src/attribution/exact-shapley.js";
import {kernelShap} from "../../src/attribution/kernel-shap.js";
import {shapleySampling} from "../../src/attribution/shapley-sampling.js";
import {assertClose, randomTable, sum, tableGame} from "./helpers.js";

const n = 6;
const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

test("exact Shapley is efficient on random games: Σφ = v(N) − v(∅)", async () => {
    for (const seed of seeds) {
        const table = randomTable(n, seed);
        const result = await exactShapley(tableGame(n, table));
        assert.ok(Math.abs(sum(result.values) - ((table[2 ** n - 1] as number) - (table[0] as number))) < 1e-12, `seed ${seed}`);
    }
});

test("exact Shapley treats symmetric players alike", async () => {
    for (const seed of seeds) {
        const base = randomTable(n, seed);
        // Symmetrise players 0 and 1: v(S) = t(S) + t(S with 0 and 1 swapped).
        const swap = (mask: number): number => {
            const bit0 = mask & 1;
            const bit1 = (mask >> 1) & 1;
            return (mask & ~3) | (bit0 << 1) | bit1;
        };
        const table = Float64Array.from(base, (value, mask) => value + (base[swap(mask)] as number));
        const result = await exactShapley(tableGame(n, table));
        assert.ok(Math.abs((result.values[0] as number) - (result.values[1] as number)) < 1e-12, `seed ${seed}`);
    }
});

test("exact Shapley gives a null player zero", async () => {
    for (const seed of seeds) {
        const base = randomTable(n, seed);
        const nullPlayer = seed % n;
        const table = Float64Array.from(base, (_, mask) => base[mask & ~(1 << nullPlayer)] as number);
        const result = await exactShapley(tableGame(n, table));
        assert.ok(Math.abs(result.values[nullPlayer] as number) < 1e-12, `seed ${seed}`);
    }
});

test("exact Shapley is linear: φ(2v − 3w) = 2φ(v) − 3φ(w)", async () => {
    for (const seed of seeds) {
        const v = randomTable(n, seed);
        const w = randomTable(n, seed + 100);
        const combined = Float64Array.from(v, (value, mask) => 2 * value - 3 * (w[mask] as number));
        const [pv, pw, pc] = await Promise.all([v, w, combined].map((table) => exactShapley(tableGame(n, table))));
        assertClose(
            pc!.values,
            pv!.values.map((value, i) => 2 * value - 3 * (pw!.values[i] as number)),
            1e-12,
            `seed ${seed}`,
        );
    }
});

test("KernelSHAP is exactly efficient at every budget on random games", async () => {
    for (const seed of seeds) {
        const table = randomTable(n, seed);
        const total = (table[2 ** n - 1] as number) - (table[0] as number);
        for (const budget of [n + 2, 13, 24, 40, 63]) {
            const result = await kernelShap(tableGame(n, table), {budget, seed});
            assert.ok(Math.abs(sum(result.values) - total) < 1e-9, `seed ${seed} budget ${budget}`);
            assert.ok(Math.abs(result.diagnostics.efficiencyGap as number) < 1e-9);
            assert.ok(result.evaluations <= budget);
        }
    }
});

test("Shapley sampling is exactly efficient (each permutation is)", async () => {
    for (const seed of seeds) {
        const table = randomTable(n, seed);
        const result = await shapleySampling(tableGame(n, table), {budget: 30, seed});
        assert.ok(Math.abs(sum(result.values) - ((table[2 ** n - 1] as number) - (table[0] as number))) < 1e-12);
    }
});

test("KernelSHAP with a budget of 2^n enumerates every size and equals exact Shapley", async () => {
    for (const seed of seeds.slice(0, 4)) {
        const table = randomTable(n, seed);
        const [exact, kernel] = await Promise.all([exactShapley(tableGame(n, table)), kernelShap(tableGame(n, table), {budget: 2 ** n, seed})]);
        assertClose(kernel.values, exact.values, 1e-9, `seed ${seed}`);
        assert.deepEqual(kernel.diagnostics.enumeratedSizes, [1, 2, 3, 4, 5]);
    }
});
