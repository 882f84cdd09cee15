import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {after, before, describe, test} from "node:test";
import {pathToFileURL} from "node:url";
import {buildPageView, renderReportHtml} from "../../src/viewer/page.js";
import {formatSigned} from "../../src/viewer/render/basics.js";
import {parseViewableResult} from "../../src/viewer/result-file.js";
import {sumsByWord, syntheticExplainResult} from "../viewer/fixtures.js";
import {
    artifactsFolder,
    assertClose,
    chromiumMissing,
    emulateZoom,
    launchBrowser,
    overflowsSideways,
    screenshot,
    shadedValues,
    type Browser,
} from "./browser.js";

const prompt = "Lily had a red ball. She lost it in the park.\n\nTom found the ball under a tree. He gave it back to";
const result = syntheticExplainResult({prompt, unit: "token", seed: 7});
const rows = result.componentValues!;

describe("HTML report in Chromium", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    let url: string;

    before(async () => {
        browser = await launchBrowser();
        const path = join(artifactsFolder, "report.html");
        const html = renderReportHtml(buildPageView(parseViewableResult(result, "fixture"), "Lily and the red ball"));
        writeFileSync(path, html);
        url = pathToFileURL(path).href;
        await browser.page.setViewportSize({width: 1280, height: 900});
        await browser.page.goto(url);
    });

    after(async () => {
        await browser?.close();
    });

    test("opens from disk with no errors and shades every token by the result's values", async () => {
        const {page, errors} = browser;
        assert.deepEqual(await shadedValues(page), result.values);
        assert.equal(await page.locator(".sources .text").innerText(), prompt);
        assert.deepEqual(errors, []);
        await screenshot(page, "report-1280-token");
    });

    test("switching to words re-aggregates in the page: each word's value is the sum of its tokens", async () => {
        const {page} = browser;
        await page.click('label[for="r-level-1"]');
        assertClose(await shadedValues(page), sumsByWord(prompt, result), 1e-12);
        assert.equal(await page.locator("table.matrix tbody tr").count(), sumsByWord(prompt, result).length);
    });

    test("clicking a target token re-shades the input by its row", async () => {
        const {page} = browser;
        await page.click('label[for="r-row-2"]');
        assertClose(await shadedValues(page), sumsByWord(prompt, result, rows[1]), 1e-12);
        await page.click('table.matrix thead button[data-row="1"]');
        assertClose(await shadedValues(page), sumsByWord(prompt, result, rows[0]), 1e-12);
        assert.equal(await page.isChecked("#r-row-1"), true);
        assert.equal(await page.getAttribute('table.matrix thead button[data-row="1"]', "aria-pressed"), "true");
        await screenshot(page, "report-1280-word-row1");
    });

    test("keyboard: radios switch the unit with arrow keys; arrow keys walk the units and the detail line reads each one", async () => {
        const {page} = browser;
        await page.focus("#r-level-1");
        await page.keyboard.press("ArrowRight");
        assert.equal(await page.isChecked("#r-level-2"), true);
        assert.equal(await page.locator(".sources .u").count(), 4, "four sentences");
        await page.focus('.sources .u[tabindex="0"]');
        await page.keyboard.press("ArrowRight");
        const focused = await page.evaluate<string | null>("document.activeElement.getAttribute('data-i')");
        assert.equal(focused, "1");
        const detail = await page.locator('[data-role="detail"]').innerText();
        const second = (await shadedValues(page))[1]!;
        assert.match(detail, /^sentence 2 of 4: “She lost it in the park\.” — /);
        assert.ok(detail.includes(formatSigned(second)), detail);
        await page.keyboard.press("Tab");
        const next = await page.evaluate<string>("document.activeElement.getAttribute('role') + ' ' + document.activeElement.getAttribute('aria-label')");
        assert.equal(next, "region Values by unit and target token", "Tab leaves the text after one stop, for the scrollable table");
    });

    test("hover shows a unit's value and standard error", async () => {
        const {page} = browser;
        await page.click('label[for="r-row-0"]');
        await page.click('label[for="r-level-0"]');
        await page.hover('.sources .u[data-i="2"]');
        const detail = await page.locator('[data-role="detail"]').innerText();
        const unit = result.units[2]!;
        assert.ok(detail.startsWith(`token 3 of ${result.units.length}: “${unit.text.trim()}” — ${formatSigned(result.values[2]!)} ± `), detail);
    });

    test("the faithfulness curves are drawn with axes and labels", async () => {
        const {page} = browser;
        assert.equal(await page.locator("figure.plot svg[role=img]").count(), 2);
        assert.equal(await page.locator("figure.plot").first().locator("text.axis-label").count(), 2);
        assert.ok((await page.locator("figure.plot path").count()) >= 2);
    });

    test("phone width and 200 % zoom: no sideways scrolling, screenshots saved", async () => {
        const {page} = browser;
        await page.setViewportSize({width: 390, height: 844});
        assert.equal(await overflowsSideways(page), false);
        await screenshot(page, "report-phone-390");
        await page.setViewportSize({width: 1280, height: 900});
        await emulateZoom(page, 1280, 900, 2);
        assert.equal(await overflowsSideways(page), false);
        await screenshot(page, "report-1280-zoom-200");
        assert.deepEqual(browser.errors, []);
    });
});
