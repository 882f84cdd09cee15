/**
 * Small pure helpers of the page renderer. Every function in src/viewer/render/ is also sent to
 * the browser as its own source text (see client-bundle.ts), so each one may call only the other
 * render functions and standard globals: no imports of values, no module-level constants.
 */

export function escapeHtml(text: string): string {
    if (!/[&<>"']/.test(text)) return text;
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A number for people: 3 significant digits, no exponent for ordinary magnitudes, "n/a" for null. */
export function formatNumber(value: number | null): string {
    if (value === null || !Number.isFinite(value)) return "n/a";
    if (value === 0) return "0";
    const magnitude = Math.abs(value);
    if (Number.isInteger(value) && magnitude < 1e7) return String(value);
    if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2);
    if (magnitude >= 100) return value.toFixed(1);
    return String(Number(value.toPrecision(3)));
}

/** Like formatNumber, with an explicit sign for positive numbers (attributions are signed). */
export function formatSigned(value: number | null): string {
    const text = formatNumber(value);
    return value !== null && value > 0 ? `+${text}` : text.replace("-", "−");
}

/** Largest |value| (ignoring null); 0 when there is none. */
export function largestMagnitude(values: readonly (number | null)[]): number {
    let largest = 0;
    for (const value of values) {
        if (value !== null && Number.isFinite(value) && Math.abs(value) > largest) largest = Math.abs(value);
    }
    return largest;
}

/**
 * Diverging blue–orange scale (colour-blind safe; from ColorBrewer's PuOr/RdBu families with
 * blue for negative): t in [−1, 1], 0 is neutral near-white. Returns an `rgb()` string.
 */
export function divergingColor(t: number): string {
    const stops: [number, number, number, number][] = [
        [-1, 33, 102, 172],
        [-0.5, 146, 197, 222],
        [0, 247, 247, 247],
        [0.5, 253, 184, 99],
        [1, 179, 88, 6],
    ];
    const clamped = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
    for (let index = 1; index < stops.length; index++) {
        const upper = stops[index] as [number, number, number, number];
        if (clamped <= upper[0]) {
            const lower = stops[index - 1] as [number, number, number, number];
            const share = (clamped - lower[0]) / (upper[0] - lower[0]);
            const channel = (position: number): number => Math.round(lower[position]! + share * (upper[position]! - lower[position]!));
            return `rgb(${channel(1)}, ${channel(2)}, ${channel(3)})`;
        }
    }
    return "rgb(179, 88, 6)";
}

/** Text colour on divergingColor(t): near-black or white, whichever has the higher WCAG contrast (at least 4.6:1 on every class). */
export function inkFor(t: number): string {
    const channels = (/rgb\((\d+), (\d+), (\d+)\)/.exec(divergingColor(t)) ?? []).slice(1).map(Number);
    const linear = channels.map((channel) => {
        const value = channel / 255;
        return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    });
    const luminance = 0.2126 * (linear[0] ?? 0) + 0.7152 * (linear[1] ?? 0) + 0.0722 * (linear[2] ?? 0);
    const dark = 0.0056; // relative luminance of #111111
    return 1.05 / (luminance + 0.05) > (luminance + 0.05) / (dark + 0.05) ? "#ffffff" : "#111111";
}

/**
 * Colour class of a value on a scale whose ends are ±`scale`: 21 classes, `sn10` … `s0` … `sp10`.
 * The class step follows √(|value| / scale), so that small values stay visible next to one large
 * one; the sign decides the hue, and the exact value is one hover or focus away. Classes (not
 * inline styles) keep a 10,000-unit page small and let re-shading touch only class names.
 */
export function shadeClass(value: number | null, scale: number): string {
    if (value === null || !Number.isFinite(value) || scale <= 0) return "sx";
    const step = Math.round(Math.sqrt(Math.min(1, Math.abs(value) / scale)) * 10);
    return step === 0 ? "s0" : `${value < 0 ? "sn" : "sp"}${step}`;
}

/** The CSS of the shading classes (run in Node for the stylesheet). */
export function shadeClassCss(): string {
    const rules = [".sx { background: transparent; }", `.s0 { background: ${divergingColor(0)}; color: #1b1b1b; }`];
    for (let step = 1; step <= 10; step++) {
        rules.push(`.sn${step} { background: ${divergingColor(-step / 10)}; color: ${inkFor(-step / 10)}; }`);
        rules.push(`.sp${step} { background: ${divergingColor(step / 10)}; color: ${inkFor(step / 10)}; }`);
    }
    return rules.join("\n");
}

/**
 * Re-aggregate unit values into groups: the sum of the units of each group (attributions add
 * up: the group's value is what the method gives the group's units together, exactly so for
 * additive methods). Standard errors combine as √Σse² (estimates taken as independent). A group
 * with a null member is null.
 */
export function aggregateValues(
    values: readonly (number | null)[],
    standardErrors: readonly (number | null)[] | null,
    unitGroup: readonly number[],
    groupCount: number,
): {values: (number | null)[]; standardErrors: (number | null)[] | null} {
    const sums: (number | null)[] = new Array(groupCount).fill(0);
    const squares: (number | null)[] | null = standardErrors === null ? null : new Array(groupCount).fill(0);
    for (let unit = 0; unit < unitGroup.length; unit++) {
        const group = unitGroup[unit] as number;
        const value = values[unit] ?? null;
        const current = sums[group] ?? null;
        sums[group] = value === null || current === null ? null : current + value;
        if (squares !== null && standardErrors !== null) {
            const error = standardErrors[unit] ?? null;
            const square = squares[group] ?? null;
            squares[group] = error === null || square === null ? null : square + error * error;
        }
    }
    return {values: sums, standardErrors: squares === null ? null : squares.map((square) => (square === null ? null : Math.sqrt(square)))};
}

/** Whitespace made visible in token labels (a leading space matters). */
export function visibleToken(text: string): string {
    return text.replace(/ /g, "␣").replace(/\n/g, "⏎") || "∅";
}

export function shorten(text: string, length: number): string {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

/** An ISO 8601 time for people: "2026-11-03 10:00 UTC" (the text as given when it is not a time). */
export function formatTime(iso: string): string {
    const time = new Date(iso);
    if (Number.isNaN(time.getTime())) return iso;
    return `${time.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A target or foil as text: as written, with only whitespace-only text made visible. */
export function readableText(text: string): string {
    return text.trim() === "" ? visibleToken(text) : text.trim();
}

/** A link that downloads a table as CSV (every value in full, not rounded), built in the page: no request. */
export function csvLink(columns: readonly string[], rows: readonly (readonly (string | number | null)[])[], name: string): string {
    const cell = (value: string | number | null): string => {
        const text = value === null ? "" : String(value);
        return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const text = [columns, ...rows].map((row) => row.map(cell).join(",")).join("\n") + "\n";
    const fileName = `${
        name
            .replace(/[^A-Za-z0-9]+/g, "-")
            .replace(/^-|-$/g, "")
            .toLowerCase() || "table"
    }.csv`;
    return `<a class="export" data-role="export-csv" download="${escapeHtml(fileName)}" href="data:text/csv;charset=utf-8,${encodeURIComponent(text)}">Download CSV</a>`;
}
