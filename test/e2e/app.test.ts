import assert from "node:assert/strict";
import {after, before, describe, test} from "node:test";
import {agreementMetrics} from "../../src/metrics/agreement.js";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {runFromResult} from "../../src/server/viewer-files.js";
import {listenViewer, type RunningViewer} from "../../src/server/viewer-http.js";
import {MemoryRunStore} from "../../src/server/viewer-store.js";
import {formatNumber} from "../../src/viewer/render/basics.js";
import {parseViewableResult} from "../../src/viewer/result-file.js";
import {sumsByWord, syntheticExplainResult} from "../viewer/fixtures.js";
import {assertClose, chromiumMissing, launchBrowser, overflowsSideways, screenshot, shadedValues, type Browser} from "./browser.js";

const prompt = "Lily had a red ball. She lost it in the park. Tom found the ball under a tree. He gave it back to";
const shapley = syntheticExplainResult({prompt, unit: "word", seed: 11, method: "shapley"});
const lime = syntheticExplainResult({prompt, unit: "word", seed: 12, method: "lime"});
const tokens = syntheticExplainResult({prompt, unit: "token", seed: 13});

function store(): MemoryRunStore {
    const memory = new MemoryRunStore("fixture runs");
    const add = (id: string, createdAt: string, result: unknown): void => {
        const {run, items} = runFromResult(id, `${id}.json`, createdAt, parseViewableResult(result, id));
        memory.add(run, items);
    };
    add("shapley-words", "2026-11-03T10:00:00Z", shapley);
    add("lime-words", "2026-11-03T11:00:00Z", lime);
    add("shapley-tokens", "2026-11-03T12:00:00Z", tokens);
    add("cot-early-answering", "2026-11-02T09:00:00Z", {
        schemaVersion: 1,
        kind: "cot-early-answering",
        areaOverCurve: 0.31,
        items: [
            {id: "q1", question: "3 + 4 = ?", aoc: 0.5},
            {id: "q2", question: "7 + 5 = ?", aoc: 0.12},
        ],
        byLength: [
            {
                steps: 2,
                items: 1,
                curve: [
                    {x: 0, y: 0},
                    {x: 0.5, y: 1},
                ],
            },
            {
                steps: 3,
                items: 1,
                curve: [
                    {x: 0, y: 0},
                    {x: 0.33, y: 0},
                    {x: 0.67, y: 1},
                ],
            },
        ],
    });
    return memory;
}

/** Go to an app route and wait until its page is drawn. */
async function open(page: Browser["page"], base: string, route: string): Promise<void> {
    await page.goto(`${base}#${route}`);
    await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
}

describe("glassbox view app in Chromium", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    let viewer: RunningViewer;

    before(async () => {
        viewer = await listenViewer(createViewerHandler(store(), {allowedHosts: ["127.0.0.1"]}), {host: "127.0.0.1", port: 0});
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await viewer?.close();
    });

    test("the runs page lists every run and filters them", async () => {
        const {page} = browser;
        await open(page, viewer.url, "/runs");
        assert.equal(await page.locator("table tbody tr").count(), 4);
        await screenshot(page, "app-runs-1280");
        await page.fill('input[name="method"]', "lime");
        await page.click('button[type="submit"]');
        await page.waitForSelector('#gb-root[data-loaded="/runs?method=lime"]');
        assert.equal(await page.locator("table tbody tr").count(), 1);
        assert.equal(await page.locator("table tbody th a").innerText(), "lime-words.json");
        assert.match(page.url(), /#\/runs\?method=lime$/);
    });

    test("a run's items lead to the explanation, which shades the result's values and re-aggregates", async () => {
        const {page} = browser;
        await open(page, viewer.url, "/runs/shapley-tokens");
        await page.click("table tbody th a");
        await page.waitForSelector('#gb-root[data-loaded="/runs/shapley-tokens/items/1"]');
        assert.deepEqual(await shadedValues(page), tokens.values);
        await page.click('label[for="a-level-1"]');
        assertClose(await shadedValues(page), sumsByWord(prompt, tokens), 1e-12);
        await page.click('label[for="a-row-1"]');
        assertClose(await shadedValues(page), sumsByWord(prompt, tokens, tokens.componentValues![0]), 1e-12);
        await screenshot(page, "app-item-1280");
    });

    test("two runs side by side with their agreement", async () => {
        const {page} = browser;
        await open(page, viewer.url, "/runs");
        await page.check('input[data-role="pick"][value="shapley-words"]');
        await page.check('input[data-role="pick"][value="lime-words"]');
        await page.click('button[data-role="compare"]');
        await page.waitForSelector('#gb-root[data-loaded^="/compare"]');
        const expected = agreementMetrics(lime.values, shapley.values);
        const facts = await page.locator("dl.facts").first().innerText();
        assert.ok(facts.includes(`SPEARMAN\n${formatNumber(expected.spearman)}`) || facts.includes(`Spearman\n${formatNumber(expected.spearman)}`), facts);
        assert.equal(await page.locator('svg[aria-label^="A against B, per unit"] circle').count(), lime.values.length);
        assert.deepEqual(await shadedValues(page, '[data-role="side-0"]'), lime.values);
        assert.deepEqual(await shadedValues(page, '[data-role="side-1"]'), shapley.values);
        await screenshot(page, "app-compare-1280");
        await page.setViewportSize({width: 390, height: 844});
        assert.equal(await overflowsSideways(page), false);
        await screenshot(page, "app-compare-phone-390");
        await page.setViewportSize({width: 1280, height: 900});
    });

    test("a check's result shows its items and curves", async () => {
        const {page} = browser;
        await open(page, viewer.url, "/runs/cot-early-answering");
        assert.equal(await page.locator("table tbody tr").count(), 2);
        await open(page, viewer.url, "/runs/cot-early-answering/items/q1");
        assert.match(await page.locator("dl.facts").innerText(), /3 \+ 4 = \?/);
    });

    test("a bad id shows the API's message", async () => {
        const {page} = browser;
        await open(page, viewer.url, "/runs/nope");
        assert.equal(await page.locator(".error").innerText(), `no run "nope"; GET /api/runs lists them`);
        assert.deepEqual(
            browser.errors.filter((error) => !error.includes("404")),
            [],
        );
    });
});
