import assert from "node:assert/strict";
import {test} from "node:test";
import {Script} from "node:vm";
import {reportScript, appScript} from "../../src/viewer/client-bundle.js";
import {buildExplainView} from "../../src/viewer/explain-view.js";
import {buildGenericView} from "../../src/viewer/generic-view.js";
import {renderReportHtml} from "../../src/viewer/page.js";
import {aggregateValues, divergingColor, escapeHtml, formatNumber, formatSigned, inkFor, shadeClass, shadeClassCss} from "../../src/viewer/render/basics.js";
import {renderExplainMain, renderShadedSources} from "../../src/viewer/render/explain-html.js";
import {niceTicks, renderPlot} from "../../src/viewer/render/plot.js";
import {bestSpan, unitLevels} from "../../src/viewer/unit-levels.js";
import {sumsByWord, syntheticExplainResult} from "./fixtures.js";

const prompt = "Lily had a red ball. She lost it in the park.\n\nTom found the ball. He gave it back.";

test("the diverging scale is neutral at 0, blue below and orange above, clamped at ±1", () => {
    assert.equal(divergingColor(0), "rgb(247, 247, 247)");
    assert.equal(divergingColor(-1), "rgb(33, 102, 172)");
    assert.equal(divergingColor(1), "rgb(179, 88, 6)");
    assert.equal(divergingColor(5), divergingColor(1));
    assert.equal(divergingColor(-0.25), "rgb(197, 222, 235)");
    assert.equal(divergingColor(Number.NaN), "rgb(247, 247, 247)");
});

test("shading classes step with the square root of |value| / scale; null is unshaded", () => {
    assert.equal(shadeClass(0.25, 1), "sp5");
    assert.equal(shadeClass(-1, 1), "sn10");
    assert.equal(shadeClass(-3, 1), "sn10");
    assert.equal(shadeClass(0.0001, 1), "s0");
    assert.equal(shadeClass(0.01, 1), "sp1");
    assert.equal(shadeClass(null, 1), "sx");
    assert.equal(shadeClass(1, 0), "sx");
    const css = shadeClassCss();
    assert.match(css, /\.sp5 \{ background: rgb\(253, 184, 99\); color: #111111; \}/);
    assert.match(css, /\.sn10 \{ background: rgb\(33, 102, 172\); color: #ffffff; \}/);
});

test("aggregation sums values per group, combines standard errors as √Σse², and propagates null", () => {
    const result = aggregateValues([1, 2, 3, 4], [3, 4, 0, 1], [0, 0, 1, 1], 2);
    assert.deepEqual(result.values, [3, 7]);
    assert.deepEqual(result.standardErrors, [5, 1]);
    assert.deepEqual(aggregateValues([1, null, 3], null, [0, 0, 1], 2), {values: [null, 3], standardErrors: null});
});

test("numbers read well: integers stay integers, signs are explicit, tiny values use exponents", () => {
    assert.equal(formatNumber(159), "159");
    assert.equal(formatNumber(0.123456), "0.123");
    assert.equal(formatNumber(123.456), "123.5");
    assert.equal(formatNumber(0.0001234), "1.23e-4");
    assert.equal(formatNumber(null), "n/a");
    assert.equal(formatSigned(0.5), "+0.5");
    assert.equal(formatSigned(-0.5), "−0.5");
    assert.equal(escapeHtml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
});

test("nice ticks are round numbers covering the range", () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-20, -1, 5), [-20, -15, -10, -5]);
    assert.deepEqual(niceTicks(3, 3, 5), [3]);
});

test("a unit goes to the span it overlaps most; a whitespace-only unit to the nearest span", () => {
    const spans = [
        {start: 0, end: 4},
        {start: 5, end: 8},
        {start: 10, end: 12},
    ];
    assert.equal(bestSpan(spans, {start: 4, end: 7}), 1);
    assert.equal(bestSpan(spans, {start: 8, end: 9}), 1);
    assert.equal(bestSpan(spans, {start: 8, end: 10}), 2, "a tie goes to the later span");
    assert.equal(bestSpan(spans, {start: 9, end: 10}), 2);
    assert.equal(bestSpan(spans, {start: 13, end: 14}), 2);
});

test("token units get word, sentence, paragraph and prompt levels; the word sums match an independent count", () => {
    const result = syntheticExplainResult({prompt, unit: "token", seed: 3});
    const view = buildExplainView(result, "t");
    assert.deepEqual(
        view.levels.map((level) => [level.kind, level.groups.length]),
        [
            ["token", result.units.length],
            ["word", 19],
            ["sentence", 4],
            ["paragraph", 2],
            ["prompt", 1],
        ],
    );
    const word = view.levels[1]!;
    const sums = aggregateValues(view.rows[0]!.values, null, word.unitGroup, word.groups.length).values;
    const expected = sumsByWord(prompt, result);
    assert.equal(sums.length, expected.length);
    sums.forEach((sum, index) => assert.ok(Math.abs((sum as number) - (expected[index] as number)) < 1e-12, `word ${index}`));
    const total = aggregateValues(view.rows[0]!.values, null, view.levels[4]!.unitGroup, 1).values[0] as number;
    assert.ok(Math.abs(total - result.values.reduce((a, b) => a + b, 0)) < 1e-12);
});

test("the shaded text reproduces the source exactly and carries each group's value", () => {
    const result = syntheticExplainResult({prompt: "<b>Tom</b> & Ann ran.", unit: "token", seed: 1});
    const view = buildExplainView(result, "t");
    const html = renderShadedSources(view, 0, view.rows[0]!.values, 1);
    const text = html
        .replace(/<h3>.*?<\/h3>/g, "")
        .replace(/<[^>]+>/g, "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    assert.equal(text, "<b>Tom</b> & Ann ran.");
    const values = [...html.matchAll(/data-value="([^"]*)"/g)].map((match) => Number(match[1]));
    assert.deepEqual(values, result.values);
    assert.equal((html.match(/tabindex="0"/g) ?? []).length, 1, "one unit in the tab order (roving tabindex)");
});

test("choosing a target-token row shades by that row", () => {
    const result = syntheticExplainResult({prompt, unit: "word", seed: 2});
    const view = buildExplainView(result, "t");
    const html = renderExplainMain(view, {level: 0, row: 2}, "p");
    const shaded = [...html.matchAll(/class="u [a-z0-9]+" data-i="\d+" data-value="([^"]*)"/g)].map((match) => Number(match[1]));
    assert.deepEqual(shaded, result.componentValues![1]);
    assert.match(html, /target token \./);
});

test("plots have both axis labels, ticks, a legend entry per series and an accessible name", () => {
    const svg = renderPlot({
        title: "Deletion",
        xLabel: "fraction removed",
        yLabel: "v(S)",
        kind: "line",
        series: [
            {
                label: "deletion",
                points: [
                    [0, 1],
                    [0.5, 0.2],
                    [1, -1],
                ],
            },
        ],
        xDomain: [0, 1],
        caption: "Falls fast.",
    });
    assert.match(svg, /role="img" aria-label="Deletion\. Falls fast\."/);
    assert.match(svg, />fraction removed<\/text>/);
    assert.match(svg, />v\(S\)<\/text>/);
    assert.match(svg, /<li><span class="swatch"[^>]*><\/span>deletion<\/li>/);
    assert.ok((svg.match(/class="tick"/g) ?? []).length >= 8);
});

test("the page scripts compile, and the report embeds its data safely and loads nothing", () => {
    new Script(reportScript());
    new Script(appScript());
    const result = syntheticExplainResult({prompt: "Say </script><script>alert(1)</script> now.", unit: "word", seed: 4});
    const html = renderReportHtml(buildExplainView(result, "t"));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2, "only the two real closing tags");
    assert.doesNotMatch(html, /\b(src|href)="https?:/);
    assert.match(html, /Content-Security-Policy/);
});

test("unit levels are not repeated when a coarser split changes nothing", () => {
    const units = [
        {source: 0, start: 0, end: 3},
        {source: 0, start: 4, end: 7},
    ];
    const levels = unitLevels("word", units, [{label: "prompt", text: "one two"}], "prompt");
    assert.deepEqual(
        levels.map((level) => level.kind),
        ["word", "prompt"],
    );
});

test("other result kinds show facts, record tables and the curves they carry", () => {
    const view = buildGenericView(
        "cot-early-answering",
        {
            schemaVersion: 1,
            kind: "cot-early-answering",
            areaOverCurve: 0.25,
            byLength: [
                {
                    steps: 2,
                    items: 3,
                    curve: [
                        {x: 0, y: 0.5},
                        {x: 0.5, y: 1},
                    ],
                },
                {
                    steps: 3,
                    items: 1,
                    curve: [
                        {x: 0, y: 0},
                        {x: 0.33, y: 1},
                        {x: 0.67, y: 1},
                    ],
                },
            ],
            items: [
                {id: "a", question: "2+2?", aoc: 0.5},
                {id: "b", question: "3+4?", aoc: 0},
            ],
        },
        "cot",
    );
    assert.deepEqual(view.facts[0], {label: "areaOverCurve", value: "0.25", note: ""});
    assert.equal(view.plots.length, 1);
    assert.deepEqual(
        view.plots[0]!.series.map((series) => series.label),
        ["steps 2", "steps 3"],
    );
    const items = view.tables.find((table) => table.caption === "items");
    assert.deepEqual(items?.rows, [
        ["a", "2+2?", 0.5],
        ["b", "3+4?", 0],
    ]);
});

test("a calibration curve is drawn against the diagonal of perfect calibration, axes named by its fields", () => {
    const view = buildGenericView(
        "calibration",
        {
            schemaVersion: 1,
            kind: "calibration",
            bins: [
                {confidence: 0.2, accuracy: 0.1},
                {confidence: 0.8, accuracy: 0.6},
            ],
        },
        "c",
    );
    const plot = view.plots[0]!;
    assert.deepEqual([plot.xLabel, plot.yLabel, plot.xDomain], ["confidence", "accuracy", [0, 1]]);
    assert.deepEqual(
        plot.series.map((series) => series.label),
        ["bins", "perfectly calibrated"],
    );
    assert.deepEqual(plot.series[1]!.points, [
        [0, 0],
        [1, 1],
    ]);
});

test("text on every shading class has a WCAG contrast of at least 4.5:1", () => {
    const luminance = (color: string): number => {
        const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(color);
        const channels = hex === null ? /rgb\((\d+), (\d+), (\d+)\)/.exec(color)!.slice(1).map(Number) : hex.slice(1).map((part) => parseInt(part, 16));
        const [r, g, b] = channels.map((channel) => {
            const value = channel / 255;
            return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (let step = -10; step <= 10; step++) {
        const background = luminance(divergingColor(step / 10));
        const ink = luminance(inkFor(step / 10));
        const contrast = (Math.max(background, ink) + 0.05) / (Math.min(background, ink) + 0.05);
        assert.ok(contrast >= 4.5, `step ${step}: ${contrast.toFixed(2)}`);
    }
});

test("a calibration summary's bins (empty bins null) and a pass@k curve are found as curves", () => {
    const view = buildGenericView(
        "calibration",
        {
            schemaVersion: 1,
            kind: "calibration",
            summary: {
                ece: 0.1,
                bins: [
                    {low: 0, high: 0.5, items: 0, accuracy: null, meanConfidence: null},
                    {low: 0.5, high: 0.75, items: 3, accuracy: 0.5, meanConfidence: 0.6},
                    {low: 0.75, high: 1, items: 2, accuracy: 1, meanConfidence: 0.9},
                ],
            },
            passAtK: [
                {k: 1, passAtK: 0.4},
                {k: 2, passAtK: 0.55},
                {k: 4, passAtK: 0.7},
            ],
        },
        "c",
    );
    assert.deepEqual(
        view.plots.map((plot) => [plot.title, plot.xLabel, plot.yLabel, plot.series[0]!.points.length]),
        [
            ["summary.bins", "meanConfidence", "accuracy", 2],
            ["passAtK", "k", "passAtK", 3],
        ],
    );
    assert.equal(view.plots[0]!.series[1]!.label, "perfectly calibrated");
    assert.ok(view.facts.some((fact) => fact.label === "summary.ece" && fact.value === "0.1"));
});

test("comprehensiveness and sufficiency bars stand at the share of units actually removed, with a named y axis", () => {
    const result = syntheticExplainResult({prompt: "Lily had a red ball.", unit: "word", seed: 5});
    const plot = buildExplainView(result, "t").plots.find((entry) => entry.kind === "bar")!;
    const bins = result.metrics!.faithfulness.comprehensiveness!.bins;
    assert.deepEqual(
        plot.series[0]!.points.map((point) => point[0]),
        bins.map((bin) => bin.size / result.units.length),
    );
    assert.ok(plot.series[0]!.points.every((point) => point[0] <= 1));
    assert.equal(plot.yLabel, "drop in v(S) from v(all units)");
});
