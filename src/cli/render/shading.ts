/**
 * Colour scales for attribution values: a diverging scale centred on zero (positive values
 * shade toward blue, negative toward red), as a background colour with a readable foreground.
 * 24-bit when the terminal says it supports true colour, else the 256-colour cube.
 */

export type ColorDepth = "none" | "256" | "24bit";

export interface Rgb {
    red: number;
    green: number;
    blue: number;
}

const neutral: Rgb = {red: 245, green: 245, blue: 245};
const positive: Rgb = {red: 33, green: 102, blue: 172};
const negative: Rgb = {red: 178, green: 24, blue: 43};

/** Colour of `value` when the largest magnitude on the scale is `scale` (> 0). */
export function shadeColor(value: number, scale: number): Rgb {
    const strength = scale > 0 && Number.isFinite(value) ? Math.min(1, Math.abs(value) / scale) : 0;
    const end = value >= 0 ? positive : negative;
    const mix = (from: number, to: number) => Math.round(from + (to - from) * strength);
    return {red: mix(neutral.red, end.red), green: mix(neutral.green, end.green), blue: mix(neutral.blue, end.blue)};
}

/** Nearest colour of the xterm 256-colour 6×6×6 cube. */
export function cubeIndex(color: Rgb): number {
    const level = (channel: number) => (channel < 48 ? 0 : channel < 115 ? 1 : Math.min(5, Math.floor((channel - 35) / 40)));
    return 16 + 36 * level(color.red) + 6 * level(color.green) + level(color.blue);
}

function luminance(color: Rgb): number {
    return 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue;
}

/** `text` on a background shaded by `value`; unchanged when depth is "none". */
export function shadeText(text: string, value: number, scale: number, depth: ColorDepth): string {
    if (depth === "none" || text === "") return text;
    const background = shadeColor(value, scale);
    const foreground = luminance(background) > 140 ? "30" : "97";
    const code = depth === "24bit" ? `48;2;${background.red};${background.green};${background.blue}` : `48;5;${cubeIndex(background)}`;
    // Re-open the colour after every line break so each line is shaded, and close it before the break.
    return text
        .split("\n")
        .map((line) => (line === "" ? line : `\x1b[${code};${foreground}m${line}\x1b[0m`))
        .join("\n");
}

/**
 * A diverging bar of `width` cells per side: negative values grow left of the axis, positive
 * values right of it, in eighths of a cell.
 */
export function divergingBar(value: number, scale: number, width = 8): string {
    const cells = scale > 0 && Number.isFinite(value) ? Math.min(1, Math.abs(value) / scale) * width : 0;
    const full = Math.floor(cells);
    const eighths = Math.round((cells - full) * 8);
    const partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    const solid = Math.min(width, full + (eighths === 8 ? 1 : 0));
    const tip = eighths > 0 && eighths < 8 && solid < width ? (value >= 0 ? partials[eighths] : eighths >= 4 ? "▐" : "▕") : "";
    // Positive bars grow right with the tip at their right end; negative bars grow left with the tip at their left end.
    return value >= 0 ? `${" ".repeat(width)}│${("█".repeat(solid) + tip).padEnd(width)}` : `${(tip + "█".repeat(solid)).padStart(width)}│${" ".repeat(width)}`;
}

/** A scale legend: a run of shaded cells from −scale to +scale. */
export function legend(scale: number, depth: ColorDepth, cells = 11): string {
    if (depth === "none") return "";
    const parts: string[] = [];
    for (let index = 0; index < cells; index += 1) {
        const value = -scale + (2 * scale * index) / (cells - 1);
        parts.push(shadeText("  ", value, scale, depth));
    }
    return parts.join("");
}
