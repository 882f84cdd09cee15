/**
 * Headless Chromium from Debian's package (/usr/bin/chromium), driven by playwright-core: never
 * a browser downloaded by a test tool. Every launch gets a fresh profile folder. Screenshots and
 * measurements go to test-artifacts/e2e/ (ignored by git).
 */
import {existsSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {chromium, type BrowserContext, type Page} from "playwright-core";
import {repoRoot} from "../helpers/run-cli.js";

export const chromiumPath = "/usr/bin/chromium";
export const artifactsFolder = join(repoRoot, "test-artifacts", "e2e");

export const chromiumFlags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
    return existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing (apt-get install chromium; .ci/run installs it)`;
}

export interface Browser {
    context: BrowserContext;
    page: Page;
    /** Page errors and console errors seen so far. */
    errors: string[];
    close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
    mkdirSync(artifactsFolder, {recursive: true});
    const profile = mkdtempSync(join(tmpdir(), "glassbox-chromium-"));
    // launchPersistentContext passes the profile as --user-data-dir.
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        args: chromiumFlags,
        viewport: {width: 1280, height: 900},
    });
    const errors: string[] = [];
    // Pages must load nothing from the network: anything but this machine's server is refused and reported.
    await context.route("**/*", async (route) => {
        const url = new URL(route.request().url());
        if (url.protocol === "file:" || url.protocol === "data:" || url.hostname === "127.0.0.1") await route.continue();
        else {
            errors.push(`network request refused: ${url.href}`);
            await route.abort();
        }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    return {
        context,
        page,
        errors,
        async close() {
            await context.close();
            rmSync(profile, {recursive: true, force: true});
        },
    };
}

export async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({path: join(artifactsFolder, `${name}.png`), fullPage: true});
}

/** The data-value of every shaded unit, as numbers. */
export async function shadedValues(page: Page, scope = "body"): Promise<number[]> {
    return page.$$eval(`${scope} .sources .u`, (units) => units.map((unit) => Number(unit.getAttribute("data-value"))));
}

/** The page scrolls sideways (content wider than the viewport). */
export async function overflowsSideways(page: Page): Promise<boolean> {
    return page.evaluate<boolean>("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
}

/** Emulate browser zoom: a CSS viewport of width / factor at device scale factor `factor`. */
export async function emulateZoom(page: Page, width: number, height: number, factor: number): Promise<void> {
    const cssWidth = Math.round(width / factor);
    const cssHeight = Math.round(height / factor);
    await page.setViewportSize({width: cssWidth, height: cssHeight});
    const session = await page.context().newCDPSession(page);
    await session.send("Emulation.setDeviceMetricsOverride", {width: cssWidth, height: cssHeight, deviceScaleFactor: factor, mobile: false});
}

export function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
    if (actual.length !== expected.length) throw new Error(`expected ${expected.length} values, got ${actual.length}`);
    actual.forEach((value, index) => {
        if (!(Math.abs(value - (expected[index] as number)) <= tolerance)) throw new Error(`value ${index}: expected ${expected[index]}, got ${value}`);
    });
}

/**
 * Every element with its own visible text whose colour has a WCAG contrast below `minimum`
 * against the background it sits on (the nearest ancestor with an opaque background colour).
 */
export async function lowContrastTexts(page: Page, minimum = 4.5): Promise<string[]> {
    return page.evaluate(`(() => {
        const channels = (color) => (color.match(/[\\d.]+/g) || []).map(Number);
        const luminance = ([r, g, b]) => {
            const linear = [r, g, b].map((channel) => { const value = channel / 255; return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4); });
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
        };
        const background = (element) => {
            for (let node = element; node; node = node.parentElement) {
                const parts = channels(getComputedStyle(node).backgroundColor);
                if (parts.length === 3 || (parts.length === 4 && parts[3] === 1)) return parts.slice(0, 3);
            }
            return [255, 255, 255];
        };
        const found = [];
        for (const element of document.querySelectorAll("body *")) {
            if (element.closest("svg, script, style, .skip")) continue;
            const ownText = [...element.childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent.trim()).join("");
            if (ownText === "") continue;
            const box = element.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) continue;
            const ink = luminance(channels(getComputedStyle(element).color).slice(0, 3));
            const back = luminance(background(element));
            const contrast = (Math.max(ink, back) + 0.05) / (Math.min(ink, back) + 0.05);
            if (contrast < ${minimum}) found.push(element.tagName.toLowerCase() + "." + element.className + " “" + ownText.slice(0, 30) + "” " + contrast.toFixed(2));
        }
        return found;
    })()`);
}
