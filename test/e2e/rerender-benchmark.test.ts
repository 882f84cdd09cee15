/**
 * Re-aggregation benchmark in the browser (recorded in BENCHMARKS.md, "Viewer: re-aggregation
 * in the browser"): a 10,000-token input in 64 sentences. Case A: a token-level result (10,000
 * units) switched to sentences (64 groups) and back, and re-shaded by a target token. Case B: a
 * sentence-level result (64 units over the same text) switched to paragraphs and re-shaded.
 * Each time is from the click to the end of the forced layout, and to the next frame; a level's
 * first visit (its text built) is timed apart from later visits (its kept text put back). The test
 * checks the values drawn; it asserts no time (timings go to test-artifacts/e2e/).
 */
import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {after, before, describe, test} from "node:test";
import {pathToFileURL} from "node:url";
import type {ExplainResult} from "../../src/explain/types.js";
import {buildPageView, renderReportHtml} from "../../src/viewer/page.js";
import {parseViewableResult} from "../../src/viewer/result-file.js";
import {syntheticExplainResult} from "../viewer/fixtures.js";
import {artifactsFolder, assertClose, chromiumMissing, launchBrowser, shadedValues, type Browser} from "./browser.js";

const vocabulary = ["the", "cat", "sat", "on", "mat", "and", "a", "red", "ball", "dog", "ran", "far", "Lily", "Tom", "hid", "it"];
const sentenceCount = 64;
const tokenCount = 10_000;

/** 64 capitalised sentences of one-token words and a final "." token, 8 per paragraph: exactly 10,000 tokens. */
function longPrompt(): {prompt: string; sentenceOfToken: number[]} {
    const perSentence = tokenCount / sentenceCount;
    const parts: string[] = [];
    const sentenceOfToken: number[] = [];
    let word = 0;
    for (let sentence = 0; sentence < sentenceCount; sentence++) {
        const length = Math.floor((sentence + 1) * perSentence) - Math.floor(sentence * perSentence);
        for (let index = 0; index < length - 1; index++) {
            const plain = vocabulary[(word++ * 7) % vocabulary.length] as string;
            const text = index === 0 ? `${plain[0]!.toUpperCase()}${plain.slice(1)}` : plain;
            const separator = parts.length === 0 ? "" : index === 0 && sentence % 8 === 0 ? "\n\n" : " ";
            parts.push(`${separator}${text}`);
            sentenceOfToken.push(sentence);
        }
        parts.push(".");
        sentenceOfToken.push(sentence);
    }
    return {prompt: parts.join(""), sentenceOfToken};
}

function sumBy(values: readonly number[], groupOf: readonly number[], count: number): number[] {
    const sums = new Array<number>(count).fill(0);
    values.forEach((value, index) => (sums[groupOf[index] as number] = (sums[groupOf[index] as number] as number) + value));
    return sums;
}

/** The same input with sentence units: each sentence's value is the sum of its tokens'. */
function sentenceResult(tokens: ExplainResult, sentenceOfToken: readonly number[]): ExplainResult {
    const units = Array.from({length: sentenceCount}, (_unused, sentence) => {
        const members = tokens.units.filter((_unit, index) => sentenceOfToken[index] === sentence);
        const start = members[0]!.start + (members[0]!.text.startsWith(" ") ? 1 : 0);
        const end = members[members.length - 1]!.end;
        return {
            index: sentence,
            kind: "sentence" as const,
            source: {kind: "prompt" as const},
            start,
            end,
            text: (tokens.input as {prompt: string}).prompt.slice(start, end),
        };
    });
    return {
        ...tokens,
        unit: "sentence",
        units,
        values: sumBy(tokens.values, sentenceOfToken, sentenceCount),
        standardErrors: sumBy(
            tokens.standardErrors!.map((error) => error * error),
            sentenceOfToken,
            sentenceCount,
        ).map(Math.sqrt),
        componentValues: tokens.componentValues!.map((row) => sumBy(row, sentenceOfToken, sentenceCount)),
    };
}

const measure = `async ({steps, repeats}) => {
    const times = {};
    for (let repeat = 0; repeat < repeats; repeat++) {
        for (const [name, id] of steps) {
            const started = performance.now();
            document.getElementById(id).click();
            void document.body.offsetHeight;
            const laidOut = performance.now();
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            const framed = performance.now();
            (times[name] ??= []).push([laidOut - started, framed - started]);
        }
    }
    return times;
}`;

interface Timing {
    case: string;
    step: string;
    medianLayoutMs: number;
    maxLayoutMs: number;
    medianFrameMs: number;
    maxFrameMs: number;
}

function summarize(caseName: string, times: Record<string, [number, number][]>): Timing[] {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const round = (value: number) => Math.round(value * 10) / 10;
    return Object.entries(times).map(([step, pairs]) => ({
        case: caseName,
        step,
        medianLayoutMs: round(median(pairs.map((pair) => pair[0]))),
        maxLayoutMs: round(Math.max(...pairs.map((pair) => pair[0]))),
        medianFrameMs: round(median(pairs.map((pair) => pair[1]))),
        maxFrameMs: round(Math.max(...pairs.map((pair) => pair[1]))),
    }));
}

describe("re-aggregation of a 10,000-token input in Chromium", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    const {prompt, sentenceOfToken} = longPrompt();
    const tokens = syntheticExplainResult({prompt, unit: "token", seed: 21, metrics: false});
    const sentences = sentenceResult(tokens, sentenceOfToken);
    const timings: Timing[] = [];

    before(async () => {
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        writeFileSync(
            join(artifactsFolder, "rerender-benchmark.json"),
            `${JSON.stringify({chromium: browser === undefined ? null : (browser.context.browser()?.version() ?? null), timings}, null, 2)}\n`,
        );
        for (const timing of timings)
            console.log(
                `rerender ${timing.case} ${timing.step}: median ${timing.medianLayoutMs} ms to layout, ${timing.medianFrameMs} ms to next frame (max ${timing.maxLayoutMs} / ${timing.maxFrameMs})`,
            );
    });

    async function open(result: ExplainResult, name: string): Promise<void> {
        const path = join(artifactsFolder, `${name}.html`);
        writeFileSync(path, renderReportHtml(buildPageView(parseViewableResult(result, name), name)));
        await browser.page.goto(pathToFileURL(path).href);
    }

    test("token-level result: 10,000 units to 64 sentences and back, and re-shading by a target token", async () => {
        assert.equal(tokens.units.length, tokenCount);
        await open(tokens, "benchmark-tokens");
        const {page} = browser;
        const levels = await page.$$eval('input[data-control="level"] + label', (labels) => labels.map((label) => label.textContent));
        assert.deepEqual(levels, ["token 10000", "word 9936", "sentence 64", "paragraph 8", "prompt 1"]);
        // First visit of a level builds its text (9,936 word spans); later visits put the kept text back.
        const first = (await page.evaluate(
            `(${measure})(${JSON.stringify({
                steps: [
                    ["token→word, first build", "r-level-1"],
                    ["word→token", "r-level-0"],
                ],
                repeats: 1,
            })})`,
        )) as Record<string, [number, number][]>;
        timings.push(...summarize("A: 10,000 token units", first));
        const times = (await page.evaluate(
            `(${measure})(${JSON.stringify({
                steps: [
                    ["token→sentence", "r-level-2"],
                    ["sentence→token", "r-level-0"],
                    ["token row 1", "r-row-1"],
                    ["token row 0", "r-row-0"],
                ],
                repeats: 7,
            })})`,
        )) as Record<string, [number, number][]>;
        timings.push(...summarize("A: 10,000 token units", times));
        await page.click('label[for="r-level-2"]');
        assertClose(await shadedValues(page), sumBy(tokens.values, sentenceOfToken, sentenceCount), 1e-9);
        await page.click('label[for="r-row-2"]');
        assertClose(await shadedValues(page), sumBy(tokens.componentValues![1]!, sentenceOfToken, sentenceCount), 1e-9);
        assert.deepEqual(browser.errors, []);
    });

    test("sentence-level result: 64 units over the 10,000-token text, to paragraphs and by target token", async () => {
        await open(sentences, "benchmark-sentences");
        const {page} = browser;
        assert.deepEqual(await shadedValues(page), sentences.values);
        const times = (await page.evaluate(
            `(${measure})(${JSON.stringify({
                steps: [
                    ["sentence→paragraph", "r-level-1"],
                    ["paragraph→sentence", "r-level-0"],
                    ["sentence row 1", "r-row-1"],
                    ["sentence row 0", "r-row-0"],
                ],
                repeats: 7,
            })})`,
        )) as Record<string, [number, number][]>;
        timings.push(...summarize("B: 64 sentence units", times));
        await page.click('label[for="r-level-1"]');
        const paragraphOf = Array.from({length: sentenceCount}, (_unused, sentence) => Math.floor(sentence / 8));
        assertClose(await shadedValues(page), sumBy(sentences.values, paragraphOf, 8), 1e-9);
        assert.deepEqual(browser.errors, []);
    });
});
