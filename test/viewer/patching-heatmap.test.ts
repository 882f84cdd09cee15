import {test} from "node:test";
import assert from "node:assert/strict";
import {renderPatchingHeatmap} from "../../src/viewer/patching-heatmap.js";

test("the patching heatmap escapes token texts, marks changed tokens and shades by sign", () => {
    const html = renderPatchingHeatmap({
        title: "t <b>",
        metric: "logit-diff",
        cleanMetric: 2,
        corruptedMetric: -1,
        tokens: [
            {clean: "<s>", corrupted: "<s>"},
            {clean: "a&b", corrupted: "c"},
        ],
        tables: [{method: "activation", components: {resid_pre: [[0, 1]]}, heads: [[-1, 0.5]]}],
    });
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes("<title>t &lt;b&gt;</title>"));
    assert.ok(html.includes('a&amp;b<br><span class="changed">c</span>'));
    assert.ok(!html.includes("<s>"), "token texts are escaped");
    assert.ok(html.includes('style="background:rgb(64,64,255)">1.00'), "+1 is full blue");
    assert.ok(html.includes('style="background:rgb(255,64,64)">-1.00'), "−1 is full red");
    assert.ok(html.includes('style="background:rgb(255,255,255)">0.00'), "0 is white");
    assert.equal((html.match(/<table>/g) ?? []).length, 2);
});
