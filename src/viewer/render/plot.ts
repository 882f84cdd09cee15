/**
 * Plots as inline SVG strings: line plots (deletion/insertion, chain-of-thought curves), grouped
 * bar plots (AOPC bins) and scatter plots (two attributions against each other), with axes, ticks, axis labels, a legend and a caption. Sent to
 * the browser as source text like every render function (see basics.ts).
 */
import type {PlotSpec} from "../view-model.js";
import {escapeHtml, formatNumber} from "./basics.js";

/** About `count` round tick values covering [low, high]. */
export function niceTicks(low: number, high: number, count: number): number[] {
    if (!(Number.isFinite(low) && Number.isFinite(high))) return [0];
    if (high - low < 1e-12) return [low];
    const rough = (high - low) / Math.max(1, count);
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const fraction = rough / power;
    const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    const ticks: number[] = [];
    for (let tick = Math.ceil(low / step - 1e-9) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
    return ticks;
}

/** Colour of series `index`: Okabe–Ito colours, distinguishable with colour-vision deficiencies. */
export function seriesColor(index: number): string {
    const colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];
    return colors[index % colors.length] as string;
}

export function renderPlot(spec: PlotSpec): string {
    const width = 480;
    const height = 280;
    const left = 58;
    const right = 14;
    const top = 14;
    const bottom = 46;
    const innerWidth = width - left - right;
    const innerHeight = height - top - bottom;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const series of spec.series) {
        for (const point of series.points) {
            if (Number.isFinite(point[0]) && Number.isFinite(point[1])) {
                xs.push(point[0]);
                ys.push(point[1]);
            }
        }
    }
    if (xs.length === 0) return `<figure class="plot"><figcaption><strong>${escapeHtml(spec.title)}</strong>: no finite points to draw.</figcaption></figure>`;
    let xLow = spec.xDomain === null ? Math.min(...xs) : spec.xDomain[0];
    let xHigh = spec.xDomain === null ? Math.max(...xs) : spec.xDomain[1];
    const barWidthData = spec.kind === "bar" ? barStep(xs) : 0;
    if (spec.kind === "bar") {
        xLow = Math.min(xLow, Math.min(...xs) - barWidthData / 2);
        xHigh = Math.max(xHigh, Math.max(...xs) + barWidthData / 2);
    }
    if (xHigh - xLow < 1e-12) {
        xLow -= 0.5;
        xHigh += 0.5;
    }
    let yLow = Math.min(...ys, spec.kind === "bar" ? 0 : Math.min(...ys));
    let yHigh = Math.max(...ys, spec.kind === "bar" ? 0 : Math.max(...ys));
    if (yHigh - yLow < 1e-12) {
        yLow -= 0.5;
        yHigh += 0.5;
    }
    const pad = (yHigh - yLow) * 0.06;
    yLow -= spec.kind === "bar" && yLow === 0 ? 0 : pad;
    yHigh += pad;
    const xTicks = niceTicks(xLow, xHigh, 5);
    const yTicks = niceTicks(yLow, yHigh, 5);
    const toX = (x: number): number => left + ((x - xLow) / (xHigh - xLow)) * innerWidth;
    const toY = (y: number): number => top + (1 - (y - yLow) / (yHigh - yLow)) * innerHeight;
    const parts: string[] = [];
    parts.push(`<rect x="${left}" y="${top}" width="${innerWidth}" height="${innerHeight}" class="plot-area"/>`);
    for (const tick of yTicks) {
        const y = toY(tick).toFixed(1);
        parts.push(`<line x1="${left}" x2="${left + innerWidth}" y1="${y}" y2="${y}" class="grid"/>`);
        parts.push(`<text x="${left - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatNumber(tick))}</text>`);
    }
    for (const tick of xTicks) {
        const x = toX(tick).toFixed(1);
        parts.push(`<line x1="${x}" x2="${x}" y1="${top + innerHeight}" y2="${top + innerHeight + 4}" class="axis"/>`);
        parts.push(`<text x="${x}" y="${top + innerHeight + 16}" class="tick" text-anchor="middle">${escapeHtml(formatNumber(tick))}</text>`);
    }
    if (yLow < 0 && yHigh > 0) parts.push(`<line x1="${left}" x2="${left + innerWidth}" y1="${toY(0).toFixed(1)}" y2="${toY(0).toFixed(1)}" class="zero"/>`);
    parts.push(`<line x1="${left}" x2="${left + innerWidth}" y1="${top + innerHeight}" y2="${top + innerHeight}" class="axis"/>`);
    parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + innerHeight}" class="axis"/>`);
    const seriesCount = spec.series.length;
    spec.series.forEach((series, index) => {
        const color = seriesColor(index);
        const finitePoints = series.points.filter((point) => Number.isFinite(point[0]) && Number.isFinite(point[1]));
        if (spec.kind === "scatter" && index < seriesCount - 1) {
            series.points.forEach((point, at) => {
                if (!Number.isFinite(point[0]) || !Number.isFinite(point[1])) return;
                const name = series.pointLabels?.[at] ?? series.label;
                parts.push(
                    `<circle cx="${toX(point[0]).toFixed(1)}" cy="${toY(point[1]).toFixed(1)}" r="3.5" fill="${color}" fill-opacity="0.75"><title>${escapeHtml(`${name}: ${formatNumber(point[0])}, ${formatNumber(point[1])}`)}</title></circle>`,
                );
            });
        } else if (spec.kind === "line" || spec.kind === "scatter") {
            const path = finitePoints.map((point, at) => `${at === 0 ? "M" : "L"}${toX(point[0]).toFixed(1)},${toY(point[1]).toFixed(1)}`).join("");
            parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2" ${index % 2 === 1 ? 'stroke-dasharray="6 3"' : ""}/>`);
            if (spec.kind === "line" && finitePoints.length <= 40) {
                for (const point of finitePoints) {
                    parts.push(
                        `<circle cx="${toX(point[0]).toFixed(1)}" cy="${toY(point[1]).toFixed(1)}" r="2.6" fill="${color}"><title>${escapeHtml(`${series.label}: x ${formatNumber(point[0])}, y ${formatNumber(point[1])}`)}</title></circle>`,
                    );
                }
            }
        } else {
            const slot = ((barWidthData / (xHigh - xLow)) * innerWidth * 0.8) / Math.max(1, seriesCount);
            for (const point of finitePoints) {
                const x = toX(point[0]) - (slot * seriesCount) / 2 + slot * index;
                const y0 = toY(Math.max(0, yLow));
                const y1 = toY(point[1]);
                parts.push(
                    `<rect x="${x.toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${Math.max(1, slot - 1).toFixed(1)}" height="${Math.abs(y1 - y0).toFixed(1)}" fill="${color}"><title>${escapeHtml(`${series.label}: x ${formatNumber(point[0])}, y ${formatNumber(point[1])}`)}</title></rect>`,
                );
            }
        }
    });
    parts.push(`<text x="${left + innerWidth / 2}" y="${height - 8}" class="axis-label" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
    parts.push(
        `<text transform="translate(14 ${top + innerHeight / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
    );
    const marker = (index: number): string =>
        spec.kind === "scatter" && index < seriesCount - 1 ? " dot" : spec.kind !== "bar" && index % 2 === 1 ? " dashed" : "";
    const legend = spec.series
        .map((series, index) => `<li><span class="swatch${marker(index)}" style="--swatch:${seriesColor(index)}"></span>${escapeHtml(series.label)}</li>`)
        .join("");
    const label = `${spec.title}. ${spec.caption}`;
    // The same drawing as a standalone SVG file, with the page's plot styles inside it.
    const standalone =
        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${escapeHtml(label)}</title>` +
        `<style>.plot-area{fill:#fbfbfc}.grid{stroke:#e6e8eb}.axis{stroke:#4a4f57}.zero{stroke:#8a9099;stroke-dasharray:3 3}.tick{font:12px sans-serif;fill:#3d4249}.axis-label{font:13px sans-serif;fill:#1b1b1b}</style>${parts.join("")}</svg>`;
    const fileName = `${
        spec.title
            .replace(/[^A-Za-z0-9]+/g, "-")
            .replace(/^-|-$/g, "")
            .toLowerCase() || "plot"
    }.svg`;
    return (
        `<figure class="plot"><figcaption><strong>${escapeHtml(spec.title)}</strong></figcaption>` +
        `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">${parts.join("")}</svg>` +
        `<ul class="legend">${legend}</ul><p class="caption">${escapeHtml(spec.caption)} <a class="export" data-role="export-svg" download="${escapeHtml(fileName)}" href="data:image/svg+xml;charset=utf-8,${encodeURIComponent(standalone)}">Download SVG</a></p></figure>`
    );
}

/** Smallest gap between distinct x values (bar width in data units). */
export function barStep(xs: readonly number[]): number {
    const sorted = [...new Set(xs)].sort((a, b) => a - b);
    let step = Number.POSITIVE_INFINITY;
    for (let index = 1; index < sorted.length; index++) step = Math.min(step, (sorted[index] as number) - (sorted[index - 1] as number));
    return Number.isFinite(step) ? step : 1;
}
