import assert from "node:assert/strict";
import {test} from "node:test";
import {SeededRandom} from "../../src/foundation/random.js";
import {sampleCandidate} from "../../src/model/sampling.js";

test("temperature 0 picks the most probable candidate", () => {
    const candidates = [
        {token: 3, logprob: Math.log(0.2)},
        {token: 5, logprob: Math.log(0.7)},
        {token: 9, logprob: Math.log(0.1)},
    ];
    assert.equal(sampleCandidate(candidates, 0, new SeededRandom(1)).token, 5);
});

test("sampling at temperature 1 follows the distribution; low temperature sharpens it", () => {
    const candidates = [
        {token: 0, logprob: Math.log(0.5)},
        {token: 1, logprob: Math.log(0.3)},
        {token: 2, logprob: Math.log(0.2)},
    ];
    const random = new SeededRandom(123);
    const counts = [0, 0, 0];
    const draws = 20_000;
    for (let index = 0; index < draws; index++) counts[sampleCandidate(candidates, 1, random).token]! += 1;
    // Binomial standard deviation at n = 20 000 is below 0.0036: allow 5 of them.
    assert.ok(Math.abs(counts[0]! / draws - 0.5) < 0.018);
    assert.ok(Math.abs(counts[1]! / draws - 0.3) < 0.018);
    assert.ok(Math.abs(counts[2]! / draws - 0.2) < 0.018);
    let sharp = 0;
    for (let index = 0; index < 2000; index++) if (sampleCandidate(candidates, 0.1, random).token === 0) sharp++;
    // softmax(log p / 0.1): p0^10 / (p0^10 + p1^10 + p2^10) ≈ 0.994.
    assert.ok(sharp / 2000 > 0.98);
});

test("tokens with zero probability are never drawn", () => {
    const candidates = [
        {token: 0, logprob: -Infinity},
        {token: 1, logprob: 0},
    ];
    const random = new SeededRandom(5);
    for (let index = 0; index < 1000; index++) assert.equal(sampleCandidate(candidates, 2, random).token, 1);
});
