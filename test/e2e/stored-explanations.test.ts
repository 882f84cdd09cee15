import assert from "node:assert/strict";
import {join} from "node:path";
import {after, before, describe, test} from "node:test";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {SqliteRunStoreReader} from "../../src/server/viewer-run-store.js";
import {listenViewer, type RunningViewer} from "../../src/server/viewer-http.js";
import {recordExplanation} from "../../src/store/explanation-run.js";
import {RunStore} from "../../src/store/run-store.js";
import {divergingColor, formatSigned, shadeClass} from "../../src/viewer/render/basics.js";
import {scratchFolder} from "../helpers/scratch.js";
import {syntheticExplainResult} from "../viewer/fixtures.js";
import {chromiumMissing, launchBrowser, lowContrastTexts, overflowsSideways, type Browser} from "./browser.js";

/** The browser's own function, used inside page callbacks (the tests are compiled without the DOM library). */
declare function getComputedStyle(element: unknown): {backgroundColor: string; color: string};

const prompt = "Lily had a red ball. She lost it in the park. Tom found the ball under a tree.";
const shapley = syntheticExplainResult({prompt, unit: "word", seed: 21});
// LIME values scaled down: on separate scales both sides would look alike; on one scale B is paler.
const lime = syntheticExplainResult({prompt, unit: "word", seed: 22, method: "lime"});
lime.values = lime.values.map((value) => value / 4);
lime.componentValues = lime.componentValues!.map((row) => row.map((value) => value / 4));

// A RAG explanation: the prompt's words as units of one document, a question and instruction, and a human rationale.
const rag = syntheticExplainResult({prompt, unit: "word", seed: 23});
rag.input = {kind: "documents", question: "Who found the ball?", instruction: "Answer from the documents.", documents: [{title: "Park", text: prompt}]};
rag.units = rag.units.map((unit) => ({...unit, source: {kind: "document", index: 0}}));
const rationaleMask = rag.units.map((unit) => (unit.text === "Tom" || unit.text === "found" ? 1 : 0));
rag.rationale = {spans: [{start: prompt.indexOf("Tom"), end: prompt.indexOf("found") + 5}], unitMask: rationaleMask};

/** The background a value gets on a scale: the class colour of the stylesheet. */
function expectedBackground(value: number | null, scale: number): string {
    const name = shadeClass(value, scale);
    if (name === "sx") return "rgba(0, 0, 0, 0)";
    if (name === "s0") return divergingColor(0);
    return divergingColor((name.startsWith("sn") ? -1 : 1) * (Number(name.slice(2)) / 10));
}

interface Cell {
    value: number | null;
    background: string;
}

async function cells(page: Browser["page"], selector: string): Promise<Cell[]> {
    return page.$$eval(selector, (elements) =>
        elements.map((element) => {
            const text = element.getAttribute("data-value") ?? "";
            return {value: text === "" ? null : Number(text), background: getComputedStyle(element).backgroundColor};
        }),
    );
}

function largest(values: readonly (number | null)[]): number {
    return Math.max(...values.map((value) => (value === null ? 0 : Math.abs(value))));
}

describe("stored explanations in the view app (Chromium)", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    let viewer: RunningViewer;
    let store: RunStore;
    let idA = 0;
    let idB = 0;
    let idRag = 0;

    before(async () => {
        store = RunStore.open(join(scratchFolder("e2e-stored-explanations"), "runs.db"));
        idA = recordExplanation(store, shapley).id;
        idB = recordExplanation(store, lime).id;
        idRag = recordExplanation(store, rag).id;
        viewer = await listenViewer(createViewerHandler(new SqliteRunStoreReader(store), {allowedHosts: ["127.0.0.1"]}), {host: "127.0.0.1", port: 0});
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await viewer?.close();
        store?.close();
    });

    test("one scale per view: every table cell and every unit is shaded against the largest |value| of the whole table", async () => {
        const {page} = browser;
        const route = `/runs/${idA}/items/explanation`;
        await page.goto(`${viewer.url}#${route}`);
        await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
        const table = await cells(page, "table.matrix tbody td[data-value]");
        assert.equal(table.length, shapley.units.length * 3);
        const scale = largest([...shapley.values, ...shapley.componentValues!.flat()]);
        for (const cell of table) assert.equal(cell.background, expectedBackground(cell.value, scale));
        for (const unit of await cells(page, ".sources .u")) assert.equal(unit.background, expectedBackground(unit.value, scale));
        // Numbers in the table are the stored values; the s.e. column is there.
        const totals = await page.$$eval("table.matrix tbody tr", (rows) =>
            rows.map((row) => Number(row.querySelector("td[data-value]")!.getAttribute("data-value"))),
        );
        assert.deepEqual(totals, shapley.values);
        assert.equal(await page.locator("table.matrix thead th.se").count(), 1);

        // The per-column switch: each column against its own largest |value|.
        await page.check("#a-per-column");
        const perColumn = await page.$$eval("table.matrix tbody tr", (rows) =>
            rows.map((row) =>
                [...row.querySelectorAll("td[data-value]")].map(
                    (cell) => [Number(cell.getAttribute("data-value")), getComputedStyle(cell).backgroundColor] as const,
                ),
            ),
        );
        const columnScales = [shapley.values, ...shapley.componentValues!].map(largest);
        perColumn.forEach((row) => row.forEach(([value, background], column) => assert.equal(background, expectedBackground(value, columnScales[column]!))));
    });

    test("sorting the table by a column orders rows by its values; the top-k list names the largest units", async () => {
        const {page} = browser;
        await page.click('table.matrix button[data-control="sort"][data-column="0"]');
        const sorted = await page.$$eval("table.matrix tbody tr", (rows) =>
            rows.map((row) => Number(row.querySelector("td[data-value]")!.getAttribute("data-value"))),
        );
        assert.deepEqual(
            sorted,
            [...shapley.values].sort((a, b) => b - a),
        );
        await page.click('table.matrix button[data-control="sort"][data-column="0"]');
        const ascending = await page.$$eval("table.matrix tbody tr", (rows) =>
            rows.map((row) => Number(row.querySelector("td[data-value]")!.getAttribute("data-value"))),
        );
        assert.deepEqual(
            ascending,
            [...shapley.values].sort((a, b) => a - b),
        );
        const top = await page.$$eval('[data-role="topk"] li', (items) => items.map((item) => Number(item.getAttribute("data-i"))));
        const expected = shapley.values
            .map((value, index) => ({value, index}))
            .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
            .slice(0, 10)
            .map((entry) => entry.index);
        assert.deepEqual(top, expected);
    });

    test("compare: both sides on one scale, the larger side's; equal values get equal colours on both sides", async () => {
        const {page} = browser;
        const route = `/compare?a=${idA}&b=${idB}`;
        await page.goto(`${viewer.url}#${route}`);
        await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
        const scale = Math.max(largest([...shapley.values, ...shapley.componentValues!.flat()]), largest([...lime.values, ...lime.componentValues!.flat()]));
        for (const side of [0, 1]) {
            for (const unit of await cells(page, `[data-role="side-${side}"] .sources .u`))
                assert.equal(unit.background, expectedBackground(unit.value, scale));
        }
        // The scatter names each point's unit.
        const titles = await page.$$eval('svg[aria-label^="A against B"] circle title', (elements) => elements.map((element) => element.textContent ?? ""));
        assert.equal(titles.length, shapley.values.length);
        assert.match(titles[0]!, /^word 1 “Lily”: /);
        await page.setViewportSize({width: 390, height: 844});
        assert.equal(await overflowsSideways(page), false);
        await page.setViewportSize({width: 1280, height: 900});
    });

    test("exports: the values table as CSV with every stored value, each plot as a standalone SVG", async () => {
        const {page} = browser;
        const route = `/runs/${idA}/items/explanation`;
        await page.goto(`${viewer.url}#${route}`);
        await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
        const href = await page.locator("table.matrix").locator("xpath=ancestor::section[1]").locator('a[data-role="export-csv"]').getAttribute("href");
        const csv = decodeURIComponent(href!.slice("data:text/csv;charset=utf-8,".length)).trim().split("\n");
        assert.equal(csv[0], "word,total,standard error, Lily,.");
        assert.deepEqual(
            csv.slice(1).map((line) => Number(line.split(",")[1])),
            shapley.values,
        );
        assert.deepEqual(
            csv.slice(1).map((line) => Number(line.split(",")[2])),
            shapley.standardErrors,
        );
        const svg = await page.locator('a[data-role="export-svg"]').first().getAttribute("href");
        const text = decodeURIComponent(svg!.slice("data:image/svg+xml;charset=utf-8,".length));
        assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.match(text, /<\/svg>$/);
    });

    test("every text on the app's pages has a contrast of at least 4.5:1; a missing run gets its own title", async () => {
        const {page} = browser;
        for (const route of ["/runs", `/runs/${idA}`, `/runs/${idA}/items/explanation`, `/compare?a=${idA}&b=${idB}`]) {
            await page.goto(`${viewer.url}#${route}`);
            await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
            assert.deepEqual(await lowContrastTexts(page), [], route);
            // The measure itself finds text: nothing on a page reaches 21:1 except pure black on white.
            assert.ok((await lowContrastTexts(page, 21)).length > 10, route);
        }
        await page.goto(`${viewer.url}#/runs/999`);
        await page.waitForSelector('#gb-root[data-loaded="/runs/999"]');
        assert.equal(await page.title(), "Not found · glassbox view");
        assert.equal(await page.locator("#gb-title").innerText(), "Not found");
    });

    test("hover detail: a tip right under the unit, inside a 390 px screen; the detail names the target token and follows it", async () => {
        const {page} = browser;
        await page.setViewportSize({width: 390, height: 844});
        const route = `/runs/${idA}/items/explanation`;
        await page.goto(`${viewer.url}#${route}`);
        await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
        const last = shapley.units.length - 1;
        const unit = page.locator(`.sources .u[data-i="${last}"]`);
        await unit.hover();
        const tip = page.locator('[data-role="tip"]');
        assert.equal(await tip.isVisible(), true);
        const unitBox = (await unit.boundingBox())!;
        const tipBox = (await tip.boundingBox())!;
        assert.ok(
            tipBox.y >= unitBox.y + unitBox.height - 1 && tipBox.y <= unitBox.y + unitBox.height + 12,
            `tip at ${tipBox.y}, unit ends at ${unitBox.y + unitBox.height}`,
        );
        assert.ok(tipBox.x >= 0 && tipBox.x + tipBox.width <= 390, `tip from ${tipBox.x} to ${tipBox.x + tipBox.width}`);
        assert.match(await tip.innerText(), /, total attribution$/);
        assert.equal(await overflowsSideways(page), false);
        await page.click('label[for="a-row-1"]');
        const detail = await page.locator('[data-role="detail"]').innerText();
        assert.match(detail, new RegExp(`^word ${last + 1} of ${shapley.units.length}: .* — .*, target token ␣Lily$`));
        assert.ok(detail.includes(formatSigned(shapley.componentValues![0]![last]!)), detail);
        await page.setViewportSize({width: 1280, height: 900});
    });

    test("a RAG explanation shows its question and instruction, and underlines the human rationale at every row", async () => {
        const {page} = browser;
        const route = `/runs/${idRag}/items/explanation`;
        await page.goto(`${viewer.url}#${route}`);
        await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
        assert.equal(await page.locator('[data-role="context-question"]').innerText(), "Who found the ball?");
        assert.equal(await page.locator('[data-role="context-instruction"]').innerText(), "Answer from the documents.");
        const expected = rationaleMask.flatMap((mark, index) => (mark === 1 ? [index] : []));
        const marked = async (): Promise<number[]> => page.$$eval(".sources .u.r", (units) => units.map((unit) => Number(unit.getAttribute("data-i"))));
        assert.deepEqual(await marked(), expected);
        await page.click('label[for="a-row-1"]');
        assert.deepEqual(await marked(), expected);
        assert.equal(await page.locator('[data-role="rationale-note"]').count(), 1);
    });
});
