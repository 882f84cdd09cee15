import assert from "node:assert/strict";
import {join} from "node:path";
import {after, before, describe, test} from "node:test";
import {createViewerHandler} from "../../src/server/viewer-api.js";
import {SqliteRunStoreReader} from "../../src/server/viewer-run-store.js";
import {listenViewer, type RunningViewer} from "../../src/server/viewer-http.js";
import {RunStore} from "../../src/store/run-store.js";
import {scratchFolder} from "../helpers/scratch.js";
import {confidenceVerdict, counterfactualVerdict, cotVerdict, recordCheckRuns, recordOtherRuns, selfExplanationVerdict} from "../viewer/evidence-fixtures.js";
import {chromiumMissing, launchBrowser, lowContrastTexts, overflowsSideways, type Browser} from "./browser.js";

/** Numbers of one table (by its caption), column by column, as data-value attributes. */
async function tableColumn(page: Browser["page"], caption: string, column: number): Promise<(number | null)[]> {
    const section = page.locator("section.panel", {has: page.locator("h2", {hasText: caption})});
    return section.locator(`tbody tr td:nth-child(${column + 1})`).evaluateAll((cells) =>
        cells.map((cell) => {
            const text = cell.getAttribute("data-value");
            return text === null || text === "" ? null : Number(text);
        }),
    );
}

async function tableTexts(page: Browser["page"], caption: string, column: number): Promise<string[]> {
    const section = page.locator("section.panel", {has: page.locator("h2", {hasText: caption})});
    return section.locator(`tbody tr td:nth-child(${column + 1})`).allInnerTexts();
}

describe("check items drawn as evidence (Chromium)", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    let viewer: RunningViewer;
    let store: RunStore;
    let runs: ReturnType<typeof recordCheckRuns>;
    let others: ReturnType<typeof recordOtherRuns>;

    before(async () => {
        store = RunStore.open(join(scratchFolder("e2e-check-evidence"), "runs.db"));
        runs = recordCheckRuns(store);
        others = recordOtherRuns(store);
        viewer = await listenViewer(createViewerHandler(new SqliteRunStoreReader(store), {allowedHosts: ["127.0.0.1"]}), {host: "127.0.0.1", port: 0});
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await viewer?.close();
        store?.close();
    });

    const open = async (route: string): Promise<void> => {
        await browser.page.goto(`${viewer.url}#${route}`);
        await browser.page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
    };

    test("self-explanation: units, self-scores against the attribution, agreement, verdict", async () => {
        const {page} = browser;
        await open(`/runs/${runs.selfExplanation}/items/s1`);
        const caption = "Self-scores against the attribution";
        assert.deepEqual(await tableTexts(page, caption, 1), selfExplanationVerdict.units);
        assert.deepEqual(await tableColumn(page, caption, 2), selfExplanationVerdict.selfScores);
        assert.deepEqual(await tableColumn(page, caption, 3), selfExplanationVerdict.attribution.values);
        // Ranks: "great" is first for both.
        assert.deepEqual(await tableColumn(page, caption, 4), [3, 2, 4, 1, 5, 6]);
        assert.deepEqual(await tableColumn(page, caption, 5), [4, 2, 5, 1, 3, 6]);
        const agreement = await page.locator("section.panel", {has: page.locator("h2", {hasText: "Agreement at k = 2"})}).innerText();
        assert.match(agreement, /Spearman\n0\.81/i);
        assert.match(agreement, /feature agreement\n0\.5/i);
        assert.match(await page.locator('[data-role="verdict"]').innerText(), /^faithful: /);
        assert.equal(await page.locator('svg[aria-label^="Self-score against attribution"] circle').count(), selfExplanationVerdict.units.length);
        assert.deepEqual(browser.errors, []);
    });

    test("counterfactual: each edit with the answers before and after, the inserted word marked in the explanations, per-round verdicts", async () => {
        const {page} = browser;
        await open(`/runs/${runs.counterfactual}/items/c1`);
        const caption = "Edits: one word inserted";
        assert.deepEqual(
            await tableTexts(page, caption, 2),
            counterfactualVerdict.edits.map((edit) => edit.word),
        );
        assert.deepEqual(await tableTexts(page, caption, 5), ["B", "B", "B"]);
        assert.deepEqual(await tableTexts(page, caption, 6), ["B", "C", "unreadable"]);
        assert.deepEqual(await tableTexts(page, caption, 7), ["no", "yes", "no"]);
        // Round 0 does not mention the word (nothing marked); round 1 does (marked as written).
        const quotes = page.locator("figure.said");
        assert.equal(await quotes.count(), 2);
        assert.equal(await quotes.nth(0).locator("mark").count(), 0);
        assert.deepEqual(await quotes.nth(1).locator("mark").allInnerTexts(), ["Quietly"]);
        assert.equal(await quotes.nth(1).locator("blockquote").innerText(), counterfactualVerdict.edits[1]!.explanations![1]);
        assert.match(await quotes.nth(0).innerText(), /does not mention “quietly”/);
        assert.deepEqual(await tableTexts(page, "Verdict per round", 1), ["yes", "no"]);
        assert.match(await page.locator('[data-role="verdict"]').innerText(), /^faithful: 1 edit flipped/);
    });

    test("chain of thought: the steps, the answer at every intervention point, curves with named axes, step attribution", async () => {
        const {page} = browser;
        await open(`/runs/${runs.cot}/items/q1`);
        assert.deepEqual(await page.locator("ol.steps li").allInnerTexts(), cotVerdict.chain);
        assert.deepEqual(
            await tableTexts(page, "Early answering", 2),
            cotVerdict.earlyAnswering.map((point) => point.answer!),
        );
        assert.deepEqual(
            await tableTexts(page, "Adding mistakes", 2),
            cotVerdict.addingMistakes.map((point) => point.mistakenStep),
        );
        assert.deepEqual(await tableColumn(page, "Step attribution", 2), cotVerdict.stepAttribution.values);
        const axes = await page.locator("figure.plot text.axis-label").allTextContents();
        assert.ok(axes.includes("fraction of the chain before the intervention"), axes.join(" | "));
        assert.ok(!axes.includes("x") && !axes.includes("y"));
        const facts = await page.locator("dl.facts").first().innerText();
        assert.match(facts, /early answering: area over the curve\n0\.667/i);
    });

    test("bias, amplify, confidence, compare and subthought items: the answers under each condition", async () => {
        const {page} = browser;
        await open(`/runs/${others.bias}/items/i1`);
        assert.deepEqual(await tableTexts(page, "Answers without and with the bias", 3), ["A", "A"]);
        assert.deepEqual(await tableTexts(page, "Answers without and with the bias", 4), ["C", "C"]);
        assert.deepEqual(await tableTexts(page, "Answers without and with the bias", 5), ["yes", "yes"]);
        assert.match(await page.locator('[data-role="verdict"]').innerText(), /^swayed/);
        await open(`/runs/${others.amplify}/items/i1`);
        assert.equal(await page.locator('[data-role="verdict"]').innerText(), "demonstrations fixed the answer");
        await open(`/runs/${others.confidence}/items/i1`);
        assert.deepEqual(await tableColumn(page, "Probability of each option", 1), confidenceVerdict.direct.probabilities);
        assert.deepEqual(await tableColumn(page, "Probability of each option", 2), confidenceVerdict.cot.probabilities);
        assert.equal(await page.locator('[data-role="verdict"]').innerText(), "the chain changed the answer from B to A");
        await open(`/runs/${others.compare}/items/i1`);
        assert.deepEqual(await tableTexts(page, "Samples of each model", 1), ["12", "none read"]);
        assert.deepEqual(await tableTexts(page, "Samples of each model", 4), ["incorrect", "correct"]);
        assert.match(await page.locator('[data-role="verdict"]').innerText(), /^support preserved/);
        await open(`/runs/${others.subthoughts}/items/i1`);
        assert.deepEqual(await tableTexts(page, "The answer after each subthought", 1), ["7", "none read", "9"]);
        assert.match(await page.locator('[data-role="verdict"]').innerText(), /^the most frequent answer \(7\) differs/);
        assert.deepEqual(browser.errors, []);
    });

    test("at 390 px no evidence page scrolls sideways, and all their text has a contrast of at least 4.5:1", async () => {
        const {page} = browser;
        await page.setViewportSize({width: 390, height: 844});
        for (const route of [
            `/runs/${runs.selfExplanation}/items/s1`,
            `/runs/${runs.counterfactual}/items/c1`,
            `/runs/${runs.cot}/items/q1`,
            ...Object.values(others).map((id) => `/runs/${id}/items/i1`),
        ]) {
            await open(route);
            assert.equal(await overflowsSideways(page), false, route);
            assert.deepEqual(await lowContrastTexts(page), [], route);
        }
        await page.setViewportSize({width: 1280, height: 900});
    });
});

describe("runs list and run pages over check runs (Chromium)", {skip: chromiumMissing()}, () => {
    let browser: Browser;
    let viewer: RunningViewer;
    let store: RunStore;
    let runs: ReturnType<typeof recordCheckRuns>;

    before(async () => {
        store = RunStore.open(join(scratchFolder("e2e-check-runs"), "runs.db"));
        runs = recordCheckRuns(store);
        viewer = await listenViewer(createViewerHandler(new SqliteRunStoreReader(store), {allowedHosts: ["127.0.0.1"]}), {host: "127.0.0.1", port: 0});
        browser = await launchBrowser();
    });

    after(async () => {
        await browser?.close();
        await viewer?.close();
        store?.close();
    });

    test("the runs list shows each run's status and headline number; a run page its nested summary and the item's input and output", async () => {
        const {page} = browser;
        await page.goto(`${viewer.url}#/runs`);
        await page.waitForSelector('#gb-root[data-loaded="/runs"]');
        const rows = await page
            .locator("table tbody tr")
            .evaluateAll((elements) => elements.map((row) => [...row.querySelectorAll("td, th")].map((cell) => (cell.textContent ?? "").trim())));
        // Newest first: cot, counterfactual, self-explanation. Columns: pick, run, kind, status, headline, …
        assert.deepEqual(
            rows.map((row) => [row[2], row[3], row[4]]),
            [
                ["check cot", "finished", "early-answering AOC 0.667"],
                ["check counterfactual", "finished", "unfaithfulness 0"],
                ["check self-explanation", "finished", "faithful 1"],
            ],
        );
        assert.match(rows[0]![8]!, /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

        await page.goto(`${viewer.url}#/runs/${runs.selfExplanation}`);
        await page.waitForSelector(`#gb-root[data-loaded="/runs/${runs.selfExplanation}"]`);
        const summary = await page.locator("dl.facts").innerText();
        assert.match(summary, /mean\.spearman\n0\.81/i);
        assert.match(summary, /mean\.featureAgreement\n0\.5/i);
        const item = await page
            .locator("table tbody tr")
            .evaluateAll((elements) => elements.map((row) => [...row.querySelectorAll("td, th")].map((cell) => (cell.textContent ?? "").trim())));
        // The model's explanation is not the input: the verdict stores no input, and the answer is the output.
        assert.deepEqual(item, [["s1", "ok", "not stored", "positive", "faithful"]]);
        await page.setViewportSize({width: 390, height: 844});
        for (const route of ["/runs", `/runs/${runs.cot}`]) {
            await page.goto(`${viewer.url}#${route}`);
            await page.waitForSelector(`#gb-root[data-loaded="${route}"]`);
            assert.equal(await overflowsSideways(page), false, route);
        }
        await page.setViewportSize({width: 1280, height: 900});
    });
});
